import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors/writ-error.js';
import { referenceTime } from '../../adapters/clock/system-clock.js';
import { initKeyDir } from '../../adapters/keys/key-dir.js';
import type { CliIo } from '../io.js';

export const KEYS_HELP = `Usage: writ keys init --dir DIR [--root-keys N --root-threshold M] [--targets-keys N --targets-threshold M]
                      [--snapshot-keys N] [--timestamp-keys N] [--root-expires-days D] [--now ISO]

A local key ceremony for tests and demos: makes Ed25519 keys for the TUF roles root, targets,
snapshot and timestamp (private keys in files with mode 0600) and root.json, version 1, signed by
the root keys — the trust anchor every appliance pins. Never commit the folder to git. In
production, root keys stay offline with separate holders (m-of-n).

Defaults: 1 root key (threshold 1), 1 targets key, 1 snapshot key, 1 timestamp key; root expires in 365 days.
`;

/** `writ keys init`. */
export async function keysCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.stdout(KEYS_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'init') throw new UsageError(`unknown subcommand "keys ${sub}"`, { hint: 'Use writ keys init --dir DIR.' });
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
