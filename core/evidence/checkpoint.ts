import { canonicalJson } from '../bundle/canonical-json.js';
import { CHECKPOINT_PAYLOAD_TYPE, type EvidenceSigner, type TrustedKeys, envelopeLine, signEnvelope } from './dsse.js';
import { EvidenceError } from './evidence-error.js';
import { type ChainState, chainRoot, isIsoUtc } from './evidence-record.js';
import { type LineRefusal, openEnvelopeLine } from './open-envelope-line.js';

/**
 * A signed statement that the appliance's chain held `tree_size` records (indexes 0 to
 * tree_size − 1) whose RFC 6962 Merkle root is `root_hash` (leaf = SHA-256(0x00 || line bytes)).
 * Stored one per line in the chain's `checkpoints.jsonl`, as a DSSE envelope of payloadType
 * `application/vnd.writ.checkpoint+json`.
 */
export interface CheckpointStatement {
  format: 'writ-checkpoint/v1';
  appliance: string;
  site: string;
  tree_size: number;
  /** Hex RFC 6962 Merkle Tree Hash of the first tree_size record lines. */
  root_hash: string;
  time: string;
}

/**
 * Makes a checkpoint line over everything the chain state covers (tree_size = nextIndex).
 *
 * @example
 * const { line } = makeCheckpointLine({ appliance, site, time }, chainState, signer);
 */
export function makeCheckpointLine(input: { appliance: string; site: string; time: string }, chainState: ChainState, signer: EvidenceSigner): { line: string; checkpoint: CheckpointStatement } {
  const checkpoint: CheckpointStatement = { format: 'writ-checkpoint/v1', appliance: input.appliance, site: input.site, tree_size: chainState.nextIndex, root_hash: chainRoot(chainState), time: input.time };
  const problem = checkpointStatementProblem(checkpoint);
  if (problem) throw new EvidenceError('EVD_MALFORMED', `checkpoint at ${checkpoint.tree_size}: ${problem}`, { hint: 'Pass the appliance id, site id and an ISO UTC time.' });
  return { line: envelopeLine(signEnvelope(CHECKPOINT_PAYLOAD_TYPE, canonicalJson(checkpoint), signer)), checkpoint };
}

/**
 * Parses one checkpoint line strictly (signature before payload), like parseRecordLine.
 *
 * @example
 * parseCheckpointLine(line, keys, { appliance: 'northside-appl-1' });
 */
export function parseCheckpointLine(line: string, keys: TrustedKeys, options: { appliance?: string } = {}): { ok: true; checkpoint: CheckpointStatement; keyid: string } | LineRefusal {
  const opened = openEnvelopeLine(line, CHECKPOINT_PAYLOAD_TYPE, keys, options);
  if (!opened.ok) return opened;
  const problem = checkpointStatementProblem(opened.value);
  if (problem) return { ok: false, code: 'EVD_MALFORMED', message: problem };
  return { ok: true, checkpoint: opened.value as CheckpointStatement, keyid: opened.keyid };
}

/** Why a value is not a writ-checkpoint/v1 statement, or null. */
export function checkpointStatementProblem(v: unknown): string | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'checkpoint is not a JSON object';
  const c = v as Record<string, unknown>;
  if (c['format'] !== 'writ-checkpoint/v1') return `format is ${JSON.stringify(c['format'])}, expected "writ-checkpoint/v1"`;
  const extra = Object.keys(c).filter((k) => !['format', 'appliance', 'site', 'tree_size', 'root_hash', 'time'].includes(k));
  if (extra.length > 0) return `unknown field "${extra[0]}"`;
  if (typeof c['appliance'] !== 'string' || typeof c['site'] !== 'string') return 'appliance and site must be strings';
  if (typeof c['tree_size'] !== 'number' || !Number.isSafeInteger(c['tree_size']) || c['tree_size'] < 0) return 'tree_size must be a non-negative integer';
  if (typeof c['root_hash'] !== 'string' || !/^[0-9a-f]{64}$/.test(c['root_hash'])) return 'root_hash must be 64 lowercase hex digits';
  if (!isIsoUtc(c['time'])) return 'time must be ISO 8601 UTC (…Z)';
  return null;
}
