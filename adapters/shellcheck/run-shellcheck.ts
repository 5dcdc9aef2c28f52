import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolUnavailableError } from '../../core/errors/writ-error.js';
import type { ScriptIssue } from '../../core/lint/scripts/script-issue.js';

export interface RunShellcheckOptions {
  /** Where results are cached, one JSON file per script hash. Without it nothing is cached. */
  cacheDir?: string;
  /** The shellcheck binary; default `shellcheck` from PATH. */
  shellcheckPath?: string;
  /** Shellcheck processes run at once; default os.availableParallelism(). */
  concurrency?: number;
  /** Time limit for one shellcheck process (one batch of up to 200 scripts); default 120 s. */
  timeoutMs?: number;
}

/**
 * Shellcheck arguments. `--norc` ignores any .shellcheckrc near the temp files or in $HOME, and
 * SHELLCHECK_OPTS is removed from the environment, so results depend only on the script text and
 * the cache stays valid. Optional checks stay off (defaults). Sources are not followed (no -x).
 */
const SHELLCHECK_ARGS = ['--norc', '--format=json1', '--shell=bash', '--color=never'] as const;
/**
 * Cache namespace: bump when SHELLCHECK_ARGS or the mapping to ScriptIssue changes. The installed
 * shellcheck version is not part of the key (reading it would spawn shellcheck on every run); use
 * a fresh cacheDir after upgrading shellcheck.
 */
const CACHE_NAMESPACE = 'shellcheck-json1-bash-v1';
const BATCH_SIZE = 200;
const DEFAULT_TIMEOUT_MS = 120_000;
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;
/** Cache files read or written at once (keeps clear of EMFILE with thousands of scripts). */
const FILE_CONCURRENCY = 32;
const INSTALL_HINT = 'Install shellcheck (apt-get install shellcheck) or pass its path, then run again.';

/**
 * Runs Debian's shellcheck over many bash scripts and returns its findings per script id.
 *
 * Identical texts are checked once (SHA-256 of the text). With `cacheDir`, results are cached per
 * hash (written atomically: temp file + rename), so a warm cache spawns no process at all.
 * Uncached scripts are written to private temp directories (mode 0700) in batches of 200 and
 * checked by one `shellcheck --format=json1` process per batch, up to `concurrency` at once, via
 * execFile (no shell). Temp directories are removed whatever happens.
 *
 * Findings: code `LINT_SH_SC<n>`; shellcheck's error and warning → 'error', info → 'warning',
 * style → 'info'; the hint links the wiki page and shows shellcheck's fix when it has one.
 * Positions: json1 reports 1-based lines and 1-based columns counted in Unicode code points with a
 * tab counting as 1 (it is the plain `json` format that expands tabs to 8). Columns are converted
 * to UTF-16 code units of the script line, as ScriptIssue requires.
 *
 * Throws ToolUnavailableError (code TOOL_UNAVAILABLE) when shellcheck is missing, cannot run,
 * times out or prints something unreadable.
 *
 * @example
 * const issues = await runShellcheck([{ id: 'restart-service', text: '#!/bin/bash\necho $1\n' }], { cacheDir: '/var/cache/writ/shellcheck' });
 * issues.get('restart-service');
 * // → [{ code: 'LINT_SH_SC2086', line: 2, column: 6, severity: 'warning',
 * //      message: 'Double quote to prevent globbing and word splitting.',
 * //      hint: 'See https://www.shellcheck.net/wiki/SC2086. Suggested fix: echo "$1"' }]
 */
