import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors/writ-error.js';
import { initApplianceKeys } from '../../adapters/keys/appliance-keys.js';
import type { CliIo } from '../io.js';

export const APPLIANCE_HELP = `Usage: writ appliance init --site ID --dir DIR [--id APPLIANCE-ID]

Makes an appliance's keys in DIR/appliance.key (mode 0600): an X25519 key its site's release
bundles are encrypted to, and an Ed25519 key its evidence is signed with. Prints the public keys
as the appliances: entry to add to sites/<ID>.yaml.
`;

/** `writ appliance init`. */
export async function applianceCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.stdout(APPLIANCE_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'init') throw new UsageError(`unknown subcommand "appliance ${sub}"`, { hint: 'Use writ appliance init --site ID --dir DIR.' });
  const { values } = parseArgs({
    args: [...rest],
    options: { site: { type: 'string' }, dir: { type: 'string' }, id: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    strict: true,
  });
  if (values.help) {
    io.stdout(APPLIANCE_HELP);
    return 0;
  }
  if (!values.site || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(values.site)) {
    throw new UsageError('writ appliance init needs --site with a site id', { hint: 'Use the id of a file in sites/, e.g. --site clinic-northside.' });
  }
  if (!values.dir) throw new UsageError('writ appliance init needs --dir', { hint: 'Pass the appliance state folder, e.g. --dir /var/lib/writ.' });
  const id = values.id ?? `${values.site}-appl-1`;
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(id)) throw new UsageError(`--id ${id} is not a valid appliance id`, { hint: 'Lower-case letters, digits and dashes.' });
  const out = initApplianceKeys(resolve(io.cwd, values.dir), values.site, id);
  io.stdout(`Appliance key written to ${out.path} (mode 0600).\nAdd this to sites/${values.site}.yaml under appliances:\n\n` +
    `  - id: ${id}\n    encryption_key: ${out.encryptionKey}\n    signing_key: ${out.signingKey}\n`);
  return 0;
}
