import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpus, totalmem } from 'node:os';
import { type Benchmark, type BenchRow, anchorCell, formatTable, metOf, peakRssMiB, ratioCell, ratioOf, targetOf, writCell } from './bench-table.js';

/**
 * `npm run bench`: imports every module next to this one, runs each that exports a `benchmark`
 * (bench-table.ts describes the shape), and prints one combined table. Missed targets are
 * reported, not failed on (speed is measured here, never asserted in tests); a benchmark that
 * cannot measure (say, its generated repository does not validate) makes the exit code 1.
 */
async function main(): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const self = fileURLToPath(import.meta.url);
  const modules = (await readdir(here)).filter((n) => n.endsWith('.js') && join(here, n) !== self).sort();
  const benchmarks: Benchmark[] = [];
  for (const name of modules) {
    const mod = (await import(pathToFileURL(join(here, name)).href)) as { benchmark?: Benchmark };
    if (mod.benchmark) benchmarks.push(mod.benchmark);
  }
  console.log(`writ benchmarks: ${benchmarks.map((b) => b.name).join(', ')}`);
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}\n`);

  const all: { bench: string; row: BenchRow }[] = [];
  let failed = 0;
  for (const b of benchmarks) {
    try {
      for (const row of await b.run((line) => console.log(line))) all.push({ bench: b.name, row });
    } catch (e) {
      failed++;
      console.error(`\n${b.name} could not measure: ${e instanceof Error ? e.message : String(e)}`);
    }
    console.log('');
  }

  const table = formatTable(
    ['measure', 'writ ms', 'anchor or floor ms', 'ratio', 'target', 'met'],
    all.map(({ row }) => [row.measure, writCell(row), anchorCell(row), ratioCell(ratioOf(row)), targetOf(row), metOf(row)]),
    [1, 2, 3],
  );
  console.log(table);
  console.log('');
  for (const b of benchmarks) console.log(`${b.name}: ${b.anchor}.`);
  const missed = all.filter(({ row }) => metOf(row).startsWith('NO')).length;
  console.log(`ratio = writ ms / anchor ms (each benchmark's detail lines above say how many runs its medians take); peak RSS ${peakRssMiB().toFixed(0)} MiB.`);
  console.log(missed === 0 ? 'All targets met.' : `${missed} target row(s) missed (reported, not failed).`);
  if (failed > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
