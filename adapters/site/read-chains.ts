import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrustedKeys } from '../../core/evidence/dsse.js';
import { parseRecordLine } from '../../core/evidence/evidence-record.js';
import { MAX_LINE_BYTES } from '../../core/evidence/open-envelope-line.js';
import { type ChainVerdict, type EvidenceLine, type QuarantineNote, verifyChain } from '../../core/evidence/verify-chain.js';
import type { SiteRecordInput } from '../../core/site/clinic-aggregator.js';
import { SiteError } from '../../core/site/site-codes.js';
import { isSafeFileId, type ChainStatus, type VerificationState } from '../../core/site/site-model.js';
import { CHECKPOINTS_FILE, DAILY_FILE, QUARANTINE_DIR, readLines } from '../evidence/read-evidence-dir.js';

/** One appliance chain after verification: its daily files with their line positions, and the verdict. */
export interface VerifiedChain {
  site: string;
  appliance: string;
  dir: string;
  /** Daily files in name order; `offset` = position of the file's first line in the chain; `sha256` of the lines as verified. */
  files: { name: string; day: string; offset: number; lines: number; sha256: string }[];
  verdict: ChainVerdict;
}

/**
 * Lists `<evidenceDir>/<site>/<appliance>/` chain folders, by site. Folder names must be safe ids
 * (they name pages); anything else is refused with SITE_EVIDENCE_INVALID naming the folder.
 *
 * @example
 * const bySite = await listChains('/srv/evidence'); // Map { 'clinic-a' => ['appl-1'] }
 */
