import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata, MetadataKind } from '@tufjs/models';
import modelErrors from '@tufjs/models/dist/error.js';
import { Updater } from 'tuf-js';
import tufErrors from 'tuf-js/dist/error.js';
import { BUNDLE_FORMAT, type SiteBundle } from '../../core/bundle/site-bundle.js';
import { openBundle, SealOpenError } from '../../core/crypto/sealed-bundle.js';
import { ReleaseError, type ReleaseReason } from '../../core/errors/release-error.js';
import { hashPrefixedPath } from '../../core/release/build-release.js';
import { diagnoseRoleFailure, diagnoseSignatures } from '../../core/release/diagnose-metadata.js';
import { GitTreeFetcher, RELEASE_URL_PREFIX, type ReleaseFileReader } from './git-tree-fetcher.js';

/** Size caps for metadata (bytes). A target's cap is its signed length. */
export const METADATA_LIMITS = { rootMaxLength: 512 * 1024, timestampMaxLength: 16 * 1024, snapshotMaxLength: 4 * 1024 * 1024, targetsMaxLength: 16 * 1024 * 1024 };

export interface VerifyReleaseInput {
  read: ReleaseFileReader;
  /** Every file path under targets/ in the fetched commit. */
  listTargetFiles: () => Promise<string[]>;
  /** The pinned root.json the appliance trusts. */
  trustedRoot: Uint8Array;
  /** Where trusted metadata persists between runs (rollback protection); a temporary folder when absent. */
  stateDir?: string;
  site: string;
  applianceKey: { privateRaw: Uint8Array; publicRaw: Uint8Array };
  /** The run's reference time for expiry. */
  now: Date;
}

export interface VerifiedRelease {
  version: number;
  /** SHA-256 (hex) of the canonical plaintext bundle. */
  bundleSha256: string;
  commit: string;
  expires: { root: string; targets: string; snapshot: string; timestamp: string };
  signers: { role: string; keyIds: string[] }[];
  bundle: SiteBundle;
}

const rel = (code: ReleaseReason, message: string, hint: string, cause?: unknown) => new ReleaseError(code, message, { hint, cause });

/**
 * Verifies the newest release for one site with tuf-js, reading the already-fetched git commit
 * instead of the network, then decrypts and checks the site's bundle. Refusals are ReleaseErrors
 * with a REL_ code; nothing from the release is parsed before its signature and hash are checked.
 *
 * @example
 * const release = await verifyRelease({ read, listTargetFiles, trustedRoot, site, applianceKey, now });
 */
