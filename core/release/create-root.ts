import { Metadata, Root } from '@tufjs/models';
import type { TopRole } from './signer.js';
import { tufEd25519Key } from './tuf-key.js';

export interface RoleSpec {
  /** Raw Ed25519 public keys. */
  keys: readonly Uint8Array[];
  threshold: number;
}

/**
 * An unsigned root metadata of the given version listing each role's keys and threshold, with
 * consistent snapshots on.
 *
 * @example
 * const root = createRoot({ root, targets, snapshot, timestamp }, 1, expires);
 */
export function createRoot(roles: Record<TopRole, RoleSpec>, version: number, expires: Date): Metadata<Root> {
  const keys: Record<string, unknown> = {};
  const roleMap: Record<string, { keyids: string[]; threshold: number }> = {};
  for (const [role, spec] of Object.entries(roles) as [TopRole, RoleSpec][]) {
    if (!Number.isInteger(spec.threshold) || spec.threshold < 1 || spec.threshold > spec.keys.length) {
      throw new RangeError(`role ${role}: a threshold of ${spec.threshold} needs between 1 and ${spec.keys.length} keys`);
    }
    const ids = spec.keys.map((raw) => {
      const { keyId, key } = tufEd25519Key(raw);
      keys[keyId] = key.toJSON();
      return keyId;
    });
    if (new Set(ids).size !== ids.length) throw new RangeError(`role ${role} lists the same key twice`);
    roleMap[role] = { keyids: ids, threshold: spec.threshold };
  }
  const signed = Root.fromJSON({
    _type: 'root', spec_version: '1.0.31', version, expires: isoSeconds(expires), consistent_snapshot: true, keys, roles: roleMap,
  } as never);
  return new Metadata(signed);
}

/** ISO time without milliseconds, the form TUF metadata uses. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
