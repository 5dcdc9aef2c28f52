/**
 * Auditor site pages: rendering the site fixture's data dir (3 clinics × WRIT_BENCH_SITE_PAGES_DAYS
 * days, default 30, ~150 records per clinic-day) with Astro into static HTML, and the Pagefind index.
 * - render: buildStaticSite's Astro build (Vite bundling of site-web, then one page per manifest
 *   page); the per-page row divides the whole build, fixed start-up included.
 * - search: Pagefind indexing the non-day pages.
 * - anchor (floor): writing the same HTML files (same bytes, same folders) with plain fs writes.
 * Target: under 100 ms a page (fixed start-up included) on this 2-core machine.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectSiteData } from '../adapters/site/collect-site-data.js';
import { buildStaticSite } from '../adapters/site-build/build-site.js';
import { generateSiteFixture } from '../scripts/generate-site-fixture-lib.js';
import { type Benchmark, type BenchRow, formatBenchTable } from './bench-table.js';

const DAYS = Number(process.env['WRIT_BENCH_SITE_PAGES_DAYS'] ?? 30);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', fileURLToPath(import.meta.url).includes('/dist/') ? '..' : '.');

function htmlFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? htmlFiles(dir, rel) : e.name.endsWith('.html') ? [rel] : [];
  });
}

async function sitePagesBench(log: (line: string) => void): Promise<BenchRow[]> {
  const base = mkdtempSync(join(tmpdir(), 'writ-bench-pages-'));
  try {
    const fx = await generateSiteFixture({ out: join(base, 'fixture'), source: ROOT, days: DAYS });
    const data = join(base, 'data');
    await collectSiteData({ repoDir: fx.repoDir, evidenceDir: fx.evidenceDir, dataDir: data, now: new Date(fx.now) });
    const out = join(base, 'site');
    const r = await buildStaticSite({ dataDir: data, outDir: out });
    const files = htmlFiles(out);
    const contents = files.map((f) => readFileSync(join(out, f)));
    const bytes = contents.reduce((a, b) => a + b.length, 0);
    const copy = join(base, 'copy');
    const t = performance.now();
    files.forEach((f, i) => {
      mkdirSync(dirname(join(copy, f)), { recursive: true });
      writeFileSync(join(copy, f), contents[i]!);
    });
    const anchorMs = performance.now() - t;
    log(`site-pages: ${r.pages} pages (${(bytes / 1e6).toFixed(1)} MB HTML), ${fx.records} records, ${r.indexed} pages indexed`);
    return [
      { measure: `render ${r.pages} pages (Astro)`, writMs: r.astroMs, anchorMs, maxWritMs: null, maxRatio: null },
      { measure: 'render, per page', writMs: r.astroMs / r.pages, anchorMs: anchorMs / r.pages, maxWritMs: 100, maxRatio: null },
      { measure: `search index (${r.indexed} pages)`, writMs: r.pagefindMs, anchorMs: null, maxWritMs: null, maxRatio: null },
    ];
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

export const benchmark: Benchmark = {
  name: 'site-pages',
  anchor: 'render: writing the same HTML files with plain fs writes',
  run: (log) => sitePagesBench(log),
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await sitePagesBench((l) => console.log(l));
  console.log(`\n${formatBenchTable(rows)}`);
}
