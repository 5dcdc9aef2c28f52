import { describe, expect, it } from 'vitest';
import { buildSiteBundle } from '../../../../core/bundle/build-site-bundle.js';
import { canonicalJson } from '../../../../core/bundle/canonical-json.js';
import { inDeclarationOrder, type BundledRunbook, type SiteBundle } from '../../../../core/bundle/site-bundle.js';
import { collectScripts } from '../../../../core/lint/collect-scripts.js';
import { loadRepo } from '../../../../core/validate/load-repo.js';
import { miniRepo, sourceFiles } from '../../../helpers/mini-repo.js';

describe('bundled runbooks keep their parameter declaration order', () => {
  it('survives canonical JSON, which sorts keys', () => {
    const repo = loadRepo(sourceFiles(miniRepo())).repo;
    const scripts = collectScripts(repo).scripts;
    const site = repo.sites[0]!.value.id;
    const bundle = buildSiteBundle(repo, scripts, site, { commit: 'c'.repeat(40) });
    const parsed = JSON.parse(new TextDecoder().decode(canonicalJson(bundle))) as SiteBundle;
    for (const rb of repo.runbooks.map((r) => r.value)) {
      const shipped = parsed.runbooks.find((b) => b.id === rb.id);
      if (!shipped) continue;
      const declared = Object.keys(rb.parameters ?? {});
      expect(shipped.parameter_order).toEqual(declared);
      expect(Object.keys(inDeclarationOrder(shipped)!.parameters ?? {})).toEqual(declared);
    }
  });

  it('refuses an order that does not name exactly the declared parameters', () => {
    const base = { id: 'X', parameters: { b: { type: 'string', description: 'b' }, a: { type: 'string', description: 'a' } }, scripts: {} } as unknown as BundledRunbook;
    expect(Object.keys(inDeclarationOrder({ ...base, parameter_order: ['b', 'a'] })!.parameters!)).toEqual(['b', 'a']);
    for (const order of [undefined, [], ['a'], ['a', 'a'], ['a', 'c'], ['a', 'b', 'c']]) {
      expect(inDeclarationOrder({ ...base, parameter_order: order as never })).toBeUndefined();
    }
  });
});
