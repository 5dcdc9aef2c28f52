import { canonicalJson } from '../bundle/canonical-json.js';
import { EVIDENCE_PAYLOAD_TYPE, type EvidenceSigner, type TrustedKeys, envelopeLine, signEnvelope } from './dsse.js';
import { EvidenceError } from './evidence-error.js';
import { appendLeaf, frontierRoot, leafHash } from './merkle.js';
import { type LineRefusal, MAX_LINE_BYTES, lineHash, openEnvelopeLine } from './open-envelope-line.js';

/** `prev` of record 0. */
export const ZERO_HASH = '0'.repeat(64);

/** What a record is about. Others may be added; a kind is lower case with dashes. */
export type EvidenceKind = 'check' | 'remediation' | 'escalation' | 'cycle' | 'recovery' | 'release' | (string & {});

/** What a `recovery` record says about a torn line found after a crash. */
export interface RecoveryDetail {
  /** Daily file the torn bytes were cut from (name only, e.g. `2026-03-01.jsonl`). */
  file: string;
  /** 1-based line number the torn bytes started at. */
  line: number;
  /** How many bytes were cut. */
  bytes: number;
  /** SHA-256 (hex) of the cut bytes. */
  sha256: string;
  /** Where they went, relative to the appliance folder (`quarantine/…`). */
  quarantined_as: string;
}

/**
 * One evidence record (`writ-evidence/v1`), signed as the payload of a DSSE envelope in its RFC 8785
 * canonical JSON. `index` counts from 0 over the appliance's whole chain (across daily files);
 * `prev` is the hex SHA-256 of the previous record's line bytes without the newline (64 zeros for
 * index 0). Fields after `release` are per kind; anything else goes in `data`. Unknown top-level
 * fields are refused so that a verifier never silently ignores a claim.
 */
export interface EvidenceStatement {
  format: 'writ-evidence/v1';
  index: number;
  prev: string;
  appliance: string;
  site: string;
  /** ISO 8601 UTC (`…Z`): the cycle's reference time or the event's time. */
  time: string;
  kind: EvidenceKind;
  run_id: string;
  /** The verified release the agent was enforcing; null when it had none. */
  release: { version: number; digest: string } | null;
  host?: string;
  rule?: string;
  controls?: string[];
  runbook?: string;
  runbook_version?: string;
  /** SHA-256 (hex) of the runbook script text that ran. */
  runbook_digest?: string;
  /** The engine's decision (decide-host kinds) or the plan's action. */
  decision?: string;
  reason_code?: string;
  plan?: Record<string, unknown>;
  result?: Record<string, unknown>;
  timing?: { started?: string; duration_ms?: number };
  recovery?: RecoveryDetail;
  data?: Record<string, unknown>;
}

/** What a writer supplies; the chain fills `format`, `index` and `prev`. */
export type EvidenceStatementInput = Omit<EvidenceStatement, 'format' | 'index' | 'prev'>;

/**
 * Where an appliance's chain stands: the next index, the hash of the last line, and the Merkle
 * frontier (hex roots of the perfect subtrees, largest first) so a checkpoint needs no re-read.
 * Plain JSON: a writer may persist it.
 */
export interface ChainState {
  nextIndex: number;
  prevHash: string;
  frontier: readonly string[];
}

/** The state of an empty chain. */
export function initialChainState(): ChainState {
  return { nextIndex: 0, prevHash: ZERO_HASH, frontier: [] };
}

/**
 * The state after one more line (any line the writer has appended to the chain's files).
 *
 * @example
 * const state = lines.reduce(advanceChainState, initialChainState());
 */
export function advanceChainState(state: ChainState, line: string): ChainState {
  const frontier = appendLeaf(state.frontier.map((h) => Buffer.from(h, 'hex')), state.nextIndex, leafHash(line));
  return { nextIndex: state.nextIndex + 1, prevHash: lineHash(line), frontier: frontier.map((h) => Buffer.from(h).toString('hex')) };
}

