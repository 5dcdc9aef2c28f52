import type { Rule } from '../model/generated/rule.js';
import type { Runbook } from '../model/generated/runbook.js';
import type { Site } from '../model/generated/site.js';

export const BUNDLE_FORMAT = 'writ-bundle/v1';

/** A script as shipped: its exact text and SHA-256, so evidence can name the version that ran. */
export interface BundledScript {
  text: string;
  sha256: string;
  timeout_seconds: number;
}

export type BundledRunbook = Omit<Runbook, 'scripts'> & {
  scripts: Partial<Record<'check' | 'remediate' | 'verify' | 'rollback', BundledScript>>;
};

/** Everything one site's appliance needs, and nothing of any other site. */
export interface SiteBundle {
  format: typeof BUNDLE_FORMAT;
  site: Site;
  /** Rules the site or one of its hosts enables, by id. */
  rules: Rule[];
  /** Runbooks those rules check or heal with, scripts inlined, by id. */
  runbooks: BundledRunbook[];
  /** Script libraries prepended to every script of a platform (the Linux result library). */
  libraries: { platform: 'linux' | 'windows'; path: string; text: string; sha256: string }[];
  /** Titles of the controls the bundled runbooks and rules cite. */
  controls: { ref: string; title: string }[];
  source: { commit: string };
}
