// Reads the data dir that `writ site build` made (WRIT_SITE_DATA). Pages read nothing else: no
// policy, no evidence, no git. Files are read once per build and kept (the clinic file is read by
// every page of that clinic for its banner).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClinicData, ManifestPage, SiteManifest } from './model.ts';
import { SITE_DATA_FORMAT } from './model.ts';

const cache = new Map<string, unknown>();

function dataDir(): string {
  const dir = process.env['WRIT_SITE_DATA'];
  if (!dir) throw new Error('WRIT_SITE_DATA is not set: build the site with `writ site build`');
  return dir;
}

/** One data file, parsed; its format tag is checked. `rel` comes from the manifest (siteDataPath). */
export function readData<T>(rel: string): T {
  const hit = cache.get(rel);
  if (hit !== undefined) return hit as T;
  if (rel.split('/').some((s) => s === '..' || s === '') || rel.startsWith('/')) throw new Error(`bad data path ${rel}`);
  const value = JSON.parse(readFileSync(join(dataDir(), rel), 'utf8')) as { format?: string };
  if (value.format !== undefined && value.format !== SITE_DATA_FORMAT) throw new Error(`${rel}: format ${value.format}, expected ${SITE_DATA_FORMAT}`);
  cache.set(rel, value);
  return value as T;
}

export function manifest(): SiteManifest {
  return readData<SiteManifest>('manifest.json');
}

/** The manifest's pages of one kind. */
export function pagesOf(kind: ManifestPage['kind']): ManifestPage[] {
  return manifest().pages.filter((p) => p.kind === kind);
}

/** The clinic file of a site (for banners, names and navigation on every page of that clinic). */
export function clinicOf(site: string): ClinicData {
  const page = manifest().pages.find((p) => p.kind === 'clinic' && p.site === site);
  if (!page) throw new Error(`no clinic page for ${site}`);
  return readData<ClinicData>(page.data);
}