export async function verifyRelease(input: VerifyReleaseInput): Promise<VerifiedRelease> {
  const temp = mkdtempSync(join(tmpdir(), 'writ-verify-'));
  const metadataDir = input.stateDir ?? join(temp, 'metadata');
  mkdirSync(metadataDir, { recursive: true, mode: 0o700 });
  const targetDir = join(temp, 'targets');
  try {
    if (!existsSync(join(metadataDir, 'root.json'))) writeFileSync(join(metadataDir, 'root.json'), input.trustedRoot, { mode: 0o600 });
    const trustedRootJson = JSON.parse(readFileSync(join(metadataDir, 'root.json'), 'utf8')) as Parameters<typeof diagnoseSignatures>[2];
    await refuseRollback(input.read, metadataDir);

    const fetcher = new GitTreeFetcher(input.read);
    const updater = new Updater({
      metadataDir, targetDir, metadataBaseUrl: `${RELEASE_URL_PREFIX}metadata`, targetBaseUrl: `${RELEASE_URL_PREFIX}targets`,
      fetcher: fetcher as never, config: { ...METADATA_LIMITS, fetchRetries: 0 },
    });
    // tuf-js reads the clock when the updater is made; the run's reference time (--now) replaces it.
    (updater as unknown as { trustedSet: { referenceTime: Date } }).trustedSet.referenceTime = input.now;

    const trusted = (updater as unknown as { trustedSet: TrustedSet }).trustedSet;
    try {
      await updater.refresh();
    } catch (e) {
      if (e instanceof tufErrors.RuntimeError) throw await explainRoleFailure(e, fetcher, input, trusted);
      throw await classify(e, fetcher, input.read, trustedRootJson);
    }
    const targetPath = `sites/${input.site}.bundle`;
    const info = await updater.getTargetInfo(targetPath);
    if (!info) {
      throw rel('REL_SITE_NOT_IN_RELEASE', `the release has no bundle for site ${input.site}`,
        `Check the site id, and that sites/${input.site}.yaml exists and validates in the released commit.`);
    }
    await refuseUnlistedFiles(input, trusted);
    // The target's length and hash come from verified targets metadata; read exactly that many
    // bytes from the commit and check them here instead of going through a temporary file.
    const hashed = `targets/${hashPrefixedPath(targetPath, info.hashes['sha256'] ?? '')}`;
    let sealed: Uint8Array | null;
    try {
      sealed = await input.read(hashed, info.length);
    } catch (e) {
      if ((e as { code?: string }).code === 'GIT_BLOB_TOO_LARGE') throw rel('REL_OVERSIZE', `the bundle of ${input.site} is larger than its signed length`, 'The release branch was tampered with; do not use it.', e);
      throw e;
    }
    if (sealed === null) throw rel('REL_METADATA_MISSING', `${hashed} is missing from the release`, 'The release branch is incomplete; run writ release again.');
    if (sealed.length !== info.length) throw rel('REL_OVERSIZE', `the bundle of ${input.site} is ${sealed.length} bytes, not its signed ${info.length}`, 'The release branch was tampered with; do not use it.');
    if (createHash('sha256').update(sealed).digest('hex') !== info.hashes['sha256']) {
      throw rel('REL_TARGET_MISMATCH', `the bundle of ${input.site} does not match its signed hash`, 'The release branch was altered after signing; do not use it.');
    }
    let plain: Uint8Array;
    try {
      plain = openBundle(sealed, input.site, input.applianceKey.privateRaw, input.applianceKey.publicRaw);
    } catch (e) {
      if (e instanceof SealOpenError) throw rel(e.code, e.message, e.hint, e);
      throw e;
    }
    const bundleSha256 = createHash('sha256').update(plain).digest('hex');
    const custom = (info.custom ?? {}) as { bundle_sha256?: string; commit?: string };
    if (custom.bundle_sha256 !== bundleSha256) {
      throw rel('REL_BUNDLE_INVALID', 'the decrypted bundle does not match the digest signed in the targets metadata', 'Do not use this release; re-run writ release.');
    }
    let bundle: SiteBundle;
    try {
      bundle = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain)) as SiteBundle;
    } catch (e) {
      throw rel('REL_BUNDLE_INVALID', 'the bundle is not UTF-8 JSON', 'Do not use this release; re-run writ release.', e);
    }
    if (bundle.format !== BUNDLE_FORMAT || bundle.site?.id !== input.site) {
      throw rel('REL_BUNDLE_INVALID', `the bundle is not a ${BUNDLE_FORMAT} bundle for site ${input.site}`, 'Do not use this release; re-run writ release.');
    }
    const root = trusted.root;
    const signersOf = (role: 'root' | 'targets' | 'snapshot' | 'timestamp', md: { signatures: Record<string, unknown> }) => ({
      role, keyIds: Object.keys(md.signatures).filter((k) => root.signed.roles[role]?.keyIDs.includes(k)).sort(),
    });
    return {
      version: trusted.targets.signed.version,
      bundleSha256,
      commit: String(custom.commit ?? bundle.source.commit),
      expires: { root: root.signed.expires, targets: trusted.targets.signed.expires, snapshot: trusted.snapshot.signed.expires, timestamp: trusted.timestamp.signed.expires },
      signers: [signersOf('root', root), signersOf('targets', trusted.targets), signersOf('snapshot', trusted.snapshot), signersOf('timestamp', trusted.timestamp)],
      bundle,
    };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

const ROLE_HINTS: Partial<Record<ReleaseReason, string>> = {
  REL_DUPLICATE_SIGNATURE: 'The same key signed twice; a key counts once toward a threshold.',
  REL_KEY_OUTSIDE_ROLE: 'A key signed metadata of a role it does not belong to; only the role\'s own keys count.',
  REL_THRESHOLD_NOT_MET: 'Too few of the role\'s keys signed this metadata. Sign with more keys and release again.',
  REL_MIX_AND_MATCH: 'Metadata from different releases were mixed; do not use this release.',
  REL_EXPIRED: 'The release is frozen or stale: the App must re-sign it. Keep enforcing the last verified release.',
};

