import { hash } from 'node:crypto';
import { parseCheckpointLine } from './checkpoint.js';
import type { TrustedKeys } from './dsse.js';
import { EVIDENCE_CODES, EVIDENCE_SEVERITY, type EvidenceCode, type EvidenceSeverity } from './evidence-codes.js';
import { type RecoveryDetail, ZERO_HASH, parseRecordLine } from './evidence-record.js';
import { appendLeafInPlace, frontierRoot } from './merkle.js';

/** One stored line as an adapter read it. */
export interface EvidenceLine {
  /** Path shown in messages (relative to the evidence folder), e.g. `clinic-a/appl-1/2026-03-01.jsonl`. */
  file: string;
  /** 1-based line number in that file. */
  line: number;
  /** The line's bytes as latin1 text (1:1 with bytes; valid lines are ASCII), without the newline. */
  text: string;
  /** False for a file's last line when no newline followed it (a write may have been torn). */
  terminated: boolean;
  /** The line was longer than the reader's cap; `text` is then empty. */
  oversize?: boolean;
}

/** A file found in the chain's `quarantine/` folder. */
export interface QuarantineNote {
  /** Relative to the appliance folder: `quarantine/…`. */
  file: string;
  bytes: number;
}

/** Everything stored for one appliance's chain, in file order (daily files by name, then line). */
export interface ChainInput {
  site: string;
  appliance: string;
  records: readonly EvidenceLine[];
  checkpoints: readonly EvidenceLine[];
  quarantine?: readonly QuarantineNote[];
}

export interface VerifyChainOptions {
  keys: TrustedKeys;
  /**
   * Check every record's own signature, even where a verified checkpoint's Merkle root already
   * binds the record's bytes (docs/evidence.md, "How verification works"). Slower (one Ed25519
   * verification per record); off by default.
   */
  allSignatures?: boolean;
}

export interface EvidenceProblem {
  code: EvidenceCode;
  severity: EvidenceSeverity;
  /** The record index the problem is at (for a bad line: the index its position implies). */
  index?: number;
  /** For checkpoint problems: the tree size of the checkpoint. */
  tree_size?: number;
  file?: string;
  line?: number;
  message: string;
  hint: string;
}

export interface ChainVerdict {
  site: string;
  appliance: string;
  /** Record lines found (a torn last line excluded). */
  records: number;
  /** Last index that is chain-valid and under a checkpoint whose root matches; -1 for none. */
  verifiedThrough: number;
  /** Last index i such that records 0..i are present, signed, in order and linked; -1 for none. */
  chainValidThrough: number;
  /** Last index under a valid checkpoint whose root matches the records; -1 for none. */
  checkpointedThrough: number;
  /** The largest matching checkpoint, or null. */
  checkpoint: { tree_size: number; time: string; file: string; line: number } | null;
  /** How many record signatures were checked one by one (the rest are bound by a checkpoint's root). */
  signaturesChecked: number;
  /** True when no problem is an error. */
  ok: boolean;
  problems: EvidenceProblem[];
}

const HINTS = new Map(EVIDENCE_CODES.map((c) => [c.code, c.help]));
const DAILY = /(?:^|\/)(\d{4}-\d{2}-\d{2})\.jsonl$/;

/** What the walk keeps of a good record (not the whole statement: 100k of those cost GC time). */
interface Good { pos: number; st: { index: number; prev: string; time: string; recovery: RecoveryDetail | undefined }; hash: string; at: EvidenceLine }

// Valid lines are ASCII, so hashing the string (UTF-8) hashes exactly the line's bytes; a line with
// other bytes is malformed whatever its hash. One-shot hashes keep the hot loop allocation-light.
const leafOf = (text: string): Buffer => hash('sha256', `\u0000${text}`, 'buffer');
const hashOf = (text: string): string => hash('sha256', text, 'hex');
interface ValidCheckpoint { size: number; root: string; time: string; at: EvidenceLine }

/**
 * Verifies one appliance's evidence chain offline: signatures (verify before parse), the hash chain,
 * order, gaps, truncation against signed checkpoints, checkpoint roots (RFC 6962) and forks, and
 * reports every problem with the exact record index, file and line. Pure: the adapter reads files.
 *
 * Records under a checkpoint whose root matches the file-order lines are authenticated by that one
 * signature over the root; their own signatures are checked only with `allSignatures` (or when no
 * root matches, which is also how a tampered record is located exactly).
 *
 * @example
 * const verdict = verifyChain({ site, appliance, records, checkpoints }, { keys });
 * verdict.ok; // false
 * verdict.problems[0]; // { code: 'EVD_SIGNATURE_INVALID', index: 42, file: 'clinic-a/appl-1/2026-03-01.jsonl', line: 43, … }
 */