export async function runShellcheck(
  scripts: readonly { id: string; text: string }[],
  options: RunShellcheckOptions = {},
): Promise<Map<string, ScriptIssue[]>> {
  const byHash = new Map<string, string>(); // hash → text
  const hashOf = new Map<string, string>(); // id → hash
  for (const script of scripts) {
    const hash = createHash('sha256').update(script.text, 'utf8').digest('hex');
    byHash.set(hash, script.text);
    hashOf.set(script.id, hash);
  }

  const cacheDir = options.cacheDir === undefined ? undefined : join(options.cacheDir, CACHE_NAMESPACE);
  const results = new Map<string, ScriptIssue[]>();
  const missing: { hash: string; text: string }[] = [];
  const unique = [...byHash];
  const cached = cacheDir === undefined ? [] : await mapLimit(unique, FILE_CONCURRENCY, ([hash]) => readCached(cacheDir, hash));
  unique.forEach(([hash, text], i) => {
    const hit = cached[i];
    if (hit !== undefined) results.set(hash, hit);
    else missing.push({ hash, text });
  });

  if (missing.length > 0) {
    const batches: { hash: string; text: string }[][] = [];
    for (let i = 0; i < missing.length; i += BATCH_SIZE) batches.push(missing.slice(i, i + BATCH_SIZE));
    const checked = await runBatches(batches, {
      shellcheckPath: options.shellcheckPath ?? 'shellcheck',
      concurrency: Math.max(1, Math.floor(options.concurrency ?? availableParallelism())),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    for (const [hash, issues] of checked) results.set(hash, issues);
    if (cacheDir !== undefined) {
      await mkdir(cacheDir, { recursive: true }).catch(() => undefined);
      await mapLimit([...checked], FILE_CONCURRENCY, ([hash, issues]) => writeCached(cacheDir, hash, issues));
    }
  }

  const out = new Map<string, ScriptIssue[]>();
  for (const [id, hash] of hashOf) out.set(id, (results.get(hash) ?? []).map((issue) => ({ ...issue })));
  return out;
}

/** Maps with at most `limit` promises pending; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

interface RunSettings {
  shellcheckPath: string;
  concurrency: number;
  timeoutMs: number;
}

/** Runs the batches through a pool of `concurrency` workers; the first failure wins, after all stop. */
async function runBatches(batches: readonly { hash: string; text: string }[][], settings: RunSettings): Promise<Map<string, ScriptIssue[]>> {
  const results = new Map<string, ScriptIssue[]>();
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < batches.length) {
      const batch = batches[next++] as { hash: string; text: string }[];
      try {
        const issues = await checkBatch(batch, settings);
        batch.forEach((script, i) => results.set(script.hash, issues[i] ?? []));
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(settings.concurrency, batches.length) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}

/** One shellcheck process over one temp directory of scripts; issues in batch order. */
async function checkBatch(batch: readonly { hash: string; text: string }[], settings: RunSettings): Promise<ScriptIssue[][]> {
  const dir = await mkdtemp(join(tmpdir(), 'writ-shellcheck-'));
  try {
    const names = batch.map((_, i) => `${i}.sh`);
    await Promise.all(batch.map((script, i) => writeFile(join(dir, names[i] as string), script.text, { encoding: 'utf8', mode: 0o600 })));
    const stdout = await execShellcheck(settings, dir, names);
    const comments = parseJson1(stdout, settings.shellcheckPath);
    const perFile = new Map<string, Json1Comment[]>();
    for (const comment of comments) {
      const list = perFile.get(comment.file);
      if (list === undefined) perFile.set(comment.file, [comment]);
      else list.push(comment);
    }
    return batch.map((script, i) => toIssues(script.text, perFile.get(names[i] as string) ?? []));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function execShellcheck(settings: RunSettings, cwd: string, names: readonly string[]): Promise<string> {
  const env = { ...process.env };
  delete env['SHELLCHECK_OPTS'];
  return new Promise((resolve, reject) => {
    execFile(
      settings.shellcheckPath,
      [...SHELLCHECK_ARGS, '--', ...names],
      { cwd, env, timeout: settings.timeoutMs, maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8', windowsHide: true },
      (error, stdout, stderr) => {
        if (error === null) return resolve(stdout);
        const code = (error as NodeJS.ErrnoException).code as unknown;
        // Exit status 1 means "found issues": the normal case for a linter.
        if (code === 1) return resolve(stdout);
        const data = { shellcheckPath: settings.shellcheckPath, exitCode: code, signal: error.signal ?? null, stderr: String(stderr).slice(-2000) };
        if (code === 'ENOENT' || code === 'EACCES') {
          reject(new ToolUnavailableError(`shellcheck was not found at "${settings.shellcheckPath}"`, { hint: INSTALL_HINT, data, cause: error }));
        } else if (error.killed === true) {
          reject(
            new ToolUnavailableError(`shellcheck did not finish within ${settings.timeoutMs} ms`, {
              hint: 'Run again; if it keeps timing out, raise timeoutMs or look for a very large script.',
              recovery: 'retry',
              data,
              cause: error,
            }),
          );
        } else {
          reject(
            new ToolUnavailableError(`shellcheck failed (exit ${String(code)}): ${String(stderr).trim().slice(0, 500)}`, {
              hint: `Run ${settings.shellcheckPath} --version to check the installation (writ needs shellcheck 0.7 or later for --format=json1).`,
              data,
              cause: error,
            }),
          );
        }
      },
    );
  });
}

interface Json1Replacement {
  line: number;
  endLine: number;
  column: number;
  endColumn: number;
  replacement: string;
  precedence?: number;
}

interface Json1Comment {
  file: string;
  line: number;
  column: number;
  level: string;
  code: number;
  message: string;
  fix: { replacements: Json1Replacement[] } | null;
}

function parseJson1(stdout: string, shellcheckPath: string): Json1Comment[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch (cause) {
    throw new ToolUnavailableError('shellcheck printed output that is not json1', {
      hint: `Check that ${shellcheckPath} is shellcheck 0.7 or later (--format=json1).`,
      data: { shellcheckPath, stdout: stdout.slice(0, 500) },
      cause,
    });
  }
  const comments = (parsed as { comments?: unknown } | null)?.comments;
  if (!Array.isArray(comments)) {
    throw new ToolUnavailableError('shellcheck printed json without a comments list', {
      hint: `Check that ${shellcheckPath} is shellcheck 0.7 or later (--format=json1).`,
      data: { shellcheckPath, stdout: stdout.slice(0, 500) },
    });
  }
  return comments.filter(
    (c): c is Json1Comment =>
      typeof c === 'object' && c !== null && typeof c.file === 'string' && typeof c.line === 'number' && typeof c.column === 'number' && typeof c.code === 'number' && typeof c.message === 'string',
  );
}

/** Shellcheck levels mapped onto ScriptIssue severities (warnings are likely bugs, so they block). */
const SEVERITY: Record<string, ScriptIssue['severity']> = { error: 'error', warning: 'error', info: 'warning', style: 'info' };

function toIssues(text: string, comments: readonly Json1Comment[]): ScriptIssue[] {
  if (comments.length === 0) return [];
  const lines = text.split('\n');
  const issues = comments.map((c) => ({
    code: `LINT_SH_SC${c.code}`,
    line: Math.max(1, c.line),
    column: codeUnitColumn(lines[c.line - 1], c.column),
    severity: SEVERITY[c.level] ?? 'warning',
    message: c.message,
    hint: hintFor(c, lines),
  }));
  return issues.sort((a, b) => a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/**
 * json1 columns count Unicode code points (a tab is 1); ScriptIssue columns count UTF-16 code
 * units. Walks the line so astral characters (emoji) count as 2. Past the line end, counts 1:1.
 */
function codeUnitColumn(line: string | undefined, column: number): number {
  if (line === undefined || column <= 1) return Math.max(1, column);
  let units = 0;
  let points = 1;
  while (points < column && units < line.length) {
    units += (line.codePointAt(units) ?? 0) > 0xffff ? 2 : 1;
    points++;
  }
  return units + 1 + (column - points);
}

function hintFor(c: Json1Comment, lines: readonly string[]): string {
  const wiki = `See https://www.shellcheck.net/wiki/SC${c.code}.`;
  const fixed = applyFix(c, lines);
  if (fixed !== null) return `${wiki} Suggested fix: ${fixed}`;
  return c.fix !== null && c.fix !== undefined ? `${wiki} shellcheck can apply a fix (shellcheck -f diff).` : wiki;
}

/** The fixed line when every replacement is on the comment's line; null otherwise. */
function applyFix(c: Json1Comment, lines: readonly string[]): string | null {
  const replacements = c.fix?.replacements;
  if (!Array.isArray(replacements) || replacements.length === 0) return null;
  const line = lines[c.line - 1];
  if (line === undefined) return null;
  if (!replacements.every((r) => r.line === c.line && r.endLine === c.line && typeof r.replacement === 'string')) return null;
  // Right to left, so earlier columns stay valid.
  const ordered = [...replacements].sort((a, b) => b.column - a.column || (b.precedence ?? 0) - (a.precedence ?? 0));
  let out = line;
  for (const r of ordered) {
    const from = codeUnitColumn(line, r.column) - 1;
    const to = codeUnitColumn(line, r.endColumn) - 1;
    out = out.slice(0, from) + r.replacement + out.slice(Math.max(from, to));
  }
  return out.trim();
}

async function readCached(dir: string, hash: string): Promise<ScriptIssue[] | undefined> {
  let raw: string;
  try {
    raw = await readFile(join(dir, `${hash}.json`), 'utf8');
  } catch {
    return undefined; // missing or unreadable: check the script again
  }
  try {
    const parsed = JSON.parse(raw) as { issues?: unknown };
    return Array.isArray(parsed.issues) && parsed.issues.every(isIssue) ? parsed.issues : undefined;
  } catch {
    return undefined; // corrupt entry: check again and overwrite it
  }
}

function isIssue(v: unknown): v is ScriptIssue {
  if (typeof v !== 'object' || v === null) return false;
  const i = v as Record<string, unknown>;
  return (
    typeof i['code'] === 'string' &&
    typeof i['line'] === 'number' &&
    typeof i['column'] === 'number' &&
    (i['severity'] === 'error' || i['severity'] === 'warning' || i['severity'] === 'info') &&
    typeof i['message'] === 'string' &&
    typeof i['hint'] === 'string'
  );
}

/** Best effort: a cache that cannot be written only costs a re-check next time. */
async function writeCached(dir: string, hash: string, issues: readonly ScriptIssue[]): Promise<void> {
  const target = join(dir, `${hash}.json`);
  const temp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, JSON.stringify({ issues }), { encoding: 'utf8', mode: 0o644 });
    await rename(temp, target);
  } catch {
    await rm(temp, { force: true }).catch(() => undefined);
  }
}
