import { buildSite } from '../commands/site.js';

/** Where the auditor site is built from and to. */
export interface AuditorSiteInput {
  /** The demo's policy repository (a git work tree: policies/, runbooks/, sites/, frameworks/; writ/releases). */
  repoDir: string;
  /** A checkout of the evidence branch: <site>/<appliance>/YYYY-MM-DD.jsonl and checkpoints.jsonl, verified. */
  evidenceDir: string;
  /** An empty folder for the static site. */
  outDir: string;
  /** The run's reference time (the site's "generated at" and waiver expiry). */
  now: Date;
}

export type AuditorSiteResult =
  /** The static site is in `outDir`; `entry` is the page to open, relative to it ('' for the fleet overview at the root). */
  | { built: true; outDir: string; entry: string; pages: number; records: number; brokenChains: number }
  /** Nothing was built; `reason` says why, for the summary. */
  | { built: false; reason: string };

/**
 * The site step of `writ demo`: builds the auditor site from the demo's policy repository and the
 * verified evidence with the same code as `writ site build` (data through core, Astro pages,
 * Pagefind index, OSCAL files). A build failure is thrown (the demo reports the stage as failed).
 *
 * @example
 * const site = await buildAuditorSite({ repoDir: layout.policy, evidenceDir: layout.evidenceBranch, outDir: layout.site, now });
 */
export async function buildAuditorSite(input: AuditorSiteInput): Promise<AuditorSiteResult> {
  const summary = await buildSite({ repo: input.repoDir, evidence: input.evidenceDir, out: input.outDir, now: input.now });
  return { built: true, outDir: input.outDir, entry: '', pages: summary.pages, records: summary.records, brokenChains: summary.broken_chains };
}