/** Rebuilds the chain state from the chain's existing lines, oldest first (a writer's restart). Does not verify them. */
export function resumeChainState(lines: Iterable<string>): ChainState {
  let state = initialChainState();
  for (const line of lines) state = advanceChainState(state, line);
  return state;
}

/** The hex Merkle root of the records a chain state covers (`tree_size` = `nextIndex`). */
export function chainRoot(state: ChainState): string {
  return frontierRoot(state.frontier.map((h) => Buffer.from(h, 'hex'))).toString('hex');
}

/**
 * Makes the next record's line: fills format, index and prev, checks the statement against
 * writ-evidence/v1, signs its canonical JSON as a DSSE envelope and returns the line (no newline)
 * with the advanced chain state. Throws EvidenceError (EVD_MALFORMED) before signing anything invalid.
 *
 * @example
 * const { line, chainState } = makeRecordLine({ appliance, site, time, kind: 'check', run_id, release, host, rule }, state, signer);
 * append(`${line}\n`); state = chainState;
 */
export function makeRecordLine(input: EvidenceStatementInput, chainState: ChainState, signer: EvidenceSigner): { line: string; chainState: ChainState; statement: EvidenceStatement } {
  const statement = withoutUndefined({ ...input, format: 'writ-evidence/v1', index: chainState.nextIndex, prev: chainState.prevHash }) as unknown as EvidenceStatement;
  const problem = evidenceStatementProblem(statement);
  if (problem) throw new EvidenceError('EVD_MALFORMED', `evidence record ${chainState.nextIndex}: ${problem}`, { hint: 'Build the statement from the cycle report with the writ-evidence/v1 fields (core/evidence/evidence-record.ts); put extra values under data.' });
  const line = envelopeLine(signEnvelope(EVIDENCE_PAYLOAD_TYPE, canonicalJson(statement), signer));
  if (line.length > MAX_LINE_BYTES) throw new EvidenceError('EVD_MALFORMED', `evidence record ${chainState.nextIndex} is ${line.length} bytes, over the ${MAX_LINE_BYTES}-byte line cap`, { hint: 'Record less observed data for this rule (the runbook\'s evidence_fields).' });
  return { line, chainState: advanceChainState(chainState, line), statement };
}

/** A parsed record line: the statement, believed because its signature verified first. */
export interface ParsedRecord {
  ok: true;
  statement: EvidenceStatement;
  keyid: string;
}

/**
 * Parses one record line strictly: canonical one-signature DSSE envelope, payloadType
 * `application/vnd.writ.evidence+json`, a trusted key (of `appliance` when given), an Ed25519
 * signature that verifies over the PAE of the raw payload bytes — checked before the payload is
 * parsed — then canonical JSON that is a valid writ-evidence/v1 statement. Never throws.
 *
 * @example
 * const r = parseRecordLine(line, keys, { appliance: 'northside-appl-1' });
 * if (!r.ok) console.log(r.code, r.message);
 */
