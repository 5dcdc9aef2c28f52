/**
 * Writes the auditor site's fixture (policy repo with git history and releases, 30 days of signed
 * evidence for three clinics, one with a tampered record) into a folder:
 *
 *   node --import tsx scripts/generate-site-fixture.ts OUT_DIR [--seed SEED] [--days N] [--no-releases]
 *
 * Prints a JSON summary (where the broken record, the hostile text and the unreachable host are,
 * and the fixed build time to pass to writ site build --now).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateSiteFixture } from './generate-site-fixture-lib.js';

const { values, positionals } = parseArgs({ options: { seed: { type: 'string' }, days: { type: 'string' }, 'no-releases': { type: 'boolean' } }, allowPositionals: true });
if (positionals.length !== 1) {
  console.error('usage: generate-site-fixture OUT_DIR [--seed SEED] [--days N] [--no-releases]');
  process.exit(2);
}
const fixture = await generateSiteFixture({
  out: resolve(positionals[0]!), source: resolve(import.meta.dirname, '..', import.meta.dirname.includes('/dist/') ? '..' : '.'),
  ...(values.seed ? { seed: values.seed } : {}), ...(values.days ? { days: Number(values.days) } : {}), releases: !values['no-releases'],
});
console.log(JSON.stringify(fixture, null, 2));
