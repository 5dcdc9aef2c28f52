import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SiteError } from '../../core/site/site-codes.js';

/** Where the Astro project is: site-web/ at the repository root (from the sources or from dist/). */
export function siteWebRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'site-web');
    if (existsSync(join(candidate, 'astro.config.mjs'))) return candidate;
    dir = dirname(dir);
  }
  throw new SiteError('SITE_BUILD_FAILED', 'the site project (site-web/astro.config.mjs) was not found next to writ', {
    hint: 'Run writ from its repository checkout (npm ci installs site-web as a workspace).',
  });
}

export interface StaticSiteResult {
  /** HTML pages written. */
  pages: number;
  /** Pages Pagefind indexed. */
  indexed: number;
  /** OSCAL files copied to <out>/oscal/. */
  oscal: number;
  astroMs: number;
  pagefindMs: number;
}

/** HTML files under dir, as forward-slash paths relative to it. */
function htmlUnder(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...htmlUnder(dir, rel));
    else if (e.name.endsWith('.html')) out.push(rel);
  }
  return out;
}

/**
 * Renders the site from a data dir (collectSiteData's output) into outDir: Astro's static build of
 * site-web/ (the data dir reaches the pages as WRIT_SITE_DATA), then the Pagefind search index, then
 * the OSCAL files named by the manifest copied to <out>/oscal/. No network; Astro telemetry off.
 * Astro's caches go to a temporary folder, so two builds at once do not share state.
 *
 * @example
 * const r = await buildStaticSite({ dataDir: '/tmp/data', outDir: 'site-out' });
 * console.log(`${r.pages} pages`);
 */
export async function buildStaticSite(options: { dataDir: string; outDir: string; root?: string }): Promise<StaticSiteResult> {
  const root = options.root ?? siteWebRoot();
  const outDir = resolve(options.outDir);
  const dataDir = resolve(options.dataDir);
  const manifestFile = join(dataDir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new SiteError('SITE_BUILD_FAILED', `the data dir ${dataDir} has no manifest.json`, { hint: 'Build through writ site build, which makes the data dir first.' });
  }
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) {
    throw new SiteError('SITE_BUILD_FAILED', `--out ${outDir} is a file`, { hint: 'Pass a folder for the site (it is created, and emptied if it holds an older build).' });
  }
  process.env['ASTRO_TELEMETRY_DISABLED'] = '1';
  process.env['WRIT_SITE_DATA'] = dataDir;
  const cacheDir = mkdtempSync(join(tmpdir(), 'writ-astro-'));
  const started = performance.now();
  // Astro renders pages from server-side chunks it writes to <cwd>/.astro/ (outDir being outside
  // the working directory). They import astro's runtime, so they must sit under site-web/ to find
  // node_modules; and two builds at once must not share them. So each build runs in a fresh
  // folder site-web/.build-XXXXXX/, removed afterwards.
  const work = mkdtempSync(join(root, '.build-'));
  const cwd = process.cwd();
  process.chdir(work);
  try {
    const { build } = await import('astro');
    await build({
      root, outDir, cacheDir, logLevel: 'error', mode: 'production',
      vite: { cacheDir: join(cacheDir, 'vite'), logLevel: 'error' },
    }, { teardownCompiler: true });
  } catch (e) {
    throw new SiteError('SITE_BUILD_FAILED', `rendering the site failed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`, {
      hint: 'Run again with WRIT_DEBUG=1 for the stack; the data dir may be from another writ version.', cause: e,
    });
  } finally {
    process.chdir(cwd);
    rmSync(work, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  }
  const astroMs = performance.now() - started;

  const indexStarted = performance.now();
  const pagefind = await import('pagefind');
  let indexed = 0;
  try {
    const { index, errors } = await pagefind.createIndex({ forceLanguage: 'en' });
    if (!index) throw new Error(errors.join('; '));
    // Day pages are left out: they are most of the pages and most of the bytes, and each is
    // reached from its clinic; Pagefind would parse them only to skip them (no data-pagefind-body).
    for (const rel of htmlUnder(outDir)) {
      if (/^clinics\/[^/]+\/days\//.test(rel)) continue;
      const added = await index.addHTMLFile({ sourcePath: rel, content: readFileSync(join(outDir, rel), 'utf8') });
      if (added.errors.length) throw new Error(added.errors.join('; '));
      indexed++;
    }
    const written = await index.writeFiles({ outputPath: join(outDir, 'pagefind') });
    if (written.errors.length) throw new Error(written.errors.join('; '));
  } catch (e) {
    throw new SiteError('SITE_BUILD_FAILED', `the search index failed: ${e instanceof Error ? e.message : String(e)}`, {
      hint: 'Pagefind runs a binary from the npm package @pagefind/linux-x64 (an optional dependency): run npm ci.', cause: e,
    });
  } finally {
    await pagefind.close();
  }
  const pagefindMs = performance.now() - indexStarted;

  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { oscal?: string[] };
  const oscal = manifest.oscal ?? [];
  mkdirSync(join(outDir, 'oscal'), { recursive: true });
  for (const rel of oscal) {
    const name = rel.split('/').pop() ?? '';
    if (!/^oscal\/[A-Za-z0-9][A-Za-z0-9._-]*\.json$/.test(rel) || rel.includes('..')) {
      throw new SiteError('SITE_BUILD_FAILED', `the manifest names an OSCAL file outside oscal/: ${JSON.stringify(rel)}`, { hint: 'The data dir is corrupt; build it again.' });
    }
    copyFileSync(join(dataDir, rel), join(outDir, 'oscal', name));
  }
  return { pages: htmlUnder(outDir).length, indexed, oscal: oscal.length, astroMs, pagefindMs };
}