export function parseRecordLine(line: string, keys: TrustedKeys, options: { appliance?: string; authenticated?: boolean } = {}): ParsedRecord | LineRefusal {
  const opened = openEnvelopeLine(line, EVIDENCE_PAYLOAD_TYPE, keys, options);
  if (!opened.ok) return opened;
  const problem = evidenceStatementProblem(opened.value);
  if (problem) return { ok: false, code: 'EVD_MALFORMED', message: problem };
  return { ok: true, statement: opened.value as EvidenceStatement, keyid: opened.keyid };
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const HEX64 = /^[0-9a-f]{64}$/;
const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const KNOWN = new Set(['format', 'index', 'prev', 'appliance', 'site', 'time', 'kind', 'run_id', 'release', 'host', 'rule', 'controls', 'runbook', 'runbook_version', 'runbook_digest', 'decision', 'reason_code', 'plan', 'result', 'timing', 'recovery', 'data']);
const OPTIONAL_STRINGS = ['host', 'rule', 'runbook', 'runbook_version', 'decision', 'reason_code'] as const;
const OPTIONAL_OBJECTS = ['plan', 'result', 'data'] as const;

/** Whether a string is an ISO 8601 UTC time writ writes (`2026-03-01T02:00:00Z`, optional fraction). */
export function isIsoUtc(v: unknown): v is string {
  return typeof v === 'string' && ISO_UTC.test(v) && !Number.isNaN(Date.parse(v));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Why a value is not a writ-evidence/v1 statement, or null when it is.
 *
 * @example
 * evidenceStatementProblem({ format: 'writ-evidence/v1' }); // 'index must be a non-negative integer'
 */
export function evidenceStatementProblem(v: unknown): string | null {
  if (!isObject(v)) return 'statement is not a JSON object';
  if (v['format'] !== 'writ-evidence/v1') return `format is ${JSON.stringify(v['format'])}, expected "writ-evidence/v1"`;
  for (const k of Object.keys(v)) if (!KNOWN.has(k)) return `unknown field "${k}" (put extra values under data)`;
  if (!isCount(v['index'])) return 'index must be a non-negative integer';
  if (typeof v['prev'] !== 'string' || !HEX64.test(v['prev'])) return 'prev must be 64 lowercase hex digits';
  if (typeof v['appliance'] !== 'string' || !ID.test(v['appliance'])) return 'appliance must be an appliance id';
  if (typeof v['site'] !== 'string' || !ID.test(v['site'])) return 'site must be a site id';
  if (!isIsoUtc(v['time'])) return 'time must be ISO 8601 UTC (…Z)';
  if (typeof v['kind'] !== 'string' || !/^[a-z][a-z0-9-]{0,31}$/.test(v['kind'])) return 'kind must be lower case with dashes';
  if (typeof v['run_id'] !== 'string' || v['run_id'].length === 0 || v['run_id'].length > 128) return 'run_id must be a string of 1–128 characters';
  const rel = v['release'];
  if (rel !== null && !(isObject(rel) && isCount(rel['version']) && typeof rel['digest'] === 'string' && Object.keys(rel).length === 2)) return 'release must be null or {version, digest}';
  for (const k of OPTIONAL_STRINGS) if (k in v && typeof v[k] !== 'string') return `${k} must be a string`;
  for (const k of OPTIONAL_OBJECTS) if (k in v && !isObject(v[k])) return `${k} must be an object`;
  if ('runbook_digest' in v && (typeof v['runbook_digest'] !== 'string' || !HEX64.test(v['runbook_digest']))) return 'runbook_digest must be 64 lowercase hex digits';
  if ('controls' in v && !(Array.isArray(v['controls']) && v['controls'].every((c) => typeof c === 'string'))) return 'controls must be a list of strings';
  if ('timing' in v) {
    const t = v['timing'];
    if (!isObject(t) || Object.keys(t).some((k) => k !== 'started' && k !== 'duration_ms')) return 'timing must be {started?, duration_ms?}';
    if ('started' in t && !isIsoUtc(t['started'])) return 'timing.started must be ISO 8601 UTC';
    if ('duration_ms' in t && !(typeof t['duration_ms'] === 'number' && t['duration_ms'] >= 0)) return 'timing.duration_ms must be a non-negative number';
  }
  if ('recovery' in v) {
    const r = v['recovery'];
    if (!isObject(r) || typeof r['file'] !== 'string' || !isCount(r['line']) || !isCount(r['bytes']) || typeof r['sha256'] !== 'string' || !HEX64.test(r['sha256']) ||
      typeof r['quarantined_as'] !== 'string' || Object.keys(r).length !== 5) return 'recovery must be {file, line, bytes, sha256, quarantined_as}';
  }
  if (v['kind'] === 'recovery' && !('recovery' in v)) return 'a recovery record needs its recovery field';
  return null;
}

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(o)) if (val !== undefined) out[k] = val;
  return out;
}
