/** Where the auditor site is built from and to. */
export interface AuditorSiteInput {
  /** The demo's policy repository (a git work tree: policies/, runbooks/, sites/, frameworks/). */
  repoDir: string;
  /** A checkout of the evidence branch: <site>/<appliance>/YYYY-MM-DD.jsonl and checkpoints.jsonl, verified. */
  evidenceDir: string;
  /** An empty folder for the static site. */
  outDir: string;
}

export type AuditorSiteResult =
  /** The static site is in `outDir`; `entry` is the page to open, relative to it (e.g. `index.html`). */
  | { built: true; outDir: string; entry: string }
  /** Nothing was built; `reason` says why, for the summary. */
  | { built: false; reason: string };

/**
 * THE SITE STEP of `writ demo` (cli/commands/demo.ts, stage "site"): builds the auditor site from
 * the policy repository and the verified evidence. The site builder (`writ site build`) is not
 * part of this build yet, so this builds nothing and says so; the demo then serves nothing and
 * prints no URL. Wiring it in means replacing this body with a call to the builder and returning
 * `{ built: true, outDir, entry }`; the demo serves `outDir` on 127.0.0.1 and prints the URL.
 *
 * @example
 * const site = await buildAuditorSite({ repoDir: layout.policy, evidenceDir: layout.evidenceBranch, outDir: layout.site });
 */
export async function buildAuditorSite(input: AuditorSiteInput): Promise<AuditorSiteResult> {
  void input;
  return { built: false, reason: 'the auditor site builder (writ site build) is not part of this build yet' };
}
