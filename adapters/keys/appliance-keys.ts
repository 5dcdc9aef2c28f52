import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ReleaseError } from '../../core/errors/release-error.js';
import { generateEd25519 } from './ed25519-keys.js';
import { writeSecretFile } from './write-secret-file.js';

/** An appliance's secrets: the X25519 key its site's bundles are sealed to, and its evidence signing key. */
export interface ApplianceKeys {
  site: string;
  id: string;
  encryption: { privateRaw: Uint8Array; publicRaw: Uint8Array };
  signingPem: string;
  signingPublicRaw: Uint8Array;
}

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const raw = (s: string) => new Uint8Array(Buffer.from(s, 'base64url'));

/**
 * Makes an appliance's key pairs in `dir/appliance.key` (mode 0600) and returns the public halves
 * to put in the site file (`appliances:` entry).
 *
 * @example
 * const pub = initApplianceKeys('/var/lib/writ', 'clinic-northside', 'northside-appl-1');
 */
export function initApplianceKeys(dir: string, site: string, id: string): { path: string; encryptionKey: string; signingKey: string } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'appliance.key');
  if (existsSync(path)) throw new ReleaseError('REL_KEYS_INVALID', `${path} already exists`, { hint: 'writ never overwrites a key; choose another folder or remove the old appliance deliberately.' });
  const x = generateKeyPairSync('x25519');
  const xj = x.privateKey.export({ format: 'jwk' });
  const signing = generateEd25519();
  writeSecretFile(path, JSON.stringify({
    format: 'writ-appliance-key/v1', site, id,
    encryption: { private: xj.d, public: xj.x },
    signing: { private_pem: signing.privatePem, public: b64u(signing.publicRaw) },
  }, null, 2) + '\n');
  return { path, encryptionKey: String(xj.x), signingKey: b64u(signing.publicRaw) };
}

/** Reads an appliance key file, refusing one that other users can read. */
export function readApplianceKeys(path: string): ApplianceKeys {
  let data: { format?: string; site?: string; id?: string; encryption?: { private?: string; public?: string }; signing?: { private_pem?: string; public?: string } };
  try {
    if ((statSync(path).mode & 0o077) !== 0) throw new ReleaseError('REL_KEYS_INVALID', `${path} is readable by other users`, { hint: `chmod 600 ${path}` });
    data = JSON.parse(readFileSync(path, 'utf8')) as typeof data;
  } catch (e) {
    if (e instanceof ReleaseError) throw e;
    throw new ReleaseError('REL_KEYS_INVALID', `cannot read the appliance key ${path}`, { hint: 'Pass the appliance.key file writ appliance init made.', cause: e });
  }
  if (data.format !== 'writ-appliance-key/v1' || !data.encryption?.private || !data.encryption.public || !data.signing?.private_pem || !data.signing.public) {
    throw new ReleaseError('REL_KEYS_INVALID', `${path} is not a writ appliance key`, { hint: 'Pass the appliance.key file writ appliance init made.' });
  }
  return {
    site: String(data.site), id: String(data.id),
    encryption: { privateRaw: raw(data.encryption.private), publicRaw: raw(data.encryption.public) },
    signingPem: data.signing.private_pem, signingPublicRaw: raw(data.signing.public),
  };
}