export async function listChains(evidenceDir: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  let sites: string[];
  try {
    sites = (await readdir(evidenceDir, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name).sort();
  } catch (e) {
    throw new SiteError('SITE_EVIDENCE_INVALID', `cannot read the evidence folder ${evidenceDir}`, { hint: 'Pass the folder holding <site>/<appliance>/YYYY-MM-DD.jsonl (a checkout of the evidence branch) to --evidence.', cause: e, data: { dir: evidenceDir } });
  }
  for (const site of sites) {
    if (!isSafeFileId(site)) throw new SiteError('SITE_EVIDENCE_INVALID', `evidence folder ${JSON.stringify(join(evidenceDir, site))} is not named for a site id`, { hint: 'The evidence folder holds one folder per site id (lower case, digits and dashes); move anything else out of it.', data: { dir: join(evidenceDir, site) } });
    let appliances: string[];
    try {
      appliances = (await readdir(join(evidenceDir, site), { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name).sort();
    } catch (e) {
      throw new SiteError('SITE_EVIDENCE_INVALID', `cannot read the evidence folder ${join(evidenceDir, site)}`, { hint: 'Check the folder\'s permissions; every folder in the evidence checkout must be readable.', cause: e, data: { dir: join(evidenceDir, site) } });
    }
    for (const a of appliances) {
      if (!isSafeFileId(a)) throw new SiteError('SITE_EVIDENCE_INVALID', `evidence folder ${JSON.stringify(join(evidenceDir, site, a))} is not named for an appliance id`, { hint: 'Each site folder holds one folder per appliance id; move anything else out of it.', data: { dir: join(evidenceDir, site, a) } });
    }
    out.set(site, appliances);
  }
  return out;
}

/**
 * Reads one appliance chain, verifies it with `verifyChain` (the same verifier as `writ evidence
 * verify`), and returns the verdict and where each daily file's lines sit in the chain. The lines
 * are dropped afterwards: only one chain is in memory at a time.
 *
 * @example
 * const chain = await verifyChainDir('/srv/evidence/clinic-a/appl-1', 'clinic-a', 'appl-1', keys);
 */
export async function verifyChainDir(dir: string, site: string, appliance: string, keys: TrustedKeys): Promise<VerifiedChain> {
  const shown = (name: string) => `${site}/${appliance}/${name}`;
  try {
    const names = (await readdir(dir)).sort();
    const records: EvidenceLine[] = [];
    const files: VerifiedChain['files'] = [];
    for (const name of names.filter((n) => DAILY_FILE.test(n))) {
      const lines = await readLines(join(dir, name), shown(name), MAX_LINE_BYTES);
      files.push({ name, day: name.slice(0, 10), offset: records.length, lines: lines.length, sha256: linesDigest(lines) });
      for (const l of lines) records.push(l);
    }
    const checkpoints = names.includes(CHECKPOINTS_FILE) ? await readLines(join(dir, CHECKPOINTS_FILE), shown(CHECKPOINTS_FILE), MAX_LINE_BYTES) : [];
    const quarantine: QuarantineNote[] = [];
    if (names.includes(QUARANTINE_DIR)) {
      for (const d of (await readdir(join(dir, QUARANTINE_DIR), { withFileTypes: true })).filter((x) => x.isFile()).map((x) => x.name).sort()) {
        quarantine.push({ file: `${QUARANTINE_DIR}/${d}`, bytes: (await stat(join(dir, QUARANTINE_DIR, d))).size });
      }
    }
    const verdict = verifyChain({ site, appliance, records, checkpoints, quarantine }, { keys });
    return { site, appliance, dir, files, verdict };
  } catch (e) {
    if (e instanceof SiteError) throw e;
    throw new SiteError('SITE_EVIDENCE_INVALID', `cannot read the evidence of ${site}/${appliance} in ${dir}`, { hint: 'Check the folder\'s permissions; every file in it must be readable.', cause: e, data: { dir } });
  }
}

/** The verification state of the record at chain position `pos` with statement index `index`. */
export function verificationOf(verdict: ChainVerdict, pos: number, index: number): VerificationState {
  if (pos !== index) return 'broken';
  if (index <= verdict.verifiedThrough) return 'verified';
  if (index <= verdict.chainValidThrough) return 'beyond-checkpoint';
  return 'broken';
}

/**
 * Reads one daily file of a verified chain again and returns its records for the aggregator: each
 * line opened strictly (signature before payload; the Ed25519 check is skipped only for lines a
 * matching checkpoint's Merkle root or verifyChain already authenticated), with its verification state. A line
 * that does not open is returned without a statement, with the reason.
 *
 * @example
 * const records = await readChainDay(chain, chain.files[0], keys);
 */
export async function readChainDay(chain: VerifiedChain, file: VerifiedChain['files'][number], keys: TrustedKeys): Promise<SiteRecordInput[]> {
  const lines = await readLines(join(chain.dir, file.name), `${chain.site}/${chain.appliance}/${file.name}`, MAX_LINE_BYTES);
  // The verdict is about the bytes verifyChain read: a file changed since then is refused, not shown as verified.
  if (linesDigest(lines) !== file.sha256) {
    throw new SiteError('SITE_EVIDENCE_INVALID', `${chain.site}/${chain.appliance}/${file.name} changed while the site was being built`, { hint: 'Build from a checkout nothing writes to (stop the evidence sync or copy the folder first), then build again.', data: { file: file.name } });
  }
  const out: SiteRecordInput[] = [];
  const { verdict } = chain;
  lines.forEach((l, i) => {
    const pos = file.offset + i;
    if (!l.terminated && pos >= verdict.records) return; // torn tail: not part of the chain
    const base = { appliance: chain.appliance, file: l.file, line: l.line };
    if (l.oversize) {
      out.push({ ...base, index: pos, verification: 'broken', problem: { code: 'EVD_MALFORMED', message: 'line is longer than the line cap' } });
      return;
    }
    // Records 0..chainValidThrough were each opened by verifyChain (signature, or a checkpoint root over them).
    const opened = pos <= verdict.chainValidThrough;
    let r = parseRecordLine(l.text, keys, { appliance: chain.appliance, authenticated: opened });
    if (r.ok && r.statement.index !== pos && opened) r = parseRecordLine(l.text, keys, { appliance: chain.appliance });
    if (!r.ok) {
      const problem = verdict.problems.find((p) => p.file === l.file && p.line === l.line);
      out.push({ ...base, index: pos, verification: 'broken', problem: { code: problem?.code ?? r.code, message: problem?.message ?? r.message } });
      return;
    }
    if (r.statement.site !== chain.site || r.statement.appliance !== chain.appliance) {
      out.push({ ...base, index: pos, verification: 'broken', problem: { code: 'EVD_WRONG_CHAIN', message: `record names ${r.statement.site}/${r.statement.appliance}, but it is in the chain of ${chain.site}/${chain.appliance}` } });
      return;
    }
    out.push({ ...base, index: r.statement.index, verification: verificationOf(verdict, pos, r.statement.index), statement: r.statement });
  });
  return out;
}

/**
 * The site view of a verdict: ok or broken, the counts, and the first error with its place.
 *
 * @example
 * chainStatus(verdict).broken_at; // { code: 'EVD_SIGNATURE_INVALID', index: 42, file: '…', line: 43, message: '…' }
 */
export function chainStatus(v: ChainVerdict): ChainStatus {
  const problems = v.problems.map((p) => ({
    code: p.code, severity: p.severity, message: p.message,
    ...(p.index !== undefined ? { index: p.index } : {}), ...(p.file !== undefined ? { file: p.file } : {}), ...(p.line !== undefined ? { line: p.line } : {}),
  }));
  const first = problems.find((p) => p.severity === 'error');
  return {
    appliance: v.appliance, status: v.ok ? 'ok' : 'broken', records: v.records, verified_through: v.verifiedThrough, chain_valid_through: v.chainValidThrough,
    checkpointed_through: v.checkpointedThrough, beyond_checkpoint: Math.max(0, v.chainValidThrough - Math.max(v.checkpointedThrough, -1)),
    checkpoint: v.checkpoint, broken_at: first ? (({ severity: _s, ...rest }) => rest)(first) : null, problems,
  };
}

/** SHA-256 over a file's lines as read (text, terminator flag, oversize flag): what the two passes compare. */
function linesDigest(lines: readonly EvidenceLine[]): string {
  const h = createHash('sha256');
  for (const l of lines) h.update(`${l.oversize ? 'O' : l.terminated ? 'T' : 'U'}${l.text.length}:`).update(l.text, 'latin1');
  return h.digest('hex');
}
