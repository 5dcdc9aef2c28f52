import { createHash } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Where a hash chain stands: the index the next line gets and the hex SHA-256 of the last line's
 * bytes (without its newline). The record format (core/evidence) owns the genesis value.
 */
export interface ChainState {
  nextIndex: number;
  prevHash: string;
}

/** A torn tail cut off a daily file and kept under `quarantine/`. */
export interface QuarantineInfo {
  /** The daily file it was cut from, e.g. `2026-03-01.jsonl`. */
  file: string;
  /** Byte offset in that file where the torn tail began; the file was cut back to it. */
  offset: number;
  /** 1-based line number at which the torn tail began (complete lines before it + 1). */
  line: number;
  /** Length of the torn tail in bytes. */
  bytes: number;
  /** Hex SHA-256 of the torn bytes, as kept in quarantine. */
  sha256: string;
  /** Where the bytes are kept, relative to the log dir: `quarantine/2026-03-01.jsonl.1234.partial`. */
  quarantined: string;
}

export interface OpenEvidenceLogOptions<T, C> {
  /** One appliance's folder: `<evidenceDir>/<site>/<appliance>`; created when missing. */
  dir: string;
  /** Chain state of an empty log (the record format's genesis). */
  genesis: C;
  /** Chain state that follows `lastLine`, the last complete line found on disk. */
  chainOf: (lastLine: string) => C;
  /** Builds one line (no newline in it) from an input and the chain state before it. */
  makeLine: (input: T, chain: C) => { line: string; chain: C };
  /** The input of the record that says a torn tail was quarantined (reason code EVD_PARTIAL_RECOVERED). */
  recoveryInput: (info: QuarantineInfo) => T;
  /**
   * Day (`YYYY-MM-DD`) of a recovery record, e.g. from the time the record carries; default: the
   * day of the file the tail was cut from.
   */
  dayOf?: (input: T) => string;
  /**
   * Whether a complete line is a whole record (for example: parses, has the envelope's fields).
   * Trailing lines that fail it are treated as torn, like a tail without a newline.
   */
  lineOk?: (line: string) => boolean;
}

export interface EvidenceLog<T, C> {
  /** Chain state after the last line on disk. */
  readonly chain: C;
  /** The last complete line on disk (null for an empty log): lets a caller see what it last recorded. */
  readonly lastLine: string | null;
  /** Torn tails quarantined and recorded while opening (and while re-reading after a failed append). */
  readonly recovered: readonly QuarantineInfo[];
  /**
   * Appends one line per input, in order, to the daily file `dayOf(input)` names (`YYYY-MM-DD`).
   * Resolves only once the lines are on disk (fsync of the file, and of the folder for a new file).
   */
  append(inputs: readonly T[], dayOf: (input: T) => string): Promise<void>;
}

const DAILY_FILE = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const PENDING = /^(\d{4}-\d{2}-\d{2}\.jsonl)\.(\d+)(?:\.(\d+))?\.partial\.pending$/;
const QUARANTINE = 'quarantine';
const NEWLINE = 0x0a;
const CHUNK = 64 * 1024;

/**
 * Opens one appliance's append-only evidence log: daily JSONL files `YYYY-MM-DD.jsonl` holding one
 * hash chain. Lines are opaque here; the record format comes in through `makeLine`, `chainOf` and
 * `lineOk`, so this layer only guarantees that bytes reach the disk whole and in order.
 *
 * Crash safety. Every append is one `write` of whole lines to a file opened O_APPEND, then fsync;
 * the in-memory chain moves only after that. A crash at any moment therefore leaves complete lines
 * followed by at most one torn tail (a line without its newline, or bytes that fail `lineOk`). On
 * open, the newest daily file's tail is checked; a torn tail is
 *  1. copied to `quarantine/<file>.<offset>.partial.pending` (temp file, fsync, rename, fsync dir),
 *  2. cut off (ftruncate to the last complete line, fsync),
 *  3. recorded: one line built from `recoveryInput(info)` is appended (fsync), and
 *  4. marked recorded by renaming it to `….partial` (fsync dir).
 * A crash between any two steps is finished by the next open: a `.pending` file always gets its
 * record, so a loss is never silent (a crash between 3 and 4 records it twice, never zero times).
 * Earlier lines are never rewritten. The chain state comes from the last complete line (`chainOf`).
 *
 * Exactly once, for the caller: a resolved append is durable; a rejected or interrupted one may
 * have left a prefix of its lines (and a batch that spans two days is two writes). So the caller
 * persists "I recorded X" only after append resolves (the agent records a cycle's evidence before
 * marking the cycle done) and, after a crash, decides what to record again from `lastLine` or from
 * the files, never from its own memory. After a failed append the log re-reads its tail from disk
 * before the next append, so the chain never forks. Days never go backwards: a record whose day is
 * older than the newest daily file (the clock stepped back) goes into the newest file, so the
 * files in name order always hold the chain in order. One writer per folder: the agent's lock.
 *
 * @example
 * const log = await openEvidenceLog({
 *   dir: '/var/lib/writ/evidence/clinic-a/appliance-1', genesis, chainOf, makeLine,
 *   recoveryInput: (q) => recoveryStatement({ file: q.file, line: q.line, bytes: q.bytes, sha256: q.sha256, quarantined_as: q.quarantined }),
 *   dayOf: (s) => s.time.slice(0, 10), lineOk: isEnvelopeLine,
 * });
 * await log.append(statements, (s) => s.time.slice(0, 10));
 */
