import { createHash } from 'node:crypto';
import type { RunbookScript } from '../lint/collect-scripts.js';
import type { LoadedRepo } from '../validate/loaded-repo.js';
import { BUNDLE_FORMAT, type BundledRunbook, type SiteBundle } from './site-bundle.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Repository path of the library the agent prepends to every Linux script. */
export const LINUX_LIBRARY_PATH = 'runbooks/linux/lib/writ-result.sh';

/**
 * Builds the bundle for one site: its site config, the rules enabled there (by the site or a
 * host), the runbooks those rules use with scripts inlined and digested, the libraries, the
 * cited controls, and the source commit. Nothing of another site is included.
 *
 * @example
 * const bundle = buildSiteBundle(repo, scripts, 'clinic-northside', { commit: sha });
 */
export function buildSiteBundle(repo: LoadedRepo, scripts: readonly RunbookScript[], siteId: string, source: { commit: string }): SiteBundle {
  const site = repo.sites.find((s) => s.value.id === siteId)?.value;
  if (!site) throw new RangeError(`no valid site ${siteId} in the repository`);
  const enabled = new Set<string>();
  for (const r of site.rules) if (r.enabled !== false) enabled.add(r.rule);
  for (const h of site.hosts) for (const r of h.rules ?? []) if (r.enabled !== false) enabled.add(r.rule);

  const rules = repo.rules.map((r) => r.value).filter((r) => enabled.has(r.id)).sort((a, b) => cmp(a.id, b.id));
  const runbookIds = new Set<string>();
  for (const r of rules) {
    runbookIds.add(r.check);
    if (r.action.type === 'remediate') runbookIds.add(r.action.runbook ?? r.check);
  }
  const scriptsByKey = new Map(scripts.map((s) => [`${s.runbook.value.id}#${s.step}`, s]));
  const runbooks: BundledRunbook[] = repo.runbooks
    .map((r) => r.value)
    .filter((r) => runbookIds.has(r.id))
    .sort((a, b) => cmp(a.id, b.id))
    .map((rb) => {
      const bundled: BundledRunbook = { ...rb, scripts: {}, parameter_order: Object.keys(rb.parameters ?? {}) };
      for (const step of ['check', 'remediate', 'verify', 'rollback'] as const) {
        const spec = rb.scripts[step];
        if (!spec) continue;
        const script = scriptsByKey.get(`${rb.id}#${step}`);
        if (!script) throw new RangeError(`script ${step} of runbook ${rb.id} could not be read`);
        bundled.scripts[step] = { text: script.text, sha256: sha256(script.text), timeout_seconds: spec.timeout_seconds ?? 60 };
      }
      return bundled;
    });

  const libraries: SiteBundle['libraries'] = [];
  if (runbooks.some((r) => r.platform === 'linux')) {
    const lib = repo.scriptFiles.get(LINUX_LIBRARY_PATH);
    if (!lib) throw new RangeError(`${LINUX_LIBRARY_PATH} is missing`);
    const text = new TextDecoder().decode(lib.bytes);
    libraries.push({ platform: 'linux', path: LINUX_LIBRARY_PATH, text, sha256: sha256(text) });
  }

  const refs = new Set<string>();
  for (const r of rules) for (const c of r.controls ?? []) refs.add(c);
  for (const r of runbooks) for (const c of r.controls) refs.add(c);
  const titles = new Map<string, string>();
  for (const fw of repo.frameworks) for (const c of fw.value.controls) titles.set(`${fw.value.id}:${c.id}`, c.title);
  const controls = [...refs].sort(cmp).map((ref) => ({ ref, title: titles.get(ref) ?? '' }));

  return { format: BUNDLE_FORMAT, site, rules, runbooks, libraries, controls, source };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
