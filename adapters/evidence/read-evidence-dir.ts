import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { RepoReadError } from '../../core/errors/writ-error.js';
import { MAX_LINE_BYTES } from '../../core/evidence/open-envelope-line.js';
import type { ChainInput, EvidenceLine, QuarantineNote } from '../../core/evidence/verify-chain.js';

/** Daily record files: `YYYY-MM-DD.jsonl`, by the record's UTC date. */
export const DAILY_FILE = /^\d{4}-\d{2}-\d{2}\.jsonl$/;
/** The chain's signed checkpoints, one per line. */
export const CHECKPOINTS_FILE = 'checkpoints.jsonl';
/** Where torn tails are moved aside. */
export const QUARANTINE_DIR = 'quarantine';

export interface ReadEvidenceDirOptions {
  /** Lines longer than this are returned empty with `oversize` (the verifier reports them). */
  maxLineBytes?: number;
}

/**
 * Reads an evidence folder into the verifier's inputs, one per appliance chain: `<dir>/<site>/<appliance>/`
 * holding `YYYY-MM-DD.jsonl` (read in name order), `checkpoints.jsonl` and `quarantine/`. `dir` may
 * also be one site's folder or one appliance's folder. Lines are streamed with a size cap; paths in
 * the result are `<site>/<appliance>/<file>`. Throws RepoReadError when the folder cannot be read.
 *
 * @example
 * for (const chain of await readEvidenceDir('evidence')) verifyChain(chain, { keys });
 */
export async function readEvidenceDir(dir: string, options: ReadEvidenceDirOptions = {}): Promise<ChainInput[]> {
  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  const root = resolve(dir);
  let chainDirs: string[];
  try {
    chainDirs = await findChainDirs(root);
  } catch (e) {
    throw new RepoReadError(`cannot read the evidence folder ${dir}`, { hint: 'Pass the folder holding <site>/<appliance>/ evidence (a checkout of the evidence branch) to --dir.', cause: e, data: { dir } });
  }
  const chains: ChainInput[] = [];
  for (const chainDir of chainDirs) {
    const appliance = basename(chainDir);
    const site = basename(dirname(chainDir));
    const shown = (name: string) => `${site}/${appliance}/${name}`;
    try {
      const names = (await readdir(chainDir)).sort();
      const records: EvidenceLine[] = [];
      for (const name of names.filter((n) => DAILY_FILE.test(n))) records.push(...(await readLines(join(chainDir, name), shown(name), maxLineBytes)));
      const checkpoints = names.includes(CHECKPOINTS_FILE) ? await readLines(join(chainDir, CHECKPOINTS_FILE), shown(CHECKPOINTS_FILE), maxLineBytes) : [];
      const quarantine: QuarantineNote[] = [];
      if (names.includes(QUARANTINE_DIR)) {
        for (const q of (await readdir(join(chainDir, QUARANTINE_DIR), { withFileTypes: true })).filter((d) => d.isFile()).map((d) => d.name).sort()) {
          quarantine.push({ file: `${QUARANTINE_DIR}/${q}`, bytes: (await stat(join(chainDir, QUARANTINE_DIR, q))).size });
        }
      }
      chains.push({ site, appliance, records, checkpoints, quarantine });
    } catch (e) {
      throw new RepoReadError(`cannot read the evidence of ${site}/${appliance} in ${relative(process.cwd(), chainDir) || '.'}`, { hint: 'Check the folder\'s permissions; every file in it must be readable.', cause: e, data: { dir: chainDir } });
    }
  }
  return chains;
}

/**
 * Streams a file's lines (split on LF) as latin1 text, which maps bytes 1:1, so hashes see the
 * exact bytes. A line over `maxLineBytes` comes back empty with `oversize` and is never buffered
 * whole; a last line without LF comes back with `terminated: false`.
 *
 * @example
 * await readLines('/ev/a/b/2026-03-01.jsonl', 'a/b/2026-03-01.jsonl', 1 << 20);
 */
export async function readLines(path: string, shownAs: string, maxLineBytes: number): Promise<EvidenceLine[]> {
  const out: EvidenceLine[] = [];
  let pieces: Buffer[] = [];
  let length = 0;
  let oversize = false;
  const emit = (terminated: boolean) => {
    const text = oversize ? '' : pieces.length === 1 ? pieces[0]!.toString('latin1') : Buffer.concat(pieces, length).toString('latin1');
    out.push({ file: shownAs, line: out.length + 1, text, terminated, ...(oversize ? { oversize: true } : {}) });
    pieces = [];
    length = 0;
    oversize = false;
  };
  const take = (b: Buffer) => {
    if (oversize) return;
    if (length + b.length > maxLineBytes) {
      oversize = true;
      pieces = [];
      return;
    }
    if (b.length > 0) pieces.push(b);
    length += b.length;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      take(chunk.subarray(start, nl));
      emit(true);
      start = nl + 1;
    }
    // Copy the partial line so the 1 MiB chunk is not kept alive by it.
    if (start < chunk.length) take(Buffer.from(chunk.subarray(start)));
  }
  if (length > 0 || oversize) emit(false);
  return out;
}

async function isChainDir(dir: string): Promise<boolean> {
  const names = await readdir(dir);
  return names.some((n) => n === CHECKPOINTS_FILE || DAILY_FILE.test(n));
}

async function subdirs(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => join(dir, d.name)).sort();
}

/** Chain folders under `root`: root itself, its children (root is a site), or its grandchildren. */
async function findChainDirs(root: string): Promise<string[]> {
  if (await isChainDir(root)) return [root];
  const children = await subdirs(root);
  const direct: string[] = [];
  for (const c of children) if (await isChainDir(c)) direct.push(c);
  if (direct.length > 0) return direct;
  const out: string[] = [];
  for (const site of children) for (const c of await subdirs(site)) if (await isChainDir(c)) out.push(c);
  return out;
}
