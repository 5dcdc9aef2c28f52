/**
 * Each hostile YAML input must be reported (its own code, line and column) and `writ validate`
 * must exit 1 within a second. Measured end to end: one `writ validate` process per input, on the
 * mini repository plus the hostile file. Anchor: the same command on the mini repository alone.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Benchmark, type BenchRow, formatBenchTable, median } from './bench-table.js';

const ROOT = join(fileURLToPath(import.meta.url), '../../..');
const BIN = join(ROOT, 'cli/bin/writ.js');

const HOSTILE: [string, string | Uint8Array, string][] = [
  ['duplicate key', 'a: 1\nb: 2\na: 3\n', 'YAML_DUPLICATE_KEY'],
  ['alias bomb (9^6 nodes)', 'a: &a [x,x,x,x,x,x,x,x,x]\n' + ['b', 'c', 'd', 'e', 'f'].map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcde'[i]}`).join(',')}]\n`).join(''), 'YAML_ALIAS_BOMB'],
  ['self-referencing alias', 'a: &x [*x]\n', 'YAML_ALIAS_CYCLE'],
  ['language tag', 'a: !!python/object/apply:os.system ["id"]\n', 'YAML_UNSUPPORTED_TAG'],
  ['several documents', 'a: 1\n---\nb: 2\n', 'YAML_MULTIPLE_DOCUMENTS'],
  ['YAML 1.1 octal', 'mode: 0777\n', 'YAML_OCTAL_AMBIGUOUS'],
  ['non-UTF-8 bytes', new Uint8Array([0x61, 0x3a, 0x20, 0xe9, 0x0a]), 'YAML_INVALID_UTF8'],
  ['1 MiB + 1 file', 'a: ' + 'x'.repeat(1024 * 1024) + '\n', 'YAML_FILE_TOO_LARGE'],
  ['100,000-deep nesting', 'a: ' + '['.repeat(100_000) + ']'.repeat(100_000) + '\n', 'YAML_TOO_DEEP'],
];

function miniRepoDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'writ-bench-hostile-'));
  const files: Record<string, string> = {
    'frameworks/hipaa.yaml': readFileSync(join(ROOT, 'frameworks/hipaa.yaml'), 'utf8'),
    'runbooks/linux/lib/writ-result.sh': readFileSync(join(ROOT, 'runbooks/linux/lib/writ-result.sh'), 'utf8'),
  };
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), t);
  }
  return dir;
}

function timeValidate(dir: string): { ms: number; code: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, 'validate', '--repo', dir, '--format', 'json', '--no-shellcheck'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { ms: performance.now() - t0, code: r.status ?? -1, stdout: r.stdout };
}

export async function hostileInputs(log: (line: string) => void = () => undefined): Promise<BenchRow[]> {
  const base = miniRepoDir();
  const baseline = median([0, 1, 2, 3].map(() => timeValidate(base).ms).slice(1));
  const rows: BenchRow[] = [];
  for (const [name, content, code] of HOSTILE) {
    const dir = miniRepoDir();
    mkdirSync(join(dir, 'sites'), { recursive: true });
    writeFileSync(join(dir, 'sites/hostile.yaml'), content);
    const runs = [0, 1, 2].map(() => timeValidate(dir));
    const last = runs[runs.length - 1]!;
    const report = JSON.parse(last.stdout) as { findings: { code: string; line: number; column: number }[] };
    const f = report.findings.find((x) => x.code === code);
    if (last.code !== 1 || !f) throw new Error(`${name}: expected exit 1 with ${code}, got exit ${last.code}`);
    log(`hostile ${name}: ${code} at ${f.line}:${f.column}, exit ${last.code}`);
    rows.push({ measure: `validate + exit 1: ${name}`, writMs: median(runs.map((r) => r.ms)), anchorMs: baseline, maxWritMs: 1000, maxRatio: null });
    rmSync(dir, { recursive: true, force: true });
  }
  rmSync(base, { recursive: true, force: true });
  return rows;
}

/** Picked up by bench/run-all.ts. */
export const benchmark: Benchmark = {
  name: 'hostile-inputs',
  anchor: 'the same writ validate process on the repository without the hostile file',
  run: (log) => hostileInputs(log),
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await hostileInputs((l) => console.log(l));
  console.log(`\n${formatBenchTable(rows)}`);
}
