import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { cycleStatements } from '../core/engine/cycle-evidence.js';
import type { CycleReport } from '../core/engine/cycle-report.js';
import { makeCheckpointLine } from '../core/evidence/checkpoint.js';
import { ed25519EvidenceSigner } from '../core/evidence/dsse.js';
import { initialChainState, makeRecordLine, resumeChainState, type ChainState, type EvidenceStatementInput } from '../core/evidence/evidence-record.js';
import { lineHash } from '../core/evidence/open-envelope-line.js';
import { scrubJson } from '../core/scrub/scrub-json.js';
import { openEvidenceLog, type EvidenceLog, type QuarantineInfo } from '../adapters/evidence/evidence-log.js';
import { pushEvidence } from '../adapters/evidence/push-evidence.js';
import { fsyncDir, writeFileAtomic } from '../adapters/fs/write-file-atomic.js';
import type { AgentLog } from './agent-log.js';

export interface EvidencePushSettings {
  url: string;
  branch: string;
  token?: string;
  timeoutMs: number;
}

export interface EvidenceRecorderOptions {
  evidenceDir: string;
  stateDir: string;
  site: string;
  appliance: string;
  /** PKCS#8 PEM of the appliance's Ed25519 signing key (from the appliance key file). */
  signingPem: string;
  push?: EvidencePushSettings;
  log: AgentLog;
  /** Clock for recovery records written while opening the log. */
  now: () => Date;
}

export interface EvidenceRecorder {
  /**
   * Scrubs, signs and appends a cycle's records, checkpoints the chain, then pushes (when
   * configured). `infrastructure`: the site's host addresses, kept by the scrubber.
   */
  record(report: CycleReport, context?: { infrastructure: readonly string[] }): Promise<void>;
}

/**
 * The agent's evidence: each cycle becomes PHI-scrubbed, DSSE-signed, hash-chained records in
 * `<evidenceDir>/<site>/<appliance>/YYYY-MM-DD.jsonl`, followed by a signed checkpoint of the whole
 * chain in `checkpoints.jsonl`, then (optionally) pushed to `writ/evidence/<site>`. A torn tail left
 * by a crash is quarantined and recorded when the log opens. The chain's Merkle frontier is kept in
 * the state dir so a restart does not re-read the whole chain (it does when the saved state does not
 * match the last line).
 *
 * @example
 * const recorder = await openEvidenceRecorder({ evidenceDir, stateDir, site, appliance, signingPem, log, now });
 * await recorder.record(report);
 */
export async function openEvidenceRecorder(options: EvidenceRecorderOptions): Promise<EvidenceRecorder> {
  const dir = join(options.evidenceDir, options.site, options.appliance);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const signer = ed25519EvidenceSigner(options.signingPem);
  const chainFile = join(options.stateDir, 'evidence-chain.json');
  const base = { appliance: options.appliance, site: options.site };

  const log: EvidenceLog<EvidenceStatementInput, ChainState> = await openEvidenceLog<EvidenceStatementInput, ChainState>({
    dir,
    genesis: initialChainState(),
    chainOf: (lastLine) => {
      const saved = readSavedChain(chainFile);
      if (saved && saved.prevHash === lineHash(lastLine)) return saved;
      return resumeChainState(allLines(dir));
    },
    makeLine: (input, chain) => {
      const made = makeRecordLine(input, chain, signer);
      return { line: made.line, chain: made.chainState };
    },
    recoveryInput: (info: QuarantineInfo): EvidenceStatementInput => ({
      ...base, time: options.now().toISOString(), kind: 'recovery', run_id: 'recovery', release: null, reason_code: 'EVD_PARTIAL_RECOVERED',
      recovery: { file: info.file, line: info.line, bytes: info.bytes, sha256: info.sha256, quarantined_as: info.quarantined },
    }),
  });
  for (const q of log.recovered) options.log.warn('evidence_recovered', { reason_code: 'EVD_PARTIAL_RECOVERED', file: q.file, line: q.line, bytes: q.bytes, quarantined_as: q.quarantined });
  repairCheckpointTail(join(dir, 'checkpoints.jsonl'));

  return {
    async record(report, context) {
      const keepAddresses = context?.infrastructure ?? [];
      const inputs = cycleStatements(report, options.appliance, (value) => scrubJson(value, { keepAddresses }).value as Record<string, unknown>);
      await log.append(inputs, (s) => s.time.slice(0, 10));
      writeFileAtomic(chainFile, JSON.stringify(log.chain), 0o600);
      const { line, checkpoint } = makeCheckpointLine({ ...base, time: report.started }, log.chain, signer);
      appendDurably(join(dir, 'checkpoints.jsonl'), `${line}\n`);
      options.log.info('evidence_recorded', { records: inputs.length, tree_size: checkpoint.tree_size, root_hash: checkpoint.root_hash });
      if (!options.push) return;
      const pushed = await pushEvidence({
        evidenceDir: options.evidenceDir, site: options.site, appliance: options.appliance, url: options.push.url, branch: options.push.branch,
        ...(options.push.token ? { token: options.push.token } : {}),
        gitdir: join(options.stateDir, 'evidence-git'), author: { name: `writ agent ${options.appliance}`, email: `${options.appliance}@writ.invalid` },
        now: new Date(report.started), timeoutMs: options.push.timeoutMs,
      });
      if (pushed.status === 'not-pushed') {
        options.log.warn('evidence_not_pushed', { reason_code: pushed.error.code, message: pushed.error.message, hint: pushed.error.hint, attempts: pushed.attempts });
      } else {
        options.log.info('evidence_pushed', { status: pushed.status, commit: pushed.commit, attempts: pushed.attempts });
      }
    },
  };
}

function readSavedChain(path: string): ChainState | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as ChainState;
    return Number.isSafeInteger(v.nextIndex) && typeof v.prevHash === 'string' && Array.isArray(v.frontier) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Every complete record line of the chain, oldest first (daily files in name order). */
function* allLines(dir: string): Generator<string> {
  for (const name of readdirSync(dir).filter((n) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(n)).sort()) {
    const text = readFileSync(join(dir, name), 'utf8');
    const end = text.lastIndexOf('\n');
    if (end < 0) continue;
    for (const line of text.slice(0, end).split('\n')) if (line !== '') yield line;
  }
}

/** Appends whole lines with O_APPEND and fsyncs them (and the folder when the file is new). */
function appendDurably(path: string, text: string): void {
  const isNew = !existsSync(path);
  const fd = openSync(path, 'a', 0o600);
  try {
    writeSync(fd, Buffer.from(text, 'utf8'));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (isNew) fsyncDir(join(path, '..'));
}

/** A checkpoint line torn by a crash is moved aside (quarantine/) so the file holds whole lines only. */
function repairCheckpointTail(path: string): void {
  if (!existsSync(path)) return;
  const bytes = readFileSync(path);
  if (bytes.length === 0 || bytes[bytes.length - 1] === 0x0a) return;
  const keep = bytes.lastIndexOf(0x0a) + 1;
  const quarantine = join(path, '..', 'quarantine');
  mkdirSync(quarantine, { recursive: true, mode: 0o700 });
  const aside = join(quarantine, `checkpoints.jsonl.${keep}.partial`);
  writeFileAtomic(`${aside}.pending`, bytes.subarray(keep), 0o600);
  truncateSync(path, keep);
  const fd = openSync(path, 'r+');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(`${aside}.pending`, aside);
}
