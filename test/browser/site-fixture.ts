import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DayData, FleetData, ManifestPage, SiteManifest } from '../../core/site/site-model.js';
import { recordAnchor } from '../../core/site/site-model.js';
import { generateSiteFixture, type SiteFixture } from '../../scripts/generate-site-fixture-lib.js';
import { runCliAsync } from '../helpers/run-cli.js';

export interface BuiltFixtureSite {
  base: string;
  out: string;
  data: string;
  manifest: SiteManifest;
  fleet: FleetData;
  /** A clinic whose chain is broken and one whose chains are intact. */
  brokenSite: string;
  okSite: string;
  /** The day page and anchor of a record whose signed content holds markup. */
  hostile: { site: string; day: string; anchor: string };
  page: (kind: ManifestPage['kind'], where?: Partial<ManifestPage>) => ManifestPage;
  readData: <T>(rel: string) => T;
  stdout: string;
  fixture: SiteFixture;
  cleanup: () => void;
}

/**
 * The real path end to end: the data helper's fixture generator (fixed dates) writes a policy repo
 * and an evidence folder; the built `writ site build` (collectSiteData → Astro → Pagefind) renders
 * them. The data dir is kept (--data) so tests can find their targets in it.
 */
export async function buildFixtureSite(): Promise<BuiltFixtureSite> {
  const base = mkdtempSync(join(tmpdir(), 'writ-site-browser-'));
  const fx = await generateSiteFixture({ out: join(base, 'fixture'), source: join(import.meta.dirname, '../..') });
  const out = join(base, 'site');
  const data = join(base, 'data');
  const r = await runCliAsync(['site', 'build', '--repo', fx.repoDir, '--evidence', fx.evidenceDir, '--out', out, '--data', data, '--now', fx.now], { env: { WRIT_DEBUG: '1' } });
  if (r.code !== 0) throw new Error(`writ site build failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
  const readData = <T>(rel: string) => JSON.parse(readFileSync(join(data, rel), 'utf8')) as T;
  const manifest = readData<SiteManifest>('manifest.json');
  const fleet = readData<FleetData>('fleet.json');
  const brokenSite = fleet.clinics.find((c) => c.chain.status === 'broken')?.site;
  const okSite = fleet.clinics.find((c) => c.chain.status === 'ok')?.site;
  if (!brokenSite || !okSite) throw new Error('the fixture needs a clinic with a broken chain and one with intact chains');
  let hostile: BuiltFixtureSite['hostile'] | undefined;
  for (const p of manifest.pages.filter((x) => x.kind === 'day')) {
    const day = readData<DayData>(p.data);
    const rec = day.records.find((x) => JSON.stringify(x.detail).includes('onerror'));
    if (rec) {
      hostile = { site: day.site, day: day.day, anchor: recordAnchor(rec.ref) };
      break;
    }
  }
  if (!hostile) throw new Error('the fixture needs a record holding <img … onerror=…>');
  const page = (kind: ManifestPage['kind'], where: Partial<ManifestPage> = {}) => {
    const found = manifest.pages.find((p) => p.kind === kind && Object.entries(where).every(([k, v]) => (p as unknown as Record<string, unknown>)[k] === v));
    if (!found) throw new Error(`no ${kind} page matching ${JSON.stringify(where)}`);
    return found;
  };
  return { base, out, data, manifest, fleet, brokenSite, okSite, hostile, page, readData, stdout: r.stdout, fixture: fx, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}