export async function openEvidenceLog<T, C = ChainState>(options: OpenEvidenceLogOptions<T, C>): Promise<EvidenceLog<T, C>> {
  const { dir, makeLine } = options;
  await mkdirDurable(dir);
  await fsyncDir(dir); // entries created by an earlier, crashed writer become durable now

  let chain = options.genesis;
  let lastLine: string | null = null;
  let newestDay: string | null = null;
  let needsReread = true;
  const recovered: QuarantineInfo[] = [];

  /** Appends whole lines to one day's file: one write, fsync, and fsync of the folder for a new file. */
  const writeDay = async (day: string, bytes: Buffer): Promise<void> => {
    const path = join(dir, `${day}.jsonl`);
    let fh: FileHandle;
    let created = true;
    try {
      fh = await open(path, 'ax', 0o600); // O_CREAT | O_EXCL | O_APPEND
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      created = false;
      fh = await open(path, 'a');
    }
    try {
      await writeAll(fh, bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (created) await fsyncDir(dir);
  };

  /** Builds and writes lines for `inputs`; the chain moves only after every write is durable. */
  const writeLines = async (items: { input: T; day: string }[]): Promise<void> => {
    let next = chain;
    let last = lastLine;
    let day = newestDay;
    const groups: { day: string; lines: string[] }[] = [];
    for (const item of items) {
      const built = makeLine(item.input, next);
      if (/[\n\r]/.test(built.line)) throw new TypeError('openEvidenceLog: makeLine returned a line with a newline in it');
      next = built.chain;
      last = built.line;
      // Days never go backwards, so the files in name order hold the chain in order.
      day = day !== null && day > item.day ? day : item.day;
      const group = groups[groups.length - 1];
      if (group?.day === day) group.lines.push(built.line);
      else groups.push({ day, lines: [built.line] });
    }
    try {
      for (const group of groups) {
        await writeDay(group.day, Buffer.from(group.lines.map((l) => `${l}\n`).join(''), 'utf8'));
        newestDay = group.day;
      }
    } catch (e) {
      needsReread = true; // part of the lines may be on disk: take the chain from the files next time
      throw e;
    }
    chain = next;
    lastLine = last;
  };

  /** Finds the chain's tail on disk, quarantines a torn tail, and records every pending quarantine. */
  const reread = async (): Promise<void> => {
    const days = (await readdir(dir, { withFileTypes: true }))
      .map((e) => (e.isFile() ? DAILY_FILE.exec(e.name)?.[1] : undefined))
      .filter((d): d is string => d !== undefined)
      .sort();
    newestDay = days[days.length - 1] ?? null;
    chain = options.genesis;
    lastLine = null;
    for (const day of [...days].reverse()) {
      const line = await repairTail(dir, `${day}.jsonl`, options.lineOk);
      if (line !== null) {
        chain = options.chainOf(line);
        lastLine = line;
        break;
      }
    }
    const qdir = join(dir, QUARANTINE);
    const qnames = await readdir(qdir).catch(() => [] as string[]);
    // Temp copies left by a crash before their rename hold nothing the daily file lost yet.
    for (const n of qnames) if (n.startsWith('.') && n.endsWith('.tmp')) await rm(join(qdir, n), { force: true });
    const pending = qnames
      .map((name) => ({ name, m: PENDING.exec(name) }))
      .filter((p): p is { name: string; m: RegExpExecArray } => p.m !== null)
      .sort((a, b) => a.m[1]!.localeCompare(b.m[1]!) || Number(a.m[2]) - Number(b.m[2]) || Number(a.m[3] ?? 0) - Number(b.m[3] ?? 0));
    for (const { name, m } of pending) {
      const final = name.slice(0, -'.pending'.length);
      const kept = await readWhole(join(qdir, name));
      const offset = Number(m[2]);
      const info: QuarantineInfo = {
        file: m[1]!,
        offset,
        line: (await countNewlines(join(dir, m[1]!), offset)) + 1,
        bytes: kept.length,
        sha256: createHash('sha256').update(kept).digest('hex'),
        quarantined: `${QUARANTINE}/${final}`,
      };
      const input = options.recoveryInput(info);
      const day = options.dayOf ? options.dayOf(input) : m[1]!.slice(0, 10);
      if (!DAY.test(day)) throw new RangeError(`openEvidenceLog: dayOf returned "${day}", expected YYYY-MM-DD`);
      await writeLines([{ input, day }]);
      await rename(join(qdir, name), join(qdir, final));
      await fsyncDir(qdir);
      recovered.push(info);
    }
    needsReread = false;
  };

  let queue: Promise<unknown> = Promise.resolve();
  const serial = <R>(task: () => Promise<R>): Promise<R> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  await serial(reread);

  return {
    get chain() {
      return chain;
    },
    get lastLine() {
      return lastLine;
    },
    recovered,
    append(inputs, dayOf) {
      return serial(async () => {
        if (needsReread) await reread();
        if (inputs.length === 0) return;
        const items = inputs.map((input) => {
          const day = dayOf(input);
          if (!DAY.test(day)) throw new RangeError(`openEvidenceLog: dayOf returned "${day}", expected YYYY-MM-DD`);
          return { input, day };
        });
        await writeLines(items);
      });
    },
  };
}

/**
 * Checks the end of one daily file. Trailing bytes after the last newline, and trailing complete
 * lines that fail `lineOk`, are a torn tail: copied to quarantine as `.pending`, then cut off.
 * Returns the last complete line left, or null when the file is (now) empty.
 */
async function repairTail(dir: string, name: string, lineOk: ((line: string) => boolean) | undefined): Promise<string | null> {
  const fh = await open(join(dir, name), 'r+');
  try {
    const size = (await fh.stat()).size;
    let end = size; // bytes [0, end) are kept
    let last: string | null = null;
    while (end > 0) {
      const lastByte = await readAt(fh, end - 1, 1);
      if (lastByte[0] !== NEWLINE) {
        end = (await lastNewlineBefore(fh, end)) + 1; // a line without its newline
        continue;
      }
      const start = (await lastNewlineBefore(fh, end - 1)) + 1;
      const line = (await readAt(fh, start, end - 1 - start)).toString('utf8');
      if (lineOk && !lineOk(line)) {
        end = start;
        continue;
      }
      last = line;
      break;
    }
    if (end < size) {
      await quarantinePending(dir, name, end, await readAt(fh, end, size - end));
      await fh.truncate(end);
      await fh.sync();
    }
    return last;
  } finally {
    await fh.close();
  }
}

/** Keeps torn bytes as `quarantine/<file>.<offset>[.<n>].partial.pending`, durably, before the cut. */
async function quarantinePending(dir: string, file: string, offset: number, bytes: Buffer): Promise<void> {
  const qdir = join(dir, QUARANTINE);
  await mkdirDurable(qdir);
  const names = new Set(await readdir(qdir));
  for (let n = 0; ; n++) {
    const base = `${file}.${offset}${n === 0 ? '' : `.${n}`}.partial`;
    const pending = `${base}.pending`;
    if (names.has(pending)) {
      // The same tail, found again after a crash before the cut: already kept.
      const kept = await readWhole(join(qdir, pending));
      if (kept.equals(bytes)) return;
      continue;
    }
    if (names.has(base)) continue; // an earlier, recorded loss at the same offset
    const temp = join(qdir, `.${pending}.${process.pid}.tmp`);
    const fh = await open(temp, 'w', 0o600);
    try {
      await writeAll(fh, bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(temp, join(qdir, pending));
    await fsyncDir(qdir);
    return;
  }
}

/** Newlines among the first `limit` bytes of a file (all of it when shorter; 0 when it is gone). */
async function countNewlines(path: string, limit: number): Promise<number> {
  const fh = await open(path, 'r').catch(() => undefined);
  if (!fh) return 0;
  try {
    const buf = Buffer.alloc(CHUNK);
    let count = 0;
    for (let pos = 0; pos < limit; ) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, limit - pos), pos);
      if (bytesRead === 0) break;
      for (let i = 0; i < bytesRead; i++) if (buf[i] === NEWLINE) count++;
      pos += bytesRead;
    }
    return count;
  } finally {
    await fh.close();
  }
}

async function readWhole(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at ${position + done}`);
    done += bytesRead;
  }
  return buf;
}

/** Offset of the last newline strictly before `end`, or -1 when there is none. */
async function lastNewlineBefore(fh: FileHandle, end: number): Promise<number> {
  for (let chunkEnd = end; chunkEnd > 0; ) {
    const chunkStart = Math.max(0, chunkEnd - CHUNK);
    const chunk = await readAt(fh, chunkStart, chunkEnd - chunkStart);
    const i = chunk.lastIndexOf(NEWLINE);
    if (i >= 0) return chunkStart + i;
    chunkEnd = chunkStart;
  }
  return -1;
}

async function writeAll(fh: FileHandle, bytes: Buffer): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, null);
    done += bytesWritten;
  }
}

/** fsync a folder so new entries in it (a file, a rename) survive a power cut. */
async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** mkdir -p, then fsync the parent of every folder it created. */
async function mkdirDurable(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (first === undefined) return;
  for (let d = dir; ; d = dirname(d)) {
    await fsyncDir(dirname(d));
    if (d === first || dirname(d) === d) break;
  }
}
