import { createHash } from 'node:crypto';
import { buildSiteBundle } from '../bundle/build-site-bundle.js';
import { canonicalJson } from '../bundle/canonical-json.js';
import { sealBundle } from '../crypto/sealed-bundle.js';
import type { RunbookScript } from '../lint/collect-scripts.js';
import type { LoadedRepo } from '../validate/loaded-repo.js';
import type { ReleaseTargetInput } from './build-release.js';

/**
 * One sealed target per site: the site's canonical bundle, encrypted to the encryption keys of its
 * appliances that are not retired.
 *
 * @example
 * const targets = sealSiteTargets(repo, scripts, headCommit);
 */
export function sealSiteTargets(repo: LoadedRepo, scripts: readonly RunbookScript[], commit: string): ReleaseTargetInput[] {
  return [...repo.sites]
    .sort((a, b) => (a.value.id < b.value.id ? -1 : 1))
    .map((entry) => {
      const site = entry.value;
      const plain = canonicalJson(buildSiteBundle(repo, scripts, site.id, { commit }));
      const keys = site.appliances.filter((a) => !a.retired).map((a) => new Uint8Array(Buffer.from(a.encryption_key, 'base64url')));
      return {
        site: site.id,
        sealed: sealBundle(plain, site.id, keys),
        bundleSha256: createHash('sha256').update(plain).digest('hex'),
        commit,
      };
    });
}