/** tuf-js wraps snapshot and targets failures in a RuntimeError; find the precise reason from the bytes. */
async function explainRoleFailure(e: Error, fetcher: GitTreeFetcher, input: VerifyReleaseInput, trusted: TrustedSet): Promise<ReleaseError> {
  const last = fetcher.reads[fetcher.reads.length - 1] ?? '';
  const role = /\.(snapshot|targets)\.json$/.exec(last)?.[1] as 'snapshot' | 'targets' | undefined;
  const cause = (e as { message: string }).message;
  if (!role) return rel('REL_METADATA_INVALID', `release verification failed: ${cause}`, 'Do not use this release.', e);
  // A timestamp that was already trusted (same version as served) and has since expired is refused
  // while snapshot loads; tuf-js reports it inside the wrapper.
  const timestampExpires = trusted.timestamp?.signed.expires;
  if (/timestamp\.json is expired/i.test(cause) || (timestampExpires !== undefined && Date.parse(timestampExpires) <= input.now.getTime())) {
    return rel('REL_EXPIRED', `the timestamp metadata has expired (${cause})`, ROLE_HINTS.REL_EXPIRED!, e);
  }
  if (/Max length reached|DownloadLengthMismatch|over \d+ bytes/.test(cause)) {
    return rel('REL_OVERSIZE', `${last} is larger than its signed length`, 'The release branch holds oversized data; do not use it.', e);
  }
  const bytes = await input.read(last, METADATA_LIMITS.targetsMaxLength).catch(() => null);
  if (!bytes) return rel('REL_METADATA_MISSING', `${last} is missing from the release`, 'Is the source the writ/releases branch? Run writ release to publish one.', e);
  const expected = role === 'snapshot'
    ? (trusted.timestamp?.signed as unknown as { snapshotMeta?: { version: number; length?: number; hashes?: Record<string, string> } }).snapshotMeta
    : (trusted.snapshot?.signed as unknown as { meta?: Record<string, { version: number; length?: number; hashes?: Record<string, string> }> }).meta?.['targets.json'];
  const reason = diagnoseRoleFailure({
    bytes, role, root: trusted.root as unknown as Metadata<never>, rootJson: trusted.root.toJSON() as never, expected, now: input.now,
  });
  return rel(reason, `${last}: ${role} metadata refused (${reason})`, ROLE_HINTS[reason] ?? 'The release branch is corrupt; do not use it.', e);
}

interface SignedMd {
  signed: { version: number; expires: string; roles: Record<string, { keyIDs: string[] }>; targets?: Record<string, { hashes: Record<string, string> }> };
  signatures: Record<string, unknown>;
}
interface TrustedSet {
  root: SignedMd & { toJSON(): unknown };
  timestamp: SignedMd;
  snapshot: SignedMd;
  targets: SignedMd;
}

/** A timestamp or snapshot older than the one already trusted is a rollback, refused before tuf-js runs. */
async function refuseRollback(read: ReleaseFileReader, metadataDir: string): Promise<void> {
  const trustedTs = join(metadataDir, 'timestamp.json');
  if (!existsSync(trustedTs)) return;
  const had = (JSON.parse(readFileSync(trustedTs, 'utf8')) as { signed: { version: number; snapshot_meta?: unknown; meta?: Record<string, { version: number }> } }).signed;
  const bytes = await read('metadata/timestamp.json', METADATA_LIMITS.timestampMaxLength);
  if (!bytes) return;
  let got: typeof had;
  try {
    got = (JSON.parse(new TextDecoder().decode(bytes)) as { signed: typeof had }).signed;
  } catch {
    return; // tuf-js reports malformed metadata
  }
  const snapHad = had.meta?.['snapshot.json']?.version ?? 0;
  const snapGot = got.meta?.['snapshot.json']?.version ?? 0;
  if (got.version < had.version || snapGot < snapHad) {
    throw rel('REL_ROLLBACK', `the release offered (timestamp ${got.version}, snapshot ${snapGot}) is older than the one already trusted (timestamp ${had.version}, snapshot ${snapHad})`,
      'Someone replaced the release branch with an older one. Keep enforcing the last verified release and alert the MSP.');
  }
}

/**
 * Every file under targets/ must be listed by the trusted targets metadata, or by a kept older
 * targets metadata that one of the root versions on the verified chain signed.
 */
