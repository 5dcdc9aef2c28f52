import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { Metadata, MetadataKind, type Root, type Targets } from '@tufjs/models';
import git from 'isomorphic-git';
import type { ReleaseView } from '../../core/site/site-model.js';
import { METADATA_LIMITS } from '../tuf/verify-release.js';

type Json = Record<string, unknown>;

/**
 * Every release published on a release branch (default `writ/releases`), oldest first: for each
 * branch commit, the `metadata/<v>.targets.json` it added, with its digest, signer keyids,
 * expiry, per-site bundle digests and policy commit, and whether its signatures meet the targets
 * threshold of the newest root metadata in the same commit. Metadata over the size cap or not
 * valid TUF JSON is skipped. Returns null when the branch does not exist.
 *
 * @example
 * const releases = await releaseHistory('/srv/policy'); // [{ version: 1, digest, signers, … }]
 */
export async function releaseHistory(dir: string, branch = 'writ/releases'): Promise<ReleaseView[] | null> {
  const cache = {};
  let head: string;
  try {
    head = await git.resolveRef({ fs, dir, ref: `refs/heads/${branch}` });
  } catch {
    return null;
  }
  const chain: { oid: string; tree: string; time: number }[] = [];
  const seen = new Set<string>();
  for (let oid: string | undefined = head; oid !== undefined && !seen.has(oid);) {
    seen.add(oid);
    const { commit } = await git.readCommit({ fs, dir, oid, cache });
    chain.push({ oid, tree: commit.tree, time: commit.committer.timestamp });
    oid = commit.parent[0];
  }
  chain.reverse();
  const out: ReleaseView[] = [];
  const known = new Set<number>();
  for (const c of chain) {
    const root = await git.readTree({ fs, dir, oid: c.tree, cache });
    const metaOid = root.tree.find((e) => e.path === 'metadata' && e.type === 'tree')?.oid;
    if (!metaOid) continue;
    const entries = (await git.readTree({ fs, dir, oid: metaOid, cache })).tree.filter((e) => e.type === 'blob');
    const read = async (oid: string, max: number): Promise<Uint8Array | null> => {
      const { blob } = await git.readBlob({ fs, dir, oid, cache });
      return blob.length > max ? null : blob;
    };
    const rootVersions = entries.map((e) => /^(\d+)\.root\.json$/.exec(e.path)).filter((m) => m !== null).map((m) => Number(m![1])).sort((a, b) => b - a);
    let trusted: Metadata<Root> | null = null;
    const rootEntry = rootVersions.length > 0 ? entries.find((e) => e.path === `${rootVersions[0]}.root.json`) : undefined;
    if (rootEntry) {
      const bytes = await read(rootEntry.oid, METADATA_LIMITS.rootMaxLength);
      try { trusted = bytes ? Metadata.fromJSON(MetadataKind.Root, JSON.parse(new TextDecoder().decode(bytes)) as Json as never) : null; } catch { trusted = null; }
    }
    for (const e of entries) {
      const m = /^(\d+)\.targets\.json$/.exec(e.path);
      if (!m || known.has(Number(m[1]))) continue;
      const bytes = await read(e.oid, METADATA_LIMITS.targetsMaxLength);
      if (!bytes) continue;
      let md: Metadata<Targets>;
      try {
        md = Metadata.fromJSON(MetadataKind.Targets, JSON.parse(new TextDecoder().decode(bytes)) as never);
      } catch {
        continue;
      }
      known.add(Number(m[1]));
      let valid = false;
      try {
        if (trusted) { trusted.verifyDelegate(MetadataKind.Targets, md); valid = true; }
      } catch { valid = false; }
      const signed = md.signed as unknown as { version: number; expires: string; targets: Record<string, { unrecognizedFields?: { custom?: { site?: unknown; commit?: unknown; bundle_sha256?: unknown } } }> };
      const bundles = Object.values(signed.targets).map((t) => t.unrecognizedFields?.custom).filter((x) => typeof x?.site === 'string' && typeof x.bundle_sha256 === 'string')
        .map((x) => ({ site: x!.site as string, digest: x!.bundle_sha256 as string, ...(typeof x!.commit === 'string' ? { commit: x!.commit } : {}) }))
        .sort((a, b) => (a.site < b.site ? -1 : 1));
      const commits = [...new Set(bundles.map((b) => b.commit).filter((x) => x !== undefined))];
      out.push({
        version: signed.version, digest: createHash('sha256').update(bytes).digest('hex'), signers: Object.keys(md.signatures).sort(), signatures_valid: valid,
        expires: signed.expires, ...(commits.length === 1 ? { source_commit: commits[0]! } : {}), time: new Date(c.time * 1000).toISOString(), release_commit: c.oid, bundles,
      });
    }
  }
  return out.sort((a, b) => a.version - b.version);
}
