import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../../core/errors/writ-error.js';
import { SiteError } from '../../core/site/site-codes.js';
import { isSafeFileId } from '../../core/site/site-model.js';
import { referenceTime } from '../../adapters/clock/system-clock.js';
import { serveStatic } from '../../adapters/site-build/serve-static.js';
import type { CliIo } from '../io.js';
import { buildSite } from './site.js';

export const REPORT_HELP = `Usage: writ report --site ID --month YYYY-MM --out FILE.pdf (--site-dir DIR | --evidence DIR [--repo DIR])

Prints a clinic's monthly compliance packet to PDF with Chromium: the page
/clinics/<ID>/packet/<YYYY-MM>/ of the auditor site, with its print styles.

From a site already built by writ site build, pass --site-dir DIR (fast: nothing is rebuilt).
Otherwise pass --evidence DIR (and --repo DIR, default .): the site is built into a temporary
folder first, exactly as writ site build would, and removed afterwards.

Options:
  --site ID           clinic id (the site file's id)
  --month YYYY-MM     the month (UTC days)
  --out FILE.pdf      where the PDF goes
  --site-dir DIR      a built site
  --repo DIR          policy repository (default .), with --evidence
  --evidence DIR      evidence folder, with --repo
  --now ISO           reference time when building (default WRIT_NOW or the clock)

Chromium: /usr/bin/chromium (apt-get install chromium), or WRIT_CHROMIUM=PATH.
Exit codes: 0 written, 2 usage error, no such packet (SITE_PAGE_NOT_FOUND), or no Chromium (TOOL_UNAVAILABLE).
`;

/** The months a built site has packets for, per clinic folder. */
function monthsIn(siteDir: string, site: string): string[] {
  const dir = join(siteDir, 'clinics', site, 'packet');
  return existsSync(dir) ? readdirSync(dir).filter((m) => /^\d{4}-\d{2}$/.test(m)).sort() : [];
}

/** `writ report`. */
export async function reportCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      site: { type: 'string' }, month: { type: 'string' }, out: { type: 'string' }, 'site-dir': { type: 'string' },
      repo: { type: 'string' }, evidence: { type: 'string' }, now: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout(REPORT_HELP);
    return 0;
  }
  for (const need of ['site', 'month', 'out'] as const) {
    if (!values[need]) throw new UsageError(`writ report needs --${need}`, { hint: 'Run writ report --help for the options.' });
  }
  if (!isSafeFileId(values.site!)) throw new UsageError(`--site ${JSON.stringify(values.site)} is not a clinic id`, { hint: 'Use the id of a site file, e.g. clinic-northside.' });
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(values.month!)) throw new UsageError(`--month ${JSON.stringify(values.month)} is not YYYY-MM`, { hint: 'Write it like 2026-03.' });
  if (values['site-dir'] && (values.evidence || values.repo)) {
    throw new UsageError('writ report takes either --site-dir or --evidence/--repo, not both', { hint: 'Use --site-dir for a built site, or --evidence (and --repo) to build one.' });
  }
  if (!values['site-dir'] && !values.evidence) {
    throw new UsageError('writ report needs --site-dir DIR or --evidence DIR', { hint: 'Pass a site built by writ site build (--site-dir), or the evidence folder to build one (--evidence, with --repo).' });
  }
  const out = resolve(io.cwd, values.out!);
  if (!existsSync(dirname(out)) || !statSync(dirname(out)).isDirectory()) {
    throw new UsageError(`the folder of --out ${out} does not exist`, { hint: 'Create it first, or write the PDF elsewhere.' });
  }

  let siteDir: string;
  let temp: string | undefined;
  if (values['site-dir']) {
    siteDir = resolve(io.cwd, values['site-dir']);
    if (!existsSync(join(siteDir, 'index.html'))) throw new UsageError(`${siteDir} holds no built site (no index.html)`, { hint: 'Build one with writ site build, or pass --evidence instead.' });
  } else {
    temp = mkdtempSync(join(tmpdir(), 'writ-report-'));
    siteDir = join(temp, 'site');
    await buildSite({ repo: resolve(io.cwd, values.repo ?? '.'), evidence: resolve(io.cwd, values.evidence!), out: siteDir, now: referenceTime(values.now, io.env['WRIT_NOW']) });
  }
  try {
    const months = monthsIn(siteDir, values.site!);
    if (!months.includes(values.month!)) {
      throw new SiteError('SITE_PAGE_NOT_FOUND', `the site has no packet for ${values.site} in ${values.month}`, {
        hint: months.length ? `Months with a packet for ${values.site}: ${months.join(', ')}.` : `The site has no clinic ${values.site}, or it has no evidence; see the fleet page for the clinics.`,
        data: { site: values.site, month: values.month },
      });
    }
    const { launchChromium } = await import('../../adapters/browser/chromium.js');
    const { renderPdf } = await import('../../adapters/browser/render-pdf.js');
    const server = await serveStatic({ dir: siteDir, port: 0 });
    try {
      const browser = await launchChromium({ executablePath: io.env['WRIT_CHROMIUM'] });
      try {
        const path = `clinics/${encodeURIComponent(values.site!)}/packet/${values.month}/`;
        const { bytes } = await renderPdf(browser, { url: server.url + path, path: out });
        io.stdout(`Wrote ${out} (${bytes} bytes): compliance packet of ${values.site} for ${values.month}\n`);
      } finally {
        await browser.close();
      }
    } finally {
      await server.close();
    }
    return 0;
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}
