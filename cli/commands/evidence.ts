import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors/writ-error.js';
import { trustedKeyMap } from '../../core/evidence/dsse.js';
import { renderEvidenceJson, renderEvidenceText } from '../../core/evidence/render-evidence-verdicts.js';
import { verifyChain } from '../../core/evidence/verify-chain.js';
import { readEvidenceDir } from '../../adapters/evidence/read-evidence-dir.js';
import { readVerifyKeys } from '../../adapters/evidence/read-verify-keys.js';
import type { CliIo } from '../io.js';

export const EVIDENCE_HELP = `Usage: writ evidence verify --dir DIR --keys FILE [--keys FILE …] [options]

Verifies appliance evidence offline. DIR holds <site>/<appliance>/ folders (a checkout of the
evidence branch; one site's or one appliance's folder also works), each with daily record files
YYYY-MM-DD.jsonl, checkpoints.jsonl and quarantine/. Every chain is checked: DSSE Ed25519
signatures, the hash chain, order and gaps, truncation and forks against the signed Merkle
checkpoints. Problems name the EVD_ code, the exact record index, the file and the line.

A chain prints "verified through N (of M records; checkpoint at K)": records 0..N are signed,
chained and under a checkpoint whose root matches. Records after the newest checkpoint are a
warning (EVD_TAIL_UNCHECKPOINTED), not a failure. See docs/evidence.md.

Options:
  --keys FILE         trusted public keys: a site file (sites/<id>.yaml; every appliance's
                      signing_key, retired ones included) or { appliances: [{ id, signing_key }] }
                      in YAML or JSON; repeat for several sites
  --all-signatures    also check each record's own signature where a checkpoint already binds it
  --format text|json  (default text)

Exit codes: 0 every chain verified (warnings allowed), 1 any EVD_ error, 2 usage error or an
unreadable folder or keys file.
`;

/** `writ evidence verify`. */
export async function evidenceCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.stdout(EVIDENCE_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'verify') throw new UsageError(`unknown subcommand "evidence ${sub}"`, { hint: 'Use writ evidence verify --dir DIR --keys FILE.' });
  const { values } = parseArgs({
    args: [...rest],
    options: {
      dir: { type: 'string' }, keys: { type: 'string', multiple: true }, format: { type: 'string', default: 'text' },
      'all-signatures': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout(EVIDENCE_HELP);
    return 0;
  }
  if (!values.dir) throw new UsageError('writ evidence verify needs --dir', { hint: 'Pass the evidence folder (<site>/<appliance>/…), e.g. --dir evidence.' });
  if (!values.keys || values.keys.length === 0) throw new UsageError('writ evidence verify needs --keys', { hint: 'Pass the site file that lists the appliances, e.g. --keys sites/clinic-northside.yaml.' });
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`unknown format "${values.format}"`, { hint: 'Use one of: text, json.' });

  const keys = trustedKeyMap(values.keys.flatMap((k) => readVerifyKeys(resolve(io.cwd, k))));
  const chains = await readEvidenceDir(resolve(io.cwd, values.dir));
  if (chains.length === 0) {
    throw new UsageError(`no evidence chains under ${values.dir}`, { hint: 'Expect <site>/<appliance>/YYYY-MM-DD.jsonl and checkpoints.jsonl under --dir (docs/evidence.md).' });
  }
  const verdicts = chains.map((c) => verifyChain(c, { keys, allSignatures: values['all-signatures'] }));
  io.stdout(values.format === 'json' ? renderEvidenceJson(verdicts) : renderEvidenceText(verdicts));
  return verdicts.every((v) => v.ok) ? 0 : 1;
}
