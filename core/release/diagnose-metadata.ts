import { createHash } from 'node:crypto';
import { Metadata, MetadataKind, type Root } from '@tufjs/models';
import type { ReleaseReason } from '../errors/release-error.js';

interface RawMetadata {
  signed?: { _type?: string; version?: number; roles?: Record<string, { keyids?: string[]; threshold?: number }>; keys?: Record<string, unknown> };
  signatures?: { keyid?: string }[];
}

/**
 * Says precisely why a metadata file failed signature checks, from its bytes and the trusted root:
 * the same key counted twice, a signature from a key that belongs to another role, or simply too
 * few valid signatures.
 *
 * @example
 * diagnoseSignatures(bytes, 'targets', trustedRootJson); // 'REL_KEY_OUTSIDE_ROLE'
 */
export function diagnoseSignatures(bytes: Uint8Array, role: string, trustedRoot: RawMetadata): ReleaseReason {
  let md: RawMetadata;
  try {
    md = JSON.parse(new TextDecoder().decode(bytes)) as RawMetadata;
  } catch {
    return 'REL_METADATA_INVALID';
  }
  const ids = (md.signatures ?? []).map((s) => s.keyid ?? '');
  if (new Set(ids).size !== ids.length) return 'REL_DUPLICATE_SIGNATURE';
  const roleKeys = new Set(trustedRoot.signed?.roles?.[role]?.keyids ?? []);
  const allKeys = new Set(Object.keys(trustedRoot.signed?.keys ?? {}));
  if (ids.some((id) => !roleKeys.has(id) && allKeys.has(id))) return 'REL_KEY_OUTSIDE_ROLE';
  return 'REL_THRESHOLD_NOT_MET';
}

/**
 * Why snapshot or targets metadata was refused, checked in the order of the TUF client workflow:
 * duplicate signatures, then length, hash and version against what the signed parent (timestamp
 * or snapshot) says, then signatures, then expiry.
 */
export function diagnoseRoleFailure(input: {
  bytes: Uint8Array;
  role: 'snapshot' | 'targets';
  root: Metadata<Root>;
  rootJson: RawMetadata;
  expected: { version: number; length?: number | undefined; hashes?: Record<string, string> | undefined } | undefined;
  now: Date;
}): ReleaseReason {
  const { bytes, role, expected } = input;
  let json: RawMetadata;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes)) as RawMetadata;
  } catch {
    return 'REL_METADATA_INVALID';
  }
  const ids = (json.signatures ?? []).map((s) => s.keyid ?? '');
  if (new Set(ids).size !== ids.length) return 'REL_DUPLICATE_SIGNATURE';
  if (expected) {
    if (expected.length !== undefined && expected.length !== bytes.length) return 'REL_MIX_AND_MATCH';
    const want = expected.hashes?.['sha256'];
    if (want && want !== createHash('sha256').update(bytes).digest('hex')) return 'REL_MIX_AND_MATCH';
    if (json.signed?.version !== expected.version) return 'REL_MIX_AND_MATCH';
  }
  let md: Metadata<never>;
  try {
    md = (role === 'targets' ? Metadata.fromJSON(MetadataKind.Targets, json as never) : Metadata.fromJSON(MetadataKind.Snapshot, json as never)) as unknown as Metadata<never>;
  } catch {
    return 'REL_METADATA_INVALID';
  }
  try {
    input.root.verifyDelegate(role, md);
  } catch {
    return diagnoseSignatures(bytes, role, input.rootJson);
  }
  if ((md.signed as { isExpired(d: Date): boolean }).isExpired(input.now)) return 'REL_EXPIRED';
  return 'REL_METADATA_INVALID';
}