export function verifyChain(input: ChainInput, options: VerifyChainOptions): ChainVerdict {
  const { keys } = options;
  const { appliance, site } = input;
  const problems: EvidenceProblem[] = [];
  const add = (code: EvidenceCode, message: string, at: { index?: number; tree_size?: number; file?: string; line?: number } = {}) =>
    problems.push({ code, severity: EVIDENCE_SEVERITY[code], ...at, message, hint: HINTS.get(code) ?? '' });
  const where = (l: EvidenceLine) => ({ file: l.file, line: l.line });
  const ref = (l: EvidenceLine) => `${l.file}:${l.line}`;
  const short = (h: string) => `${h.slice(0, 12)}…`;

  const result = (partial: Partial<ChainVerdict>): ChainVerdict => {
    problems.sort((a, b) => (a.index ?? a.tree_size ?? Infinity) - (b.index ?? b.tree_size ?? Infinity) || (a.line ?? 0) - (b.line ?? 0));
    return {
      site, appliance, records: input.records.length, verifiedThrough: -1, chainValidThrough: -1, checkpointedThrough: -1, checkpoint: null, signaturesChecked: 0,
      ...partial, ok: !problems.some((p) => p.severity === 'error'), problems,
    };
  };

  if (![...keys.values()].some((k) => k.appliance === appliance)) {
    add('EVD_UNKNOWN_KEY', `the keys file lists no signing key for appliance ${appliance} (site ${site}); none of its ${input.records.length} records can be verified`);
    return result({});
  }

  // 1. Checkpoints: each must be a valid signed statement for this chain.
  const checkpoints: ValidCheckpoint[] = [];
  input.checkpoints.forEach((l, i) => {
    if (l.oversize) return add('EVD_MALFORMED', 'checkpoint line is longer than the line cap', where(l));
    const r = parseCheckpointLine(l.text, keys, { appliance });
    if (!r.ok) {
      if (!l.terminated && i === input.checkpoints.length - 1) return add('EVD_TORN_TAIL', `last checkpoint line is incomplete (${r.message}); it is ignored`, where(l));
      return add(r.code, `checkpoint: ${r.message}`, where(l));
    }
    if (r.checkpoint.appliance !== appliance || r.checkpoint.site !== site) {
      return add('EVD_WRONG_CHAIN', `checkpoint names ${r.checkpoint.site}/${r.checkpoint.appliance}, but it is in the chain of ${site}/${appliance}`, { ...where(l), tree_size: r.checkpoint.tree_size });
    }
    checkpoints.push({ size: r.checkpoint.tree_size, root: r.checkpoint.root_hash, time: r.checkpoint.time, at: l });
  });
  const rootsBySize = new Map<number, Set<string>>();
  for (const c of checkpoints) rootsBySize.set(c.size, (rootsBySize.get(c.size) ?? new Set()).add(c.root));

  // 2. Leaf hashes in file order; the longest prefix a checkpoint root vouches for skips per-record Ed25519.
  const lines = input.records;
  const leaves = Buffer.allocUnsafe(lines.length * 32);
  lines.forEach((l, p) => leafOf(l.oversize ? '\n' : l.text).copy(leaves, p * 32));
  const leafAt = (p: number) => leaves.subarray(p * 32, p * 32 + 32);
  let authenticated = 0;
  const fileOrderRoots = new Map<number, string>();
  if (checkpoints.length > 0) {
    const frontier: Buffer[] = [];
    if (rootsBySize.has(0)) fileOrderRoots.set(0, frontierRoot(frontier).toString('hex'));
    const top = Math.min(lines.length, Math.max(...rootsBySize.keys()));
    for (let p = 0; p < top; p++) {
      appendLeafInPlace(frontier, p, leafAt(p));
      const roots = rootsBySize.get(p + 1);
      if (!roots) continue;
      const root = frontierRoot(frontier).toString('hex');
      fileOrderRoots.set(p + 1, root);
      if (roots.has(root) && !options.allSignatures) authenticated = p + 1;
    }
  }

  // 3. Open every line (signature before payload). A bad line's index is the one its position implies.
  const good: Good[] = [];
  const badIndexes = new Set<number>();
  let records = lines.length;
  let lastGoodIndex = -1;
  let badRun = 0;
  lines.forEach((l, p) => {
    const r = l.oversize ? { ok: false as const, code: 'EVD_MALFORMED' as const, message: 'line is longer than the line cap' } : parseRecordLine(l.text, keys, { appliance, authenticated: p < authenticated });
    if (!r.ok && p === lines.length - 1 && !l.terminated) {
      records--;
      return add('EVD_TORN_TAIL', `last line is incomplete (${l.text.length} bytes, ${r.message}); it is not part of the chain`, where(l));
    }
    if (r.ok && (r.statement.appliance !== appliance || r.statement.site !== site)) {
      const presumed = lastGoodIndex + 1 + badRun++;
      badIndexes.add(presumed);
      return add('EVD_WRONG_CHAIN', `record names ${r.statement.site}/${r.statement.appliance} (its index ${r.statement.index}), but it is in the chain of ${site}/${appliance}`, { index: presumed, ...where(l) });
    }
    if (r.ok) {
      const st = r.statement;
      good.push({ pos: p, st: { index: st.index, prev: st.prev, time: st.time, recovery: st.recovery }, hash: hashOf(l.text), at: l });
      lastGoodIndex = r.statement.index;
      badRun = 0;
      return;
    }
    const presumed = lastGoodIndex + 1 + badRun++;
    badIndexes.add(presumed);
    add(r.code, `record ${presumed}: ${r.message}`, { index: presumed, ...where(l) });
  });

  // 4. One record per index; a second, different record signed for one index is a fork.
  const byIndex = new Map<number, Good>();
  const sequence: Good[] = [];
  for (const g of good) {
    const first = byIndex.get(g.st.index);
    if (!first) {
      byIndex.set(g.st.index, g);
      sequence.push(g);
    } else if (first.hash === g.hash) {
      add('EVD_OUT_OF_ORDER', `record ${g.st.index} appears twice (${ref(first.at)} and ${ref(g.at)})`, { index: g.st.index, ...where(g.at) });
    } else {
      add('EVD_FORK', `two different records are signed with index ${g.st.index} (${ref(first.at)} and ${ref(g.at)})`, { index: g.st.index, ...where(g.at) });
    }
  }

  // 5. File order: records outside the longest increasing run by index were moved.
  const inOrder = longestIncreasing(sequence.map((g) => g.st.index));
  sequence.forEach((g, i) => {
    if (inOrder.has(i)) return;
    const before = i > 0 ? sequence[i - 1]! : undefined;
    add('EVD_OUT_OF_ORDER', `record ${g.st.index} is out of order: it comes ${before ? `after record ${before.st.index} (${ref(before.at)})` : 'first'} in the files`, { index: g.st.index, ...where(g.at) });
  });

  // 6. Walk the indexes: gaps, links, filing, recoveries.
  let maxIndex = -1;
  for (const i of byIndex.keys()) maxIndex = Math.max(maxIndex, i);
  for (const i of badIndexes) maxIndex = Math.max(maxIndex, i);
  let missingFrom = -1;
  const flushMissing = (upTo: number) => {
    if (missingFrom < 0) return;
    const count = upTo - missingFrom;
    add('EVD_RECORD_MISSING', count === 1 ? `record ${missingFrom} is missing` : `records ${missingFrom}–${upTo - 1} are missing (${count})`, { index: missingFrom });
    missingFrom = -1;
  };
  for (let i = 0; i <= maxIndex; i++) {
    const g = byIndex.get(i);
    if (!g) {
      if (badIndexes.has(i)) flushMissing(i);
      else if (missingFrom < 0) missingFrom = i;
      continue;
    }
    flushMissing(i);
    const before = i === 0 ? undefined : byIndex.get(i - 1);
    if (i === 0 && g.st.prev !== ZERO_HASH) add('EVD_CHAIN_BROKEN', `record 0 has prev ${short(g.st.prev)}; the first record's prev is 64 zeros`, { index: 0, ...where(g.at) });
    if (before && g.st.prev !== before.hash) {
      add('EVD_CHAIN_BROKEN', `record ${i} has prev ${short(g.st.prev)}, but record ${i - 1} (${ref(before.at)}) hashes to ${short(before.hash)}`, { index: i, ...where(g.at) });
    }
    const day = DAILY.exec(g.at.file)?.[1];
    if (day !== undefined && day !== g.st.time.slice(0, 10)) add('EVD_MISFILED', `record ${i} is dated ${g.st.time} but stored in ${g.at.file}`, { index: i, ...where(g.at) });
    if (g.st.recovery) {
      const r = g.st.recovery;
      add('EVD_PARTIAL_RECOVERED', `record ${i}: after a crash, ${r.bytes} torn bytes at ${r.file}:${r.line} were moved to ${r.quarantined_as}`, { index: i, ...where(g.at) });
    }
  }
  const firstError = Math.min(maxIndex + 1, ...problems.filter((p) => p.severity === 'error' && p.index !== undefined).map((p) => p.index!));
  const chainValidThrough = firstError - 1;
  const presentCount = maxIndex + 1;

  // 7. Checkpoints against the records, in index order.
  // When records 0..chainValidThrough sit at their own positions, file order is index order and
  // the roots of the first pass are the records' roots.
  let identity = true;
  for (let i = 0; i <= chainValidThrough && identity; i++) identity = byIndex.get(i)!.pos === i;
  const recordRoots = identity ? new Map([...fileOrderRoots].filter(([size]) => size <= chainValidThrough + 1)) : new Map<number, string>();
  if (!identity && checkpoints.length > 0) {
    const frontier: Buffer[] = [];
    if (rootsBySize.has(0)) recordRoots.set(0, frontierRoot(frontier).toString('hex'));
    for (let i = 0; i <= chainValidThrough; i++) {
      appendLeafInPlace(frontier, i, leafAt(byIndex.get(i)!.pos));
      if (rootsBySize.has(i + 1)) recordRoots.set(i + 1, frontierRoot(frontier).toString('hex'));
    }
  }
  const matched: ValidCheckpoint[] = [];
  const mismatched: ValidCheckpoint[] = [];
  let truncatedBy: ValidCheckpoint | undefined;
  for (const size of [...rootsBySize.keys()].sort((a, b) => a - b)) {
    const group = checkpoints.filter((c) => c.size === size);
    const recordRoot = recordRoots.get(size);
    if (size > presentCount) truncatedBy = group[0];
    if (rootsBySize.get(size)!.size > 1) {
      const distinct = [...new Map(group.map((c) => [c.root, c])).values()];
      const agreeing = distinct.find((c) => c.root === recordRoot);
      add('EVD_FORK', `checkpoints of size ${size} disagree: ${distinct.map((c) => `${ref(c.at)} root ${short(c.root)}`).join(', ')}` +
        (agreeing ? `; the records match ${ref(agreeing.at)}` : recordRoot ? '; the records match neither' : ''), { tree_size: size, ...where(distinct[1]!.at) });
      if (agreeing) matched.push(agreeing);
      continue;
    }
    if (recordRoot === undefined) continue; // records under it have problems already reported, or are gone
    if (group[0]!.root === recordRoot) matched.push(group[0]!);
    else mismatched.push(group[0]!);
  }
  for (const c of mismatched) {
    const later = matched.find((m) => m.size > c.size);
    if (later) add('EVD_FORK', `checkpoint of size ${c.size} (${ref(c.at)}) is not consistent with the checkpoint of size ${later.size} (${ref(later.at)}), which matches the records`, { tree_size: c.size, ...where(c.at) });
    else add('EVD_CHECKPOINT_MISMATCH', `checkpoint of size ${c.size} (${ref(c.at)}) has root ${short(c.root)}, but records 0–${c.size - 1} hash to ${short(recordRoots.get(c.size)!)}`, { tree_size: c.size, ...where(c.at) });
  }
  if (truncatedBy) {
    add('EVD_TRUNCATED', `checkpoint ${ref(truncatedBy.at)} covers ${truncatedBy.size} records (0–${truncatedBy.size - 1}) but the chain ends at index ${presentCount - 1}; records from index ${presentCount} on are missing`, { index: presentCount, tree_size: truncatedBy.size });
  }
  const best = matched.reduce<ValidCheckpoint | undefined>((a, c) => (!a || c.size > a.size ? c : a), undefined);
  const checkpointedThrough = (best?.size ?? 0) - 1;
  // Only a true tail: when the chain broke earlier, the errors say why records are not verified.
  if (chainValidThrough === presentCount - 1 && chainValidThrough > checkpointedThrough) {
    add('EVD_TAIL_UNCHECKPOINTED', `records ${checkpointedThrough + 1}–${chainValidThrough} are signed and chained but no checkpoint covers them yet`, { index: checkpointedThrough + 1 });
  }

  // 8. Quarantined files should each be explained by a recovery record.
  const explained = new Set(good.flatMap((g) => (g.st.recovery ? [g.st.recovery.quarantined_as] : [])));
  for (const q of input.quarantine ?? []) {
    if (!explained.has(q.file)) add('EVD_QUARANTINE_UNRECORDED', `${q.file} (${q.bytes} bytes) is named by no recovery record`, { file: q.file });
  }

  return result({
    records,
    verifiedThrough: Math.min(chainValidThrough, checkpointedThrough),
    chainValidThrough,
    checkpointedThrough,
    checkpoint: best ? { tree_size: best.size, time: best.time, ...where(best.at) } : null,
    signaturesChecked: Math.max(0, lines.length - authenticated),
  });
}

/** Positions (into `values`) of one longest strictly increasing subsequence, O(n log n). */
function longestIncreasing(values: readonly number[]): Set<number> {
  const tails: number[] = [];
  const parent = new Array<number>(values.length).fill(-1);
  for (let i = 0; i < values.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[tails[mid]!]! < values[i]!) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) parent[i] = tails[lo - 1]!;
    tails[lo] = i;
  }
  const out = new Set<number>();
  for (let i = tails.length > 0 ? tails[tails.length - 1]! : -1; i >= 0; i = parent[i]!) out.add(i);
  return out;
}
