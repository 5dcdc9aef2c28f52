import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReleaseError } from '../../core/errors/release-error.js';
import { createRoot, type RoleSpec } from '../../core/release/create-root.js';
import { metadataBytes, signMetadata } from '../../core/release/sign-metadata.js';
import { TOP_ROLES, type Signer, type TopRole } from '../../core/release/signer.js';
import { ed25519Signer, generateEd25519 } from './ed25519-keys.js';
import { writeSecretFile } from './write-secret-file.js';

export interface KeyCeremonyOptions {
  counts: Record<TopRole, { keys: number; threshold: number }>;
  now: Date;
  rootExpirySeconds: number;
}

/**
 * A local key ceremony for tests and demos: `<role>-<n>.key` (PKCS#8 PEM, mode 0600) and
 * `<role>-<n>.pub` (hex) per key, and `root.json` (version 1, signed by the root keys) — the trust
 * anchor appliances pin. In production the root keys stay offline, each with its holder.
 *
 * @example
 * initKeyDir('/secure/keys', { counts: { root: { keys: 3, threshold: 2 }, … }, now, rootExpirySeconds });
 */
export function initKeyDir(dir: string, options: KeyCeremonyOptions): { rootPath: string; keyIds: Record<TopRole, string[]> } {
  if (existsSync(join(dir, 'root.json'))) {
    throw new ReleaseError('REL_KEYS_INVALID', `${dir} already holds a key set (root.json exists)`, { hint: 'Choose an empty folder; writ never overwrites keys.' });
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const specs = {} as Record<TopRole, RoleSpec>;
  const signers = {} as Record<TopRole, Signer[]>;
  for (const role of TOP_ROLES) {
    const { keys, threshold } = options.counts[role];
    const raws: Uint8Array[] = [];
    signers[role] = [];
    for (let i = 1; i <= keys; i++) {
      const pair = generateEd25519();
      writeSecretFile(join(dir, `${role}-${i}.key`), pair.privatePem);
      writeFileSync(join(dir, `${role}-${i}.pub`), Buffer.from(pair.publicRaw).toString('hex') + '\n');
      raws.push(pair.publicRaw);
      signers[role].push(ed25519Signer(pair.privatePem));
    }
    specs[role] = { keys: raws, threshold };
  }
  const root = createRoot(specs, 1, new Date(options.now.getTime() + options.rootExpirySeconds * 1000));
  signMetadata(root, signers.root);
  const rootPath = join(dir, 'root.json');
  writeFileSync(rootPath, metadataBytes(root));
  mkdirSync(join(dir, 'roots'), { recursive: true });
  writeFileSync(join(dir, 'roots', '1.root.json'), metadataBytes(root));
  return { rootPath, keyIds: Object.fromEntries(TOP_ROLES.map((r) => [r, signers[r].map((s) => s.keyId)])) as Record<TopRole, string[]> };
}

/** Signers for every `<role>-<n>.key` in the folder, refusing keys readable by others. */
export function loadRoleSigners(dir: string, role: TopRole): Signer[] {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => new RegExp(`^${role}-\\d+\\.key$`).test(f)).sort() : [];
  return files.map((f) => {
    const path = join(dir, f);
    if ((statSync(path).mode & 0o077) !== 0) {
      throw new ReleaseError('REL_KEYS_INVALID', `${path} is readable by other users`, { hint: `chmod 600 ${path}` });
    }
    try {
      return ed25519Signer(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new ReleaseError('REL_KEYS_INVALID', `${path} is not an Ed25519 private key`, { hint: 'Use the files writ keys init made.', cause: e });
    }
  });
}

/** Every root version the key folder holds (roots/N.root.json), by version. */
export function loadRootHistory(dir: string): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  const rootsDir = join(dir, 'roots');
  if (!existsSync(rootsDir)) return out;
  for (const f of readdirSync(rootsDir)) {
    const m = /^(\d+)\.root\.json$/.exec(f);
    if (m) out.set(Number(m[1]), new Uint8Array(readFileSync(join(rootsDir, f))));
  }
  return out;
}

/**
 * Replaces every key of one role with fresh keys (revoking the old ones) and writes the next root
 * version, signed by the current root keys and — when the root role itself rotates — by the new
 * root keys too, so appliances can follow the chain. Old private keys move to `revoked/`.
 *
 * @example
 * rotateRole('/secure/keys', 'targets', { now, rootExpirySeconds: 365 * 86400 });
 */
export function rotateRole(dir: string, role: TopRole, options: { now: Date; rootExpirySeconds: number; keys?: number; threshold?: number }): { version: number; keyIds: string[] } {
  const history = loadRootHistory(dir);
  if (history.size === 0) throw new ReleaseError('REL_KEYS_INVALID', `no root metadata in ${dir}/roots`, { hint: 'Run writ keys init first.' });
  const version = Math.max(...history.keys());
  const current = JSON.parse(new TextDecoder().decode(history.get(version)!)) as { signed: { keys: Record<string, { keyval: { public: string } }>; roles: Record<TopRole, { keyids: string[]; threshold: number }> } };
  const oldRootSigners = loadRoleSigners(dir, 'root');
  const specs = {} as Record<TopRole, RoleSpec>;
  for (const r of TOP_ROLES) {
    const info = current.signed.roles[r];
    specs[r] = { keys: info.keyids.map((id) => new Uint8Array(Buffer.from(current.signed.keys[id]!.keyval.public, 'hex'))), threshold: info.threshold };
  }
  const count = options.keys ?? specs[role].keys.length;
  const threshold = options.threshold ?? Math.min(specs[role].threshold, count);
  const revoked = join(dir, 'revoked', `v${version}`);
  mkdirSync(revoked, { recursive: true, mode: 0o700 });
  for (const f of readdirSync(dir).filter((name) => new RegExp(`^${role}-\\d+\\.(key|pub)$`).test(name))) {
    renameSync(join(dir, f), join(revoked, f));
  }
  const fresh: Signer[] = [];
  const raws: Uint8Array[] = [];
  for (let i = 1; i <= count; i++) {
    const pair = generateEd25519();
    writeSecretFile(join(dir, `${role}-${i}.key`), pair.privatePem);
    writeFileSync(join(dir, `${role}-${i}.pub`), Buffer.from(pair.publicRaw).toString('hex') + '\n');
    raws.push(pair.publicRaw);
    fresh.push(ed25519Signer(pair.privatePem));
  }
  specs[role] = { keys: raws, threshold };
  const next = createRoot(specs, version + 1, new Date(options.now.getTime() + options.rootExpirySeconds * 1000));
  signMetadata(next, role === 'root' ? [...oldRootSigners, ...fresh] : oldRootSigners);
  writeFileSync(join(dir, 'roots', `${version + 1}.root.json`), metadataBytes(next));
  return { version: version + 1, keyIds: fresh.map((s) => s.keyId) };
}
