import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../../core/errors/writ-error.js';
import { isWritError } from '../../core/errors/writ-error.js';
import { escapeControl } from '../../core/report/escape-control.js';
import { referenceTime } from '../../adapters/clock/system-clock.js';
import { fetchBranch } from '../../adapters/git/fetch-branch.js';
import { listFilesUnder } from '../../adapters/git/list-files-under.js';
import { readBlobAt } from '../../adapters/git/read-blob-at.js';
import { readApplianceKeys } from '../../adapters/keys/appliance-keys.js';
import { verifyRelease } from '../../adapters/tuf/verify-release.js';
import type { CliIo } from '../io.js';

export const VERIFY_HELP = `Usage: writ verify --trust ROOT.json --source URL|DIR --site ID --appliance-key FILE [options]

Fetches the release branch (from a repository folder or over smart HTTP), verifies the newest
release with TUF against the pinned root, decrypts the site's bundle with the appliance key, and
prints its version, digest, expiry and signers. A refusal prints a REL_ reason code and exits 1.

Options:
  --branch NAME       release branch (default writ/releases)
  --state DIR         keep trusted metadata here between runs (protects against rollback)
  --token-file FILE   file holding the HTTPS token for the source
  --cache-dir DIR     where fetched objects are kept (default ~/.cache/writ/releases)
  --now ISO           reference time for expiry (default WRIT_NOW or the clock)
  --format text|json
`;

/** `writ verify`. */
export async function verifyCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      trust: { type: 'string' }, source: { type: 'string' }, site: { type: 'string' }, 'appliance-key': { type: 'string' },
      branch: { type: 'string', default: 'writ/releases' }, state: { type: 'string' }, 'token-file': { type: 'string' },
      'cache-dir': { type: 'string' }, now: { type: 'string' }, format: { type: 'string', default: 'text' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout(VERIFY_HELP);
    return 0;
  }
  for (const need of ['trust', 'source', 'site', 'appliance-key'] as const) {
    if (!values[need]) throw new UsageError(`writ verify needs --${need}`, { hint: 'Run writ verify --help for the options.' });
  }
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`unknown format "${values.format}"`, { hint: 'Use one of: text, json.' });
  const now = referenceTime(values.now, io.env['WRIT_NOW']);
  const read = (path: string, what: string) => {
    try {
      return readFileSync(resolve(io.cwd, path));
    } catch (e) {
      throw new UsageError(`cannot read ${what} ${path}`, { hint: `Check the path given to --${what}.`, cause: e });
    }
  };
  const trustedRoot = new Uint8Array(read(values.trust!, 'trust'));
  const keys = readApplianceKeys(resolve(io.cwd, values['appliance-key']!));
  const source = values.source!;
  const isUrl = /^https?:\/\//.test(source);
  const token = values['token-file'] ? read(values['token-file'], 'token-file').toString('utf8').trim() : undefined;
  const fetched = isUrl
    ? await fetchBranch({ url: source, branch: values.branch!, cacheDir: resolve(io.cwd, values['cache-dir'] ?? join(io.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'writ', 'releases')), timeoutMs: 120_000, ...(token ? { token } : {}) })
    : await fetchBranch({ dir: resolve(io.cwd, source), branch: values.branch!, timeoutMs: 120_000 });
  const cache = {};
  try {
    const release = await verifyRelease({
      read: (path, maxBytes) => readBlobAt({ gitdir: fetched.gitdir, commit: fetched.commit, path, maxBytes, cache }),
      listTargetFiles: () => listFilesUnder({ gitdir: fetched.gitdir, commit: fetched.commit, dir: 'targets', cache }),
      trustedRoot,
      ...(values.state ? { stateDir: resolve(io.cwd, values.state) } : {}),
      site: values.site!,
      applianceKey: keys.encryption,
      now,
    });
    const summary = {
      site: values.site!, release_version: release.version, release_digest: release.bundleSha256, release_commit: fetched.commit,
      source_commit: release.commit, expires: release.expires, signers: release.signers,
      rules: release.bundle.rules.length, runbooks: release.bundle.runbooks.length, hosts: release.bundle.site.hosts.length,
    };
    if (values.format === 'json') io.stdout(JSON.stringify({ verified: true, ...summary }, null, 2) + '\n');
    else {
      io.stdout(`Verified release ${release.version} for site ${values.site} (branch commit ${fetched.commit.slice(0, 12)}, policy commit ${release.commit.slice(0, 12)})\n` +
        `  digest   sha256:${release.bundleSha256}\n` +
        `  expires  timestamp ${release.expires.timestamp}, snapshot ${release.expires.snapshot}, targets ${release.expires.targets}, root ${release.expires.root}\n` +
        release.signers.map((s) => `  signed   ${s.role.padEnd(9)} by ${s.keyIds.map((k) => k.slice(0, 12)).join(', ')}\n`).join('') +
        `  bundle   ${summary.rules} rules, ${summary.runbooks} runbooks, ${summary.hosts} hosts\n`);
    }
    return 0;
  } catch (e) {
    if (isWritError(e) && e.code.startsWith('REL_')) {
      if (values.format === 'json') io.stdout(JSON.stringify({ verified: false, reason_code: e.code, message: e.message, hint: e.hint }, null, 2) + '\n');
      else io.stderr(`writ: ${e.code}: ${escapeControl(e.message)}\n  hint: ${escapeControl(e.hint)}\n`);
      return 1;
    }
    throw e;
  }
}