async function refuseUnlistedFiles(input: VerifyReleaseInput, trusted: TrustedSet): Promise<void> {
  const allowed = new Set<string>();
  const addListing = (targets: Record<string, { hashes: Record<string, string> }> | undefined) => {
    for (const [path, info] of Object.entries(targets ?? {})) allowed.add(`targets/${hashPrefixedPath(path, Object.values(info.hashes)[0] ?? '')}`);
  };
  addListing(trusted.targets.signed.targets);
  const roots: Metadata<never>[] = [trusted.root as unknown as Metadata<never>];
  const pinned = (JSON.parse(new TextDecoder().decode(input.trustedRoot)) as { signed: { version: number } }).signed.version;
  for (let v = pinned; v < trusted.root.signed.version; v++) {
    const bytes = await input.read(`metadata/${v}.root.json`, METADATA_LIMITS.rootMaxLength).catch(() => null);
    if (!bytes) continue;
    try {
      roots.push(Metadata.fromJSON(MetadataKind.Root, JSON.parse(new TextDecoder().decode(bytes))) as unknown as Metadata<never>);
    } catch {
      // tuf-js already walked the chain; an unreadable old root simply vouches for nothing
    }
  }
  const current = trusted.targets.signed.version;
  for (let v = current - 1; v >= Math.max(1, current - 5); v--) {
    const bytes = await input.read(`metadata/${v}.targets.json`, METADATA_LIMITS.targetsMaxLength).catch(() => null);
    if (!bytes) continue;
    let md: Metadata<never>;
    try {
      md = Metadata.fromJSON(MetadataKind.Targets, JSON.parse(new TextDecoder().decode(bytes))) as unknown as Metadata<never>;
    } catch {
      continue;
    }
    const signedBy = roots.some((root) => {
      try {
        root.verifyDelegate('targets', md);
        return true;
      } catch {
        return false;
      }
    });
    if (signedBy) addListing((md.signed as unknown as { targets: Record<string, { hashes: Record<string, string> }> }).targets);
  }
  const extra = (await input.listTargetFiles()).filter((p) => !allowed.has(p));
  if (extra.length > 0) {
    throw rel('REL_UNLISTED_FILE', `the release holds ${extra.length} file(s) no signed metadata lists: ${extra.slice(0, 3).join(', ')}`,
      'The release branch was tampered with (a file was added after signing). Keep enforcing the last verified release and alert the MSP.');
  }
}

async function classify(e: unknown, fetcher: GitTreeFetcher, read: ReleaseFileReader, trustedRoot: Parameters<typeof diagnoseSignatures>[2]): Promise<ReleaseError> {
  if (e instanceof ReleaseError) return e;
  const last = fetcher.reads[fetcher.reads.length - 1] ?? '';
  const role = /(?:^|\/)(?:\d+\.)?(root|targets|snapshot|timestamp)\.json$/.exec(last)?.[1] ?? 'unknown';
  const msg = e instanceof Error ? e.message : String(e);
  if (e instanceof tufErrors.ExpiredMetadataError) {
    return rel('REL_EXPIRED', `the ${role} metadata has expired (${msg})`, 'The release is frozen or stale: the App must re-sign it. Keep enforcing the last verified release; check the clock (--now) if this is unexpected.', e);
  }
  if (e instanceof tufErrors.DownloadLengthMismatchError) {
    return rel('REL_OVERSIZE', `${last} is larger than the limit for ${role} metadata`, 'The release branch holds oversized data (an endless-data attack or a broken release); do not use it.', e);
  }
  if (e instanceof tufErrors.DownloadHTTPError) {
    return rel('REL_METADATA_MISSING', `${last} is missing from the release`, 'Is the source the writ/releases branch? Run writ release to publish one.', e);
  }
  if (e instanceof modelErrors.UnsignedMetadataError || (e instanceof modelErrors.ValueError && /signature/i.test(msg))) {
    const bytes = last ? await read(last, METADATA_LIMITS.targetsMaxLength).catch(() => null) : null;
    const reason = role === 'root' && /\d+\.root\.json$/.test(last) ? 'REL_ROOT_CHAIN_BROKEN' : bytes ? diagnoseSignatures(bytes, role, trustedRoot) : 'REL_THRESHOLD_NOT_MET';
    const hints: Partial<Record<ReleaseReason, string>> = {
      REL_ROOT_CHAIN_BROKEN: 'A new root version must be signed by a threshold of the previous root keys and of its own; this one is not. Keep the pinned root.',
      REL_DUPLICATE_SIGNATURE: 'The same key signed twice; a key counts once toward a threshold.',
      REL_KEY_OUTSIDE_ROLE: 'A key signed metadata of a role it does not belong to; only the role\'s own keys count.',
      REL_THRESHOLD_NOT_MET: 'Too few of the role\'s keys signed this metadata. Sign with more keys (writ keys) and release again.',
    };
    return rel(reason, `${last}: ${role} signatures do not verify (${msg})`, hints[reason] ?? 'Do not use this release.', e);
  }
  if (e instanceof modelErrors.LengthOrHashMismatchError || e instanceof tufErrors.BadVersionError) {
    return rel('REL_MIX_AND_MATCH', `${last} does not match what the signed ${role === 'targets' ? 'snapshot' : 'timestamp'} says (${msg})`,
      'Metadata from different releases were mixed; do not use this release.', e);
  }
  if (e instanceof SyntaxError || e instanceof TypeError || e instanceof modelErrors.ValueError || e instanceof tufErrors.ValueError) {
    return rel('REL_METADATA_INVALID', `${last} is not valid TUF metadata (${msg})`, 'The release branch is corrupt; do not use it.', e);
  }
  return rel('REL_METADATA_INVALID', `release verification failed at ${last || 'the start'}: ${msg}`, 'Do not use this release.', e);
}
