import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors/writ-error.js';
import { referenceTime } from '../../adapters/clock/system-clock.js';
import { initKeyDir, rotateRole } from '../../adapters/keys/key-dir.js';
import type { CliIo } from '../io.js';

export const KEYS_HELP = `Usage: writ keys init --dir DIR [--root-keys N --root-threshold M] [--targets-keys N --targets-threshold M]
                      [--snapshot-keys N] [--timestamp-keys N] [--root-expires-days D] [--now ISO]
       writ keys rotate --dir DIR --role root|targets|snapshot|timestamp [--keys N --threshold M] [--now ISO]

A local key ceremony for tests and demos: makes Ed25519 keys for the TUF roles root, targets,
snapshot and timestamp (private keys in files with mode 0600) and root.json, version 1, signed by
the root keys — the trust anchor every appliance pins. Never commit the folder to git. In
production, root keys stay offline with separate holders (m-of-n).

Defaults: 1 root key (threshold 1), 1 targets key, 1 snapshot key, 1 timestamp key; root expires in 365 days.

rotate replaces every key of a role (revoking a lost or leaked key): the old private keys move to
DIR/revoked/, and the next root version (roots/N.root.json) is signed by the current root keys and,
for a root rotation, by the new root keys too, so appliances follow the chain. The next writ
release publishes it.
`;

/** `writ keys init`. */
export async function keysCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.stdout(KEYS_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'rotate') return rotate(rest, io);
  if (sub !== 'init') throw new UsageError(`unknown subcommand "keys ${sub}"`, { hint: 'Use writ keys init --dir DIR or writ keys rotate --dir DIR --role ROLE.' });
  const { values } = parseArgs({
    args: [...rest],
    options: {
      dir: { type: 'string' },
      'root-keys': { type: 'string', default: '1' }, 'root-threshold': { type: 'string', default: '1' },
      'targets-keys': { type: 'string', default: '1' }, 'targets-threshold': { type: 'string', default: '1' },
      'snapshot-keys': { type: 'string', default: '1' }, 'snapshot-threshold': { type: 'string', default: '1' },
      'timestamp-keys': { type: 'string', default: '1' }, 'timestamp-threshold': { type: 'string', default: '1' },
      'root-expires-days': { type: 'string', default: '365' },
      now: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout(KEYS_HELP);
    return 0;
  }
  if (!values.dir) throw new UsageError('writ keys init needs --dir', { hint: 'Pass a new, empty folder outside any git repository: --dir ~/writ-keys.' });
  const count = (name: string, min: number, max: number) => {
    const raw = (values as unknown as Record<string, string>)[name]!;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got ${raw})`, { hint: 'Thresholds cannot exceed the number of keys.' });
    return n;
  };
  const counts = {} as Parameters<typeof initKeyDir>[1]['counts'];
  for (const role of ['root', 'targets', 'snapshot', 'timestamp'] as const) {
    const keys = count(`${role}-keys`, 1, 20);
    counts[role] = { keys, threshold: count(`${role}-threshold`, 1, keys) };
  }
  const now = referenceTime(values.now, io.env['WRIT_NOW']);
  const dir = resolve(io.cwd, values.dir);
  const out = initKeyDir(dir, { counts, now, rootExpirySeconds: count('root-expires-days', 1, 3650) * 86400 });
  io.stdout(`Key set written to ${dir} (private keys mode 0600; never commit this folder).\n`);
  for (const role of ['root', 'targets', 'snapshot', 'timestamp'] as const) {
    io.stdout(`  ${role.padEnd(10)} ${counts[role].threshold} of ${counts[role].keys}: ${out.keyIds[role].map((k) => k.slice(0, 12)).join(', ')}\n`);
  }
  io.stdout(`Trust anchor for appliances: ${out.rootPath}\n`);
  return 0;
}

async function rotate(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { dir: { type: 'string' }, role: { type: 'string' }, keys: { type: 'string' }, threshold: { type: 'string' }, now: { type: 'string' }, 'root-expires-days': { type: 'string', default: '365' } },
    strict: true,
  });
  if (!values.dir) throw new UsageError('writ keys rotate needs --dir', { hint: 'Pass the key folder writ keys init made.' });
  const role = values.role;
  if (role !== 'root' && role !== 'targets' && role !== 'snapshot' && role !== 'timestamp') {
    throw new UsageError(`--role must be root, targets, snapshot or timestamp (got ${role ?? 'nothing'})`, { hint: 'Name the role whose keys to replace.' });
  }
  const num = (raw: string | undefined, name: string, max = 20) => {
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}`, { hint: `Got ${raw}.` });
    return Number(raw);
  };
  const keys = num(values.keys, 'keys');
  const threshold = num(values.threshold, 'threshold');
  if (keys !== undefined && threshold !== undefined && threshold > keys) throw new UsageError('--threshold cannot exceed --keys', { hint: 'A role needs at least as many keys as its threshold.' });
  const now = referenceTime(values.now, io.env['WRIT_NOW']);
  const out = rotateRole(resolve(io.cwd, values.dir), role, {
    now, rootExpirySeconds: (num(values['root-expires-days'], 'root-expires-days', 3650) ?? 365) * 86400,
    ...(keys !== undefined ? { keys } : {}), ...(threshold !== undefined ? { threshold } : {}),
  });
  io.stdout(`Rotated ${role}: root version ${out.version} lists new key(s) ${out.keyIds.map((k) => k.slice(0, 12)).join(', ')}; old keys moved to revoked/.\nRun writ release to publish it.\n`);
  return 0;
}
