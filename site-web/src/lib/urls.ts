// Every URL of the site, in one place. Ids are path-safe (core/site/site-model.ts isSafeFileId);
// they are still percent-encoded so a link never changes meaning.
import type { RecordRef } from './model.ts';
import { controlFileId, recordAnchor } from './model.ts';

const seg = (s: string) => encodeURIComponent(s);

export const url = {
  fleet: () => '/',
  releases: () => '/releases/',
  release: (version: number) => `/releases/#release-${version}`,
  clinics: () => '/#clinics',
  clinic: (site: string) => `/clinics/${seg(site)}/`,
  host: (site: string, host: string) => `/clinics/${seg(site)}/hosts/${seg(host)}/`,
  day: (site: string, day: string) => `/clinics/${seg(site)}/days/${seg(day)}/`,
  packet: (site: string, month: string) => `/clinics/${seg(site)}/packet/${seg(month)}/`,
  controls: () => '/controls/',
  control: (id: string) => `/controls/${seg(controlFileId(id))}/`,
  runbooks: () => '/runbooks/',
  runbook: (id: string) => `/runbooks/${seg(id)}/`,
  runbookVersion: (id: string, version: string) => `/runbooks/${seg(id)}/#version-${seg(version)}`,
  record: (ref: Pick<RecordRef, 'site' | 'day' | 'appliance' | 'index'>) => `/clinics/${seg(ref.site)}/days/${seg(ref.day)}/#${recordAnchor(ref)}`,
  oscal: (site: string, month: string) => `/oscal/${seg(site)}-${seg(month)}.json`,
  search: () => '/search/',
};

/** An id usable as an HTML id attribute (runbook versions may hold dots and pluses). */
export const versionAnchor = (version: string) => `version-${encodeURIComponent(version)}`;
