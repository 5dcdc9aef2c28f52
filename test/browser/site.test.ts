import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../adapters/browser/chromium.js';
import { serveStatic, type StaticServer } from '../../adapters/site-build/serve-static.js';
import type { ClinicData, HostData } from '../../core/site/site-model.js';
import { controlFileId } from '../../core/site/site-model.js';
import { screenshot, seriousAxeViolations } from './browser-helpers.js';
import { buildFixtureSite, type BuiltFixtureSite } from './site-fixture.js';

let site: BuiltFixtureSite;
let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  site = await buildFixtureSite();
  server = await serveStatic({ dir: site.out, port: 0 });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  site?.cleanup();
});

const enc = encodeURIComponent;

/** One URL of every page kind, for the clinic given. */
function pagesOf(clinic: string): Record<string, string> {
  const host = site.page('host', { site: clinic });
  const day = site.page('day', { site: clinic });
  const packet = site.page('packet', { site: clinic });
  const control = site.page('control');
  const runbook = site.page('runbook');
  return {
    fleet: '/', releases: '/releases/', controls: '/controls/', runbooks: '/runbooks/', search: '/search/',
    clinic: `/clinics/${enc(clinic)}/`, host: `/clinics/${enc(clinic)}/hosts/${enc(host.host!)}/`,
    day: `/clinics/${enc(clinic)}/days/${day.day}/`, packet: `/clinics/${enc(clinic)}/packet/${packet.month}/`,
    control: `/controls/${controlFileId(control.id!)}/`, runbook: `/runbooks/${enc(runbook.id!)}/`,
  };
}

/** A page that records console errors (CSP violations land there), page errors and dialogs. */
async function watched(context: BrowserContext): Promise<{ page: Page; errors: string[]; dialogs: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  return { page, errors, dialogs };
}

describe('auditor site in Chromium', () => {
  it("the fixture's broken clinic and hostile record are where the generator put them", () => {
    expect(site.brokenSite).toBe(site.fixture.broken.site);
    expect(site.hostile).toMatchObject({ site: site.fixture.hostile.site, day: site.fixture.hostile.day });
  });

  it('writ site build summarises what it built', () => {
    expect(site.stdout).toMatch(/Built the auditor site in .*\n\s+\d+ pages: \d+ clinics, \d+ hosts, \d+ clinic-days, \d+ OSCAL files\n\s+\d+ evidence records, [1-9]\d* broken chains? \(BROKEN/);
  });

  it('is navigable without JavaScript across every page kind: fleet → clinic → host → record → release, runbook version, control, packet, OSCAL', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const { page, errors } = await watched(context);
      const clinic = site.readData<ClinicData>(site.page('clinic', { site: site.okSite }).data);
      await page.goto(server.url);
      await expect(page.locator('h1').textContent()).resolves.toBe('Fleet overview');
      await page.getByRole('link', { name: clinic.name, exact: true }).first().click();
      await page.waitForURL(`**/clinics/${site.okSite}/`);
      const hostId = clinic.matrix[0]!.host;
      await page.getByRole('link', { name: hostId, exact: true }).first().click();
      await page.waitForURL(`**/clinics/${site.okSite}/hosts/${hostId}/`);
      const host = site.readData<HostData>(site.page('host', { site: site.okSite, host: hostId }).data);
      const cell = host.latest.find((c) => c.ref.release && c.ref.runbook?.version)!;
      expect(cell, 'a latest check with a release and a runbook version').toBeDefined();
      // The record, then what produced it: the release and the runbook version.
      await page.getByRole('link', { name: `record ${cell.ref.appliance}#${cell.ref.index}`, exact: true }).first().click();
      await page.waitForURL(`**/days/${cell.ref.day}/#r-${cell.ref.appliance}-${cell.ref.index}`);
      const record = page.locator(`#r-${cell.ref.appliance}-${cell.ref.index}`);
      await expect(record.count()).resolves.toBe(1);
      await expect(record.textContent()).resolves.toMatch(/verified|beyond last checkpoint/);
      await record.getByRole('link', { name: `runbook ${cell.ref.runbook!.id} v${cell.ref.runbook!.version}` }).click();
      await page.waitForURL(`**/runbooks/${cell.ref.runbook!.id}/#version-${cell.ref.runbook!.version}`);
      await expect(page.locator(`[id="version-${cell.ref.runbook!.version}"]`).count()).resolves.toBe(1);
      await expect(page.locator('pre.code').first().textContent()).resolves.toContain(cell.ref.runbook!.id);
      await page.goBack();
      await page.locator(`#r-${cell.ref.appliance}-${cell.ref.index}`).getByRole('link', { name: `release ${cell.ref.release!.version}`, exact: true }).click();
      await page.waitForURL(`**/releases/#release-${cell.ref.release!.version}`);
      await expect(page.locator(`#release-${cell.ref.release!.version}`).textContent()).resolves.toContain(cell.ref.release!.digest);
      // Controls, then the packet and its OSCAL file.
      await page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'HIPAA controls' }).click();
      await page.locator('main table a').first().click();
      await page.waitForURL('**/controls/*/');
      await expect(page.locator('h1').textContent()).resolves.toMatch(/^[a-z]+:/);
      await page.goto(server.url + `clinics/${site.okSite}/`);
      const month = clinic.months[0]!;
      await page.getByRole('link', { name: `Packet ${month}`, exact: true }).click();
      await page.waitForURL(`**/packet/${month}/`);
      await expect(page.locator('h1').textContent()).resolves.toContain(month);
      const oscal = await page.request.get(server.url + `oscal/${site.okSite}-${month}.json`);
      expect(oscal.status()).toBe(200);
      expect(Object.keys(await oscal.json())).toContain('assessment-results');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('every internal link of every page resolves, anchors included', () => {
    const htmlFiles = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? htmlFiles(join(dir, e.name)) : e.name.endsWith('.html') ? [join(dir, e.name)] : []);
    const ids = new Map<string, Set<string>>();
    const idsOf = (file: string) => {
      let set = ids.get(file);
      if (!set) {
        set = new Set([...readFileSync(file, 'utf8').matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
        ids.set(file, set);
      }
      return set;
    };
    const problems: string[] = [];
    let links = 0;
    for (const file of htmlFiles(site.out)) {
      const from = '/' + relative(site.out, file);
      for (const m of readFileSync(file, 'utf8').matchAll(/\shref="([^"]*)"/g)) {
        const href = m[1]!.replace(/&amp;/g, '&');
        if (/^(data:|https?:)/.test(href)) continue;
        links++;
        const [path, frag] = href.split('#') as [string, string | undefined];
        const target = path === '' ? file : join(site.out, decodeURIComponent(path), path.endsWith('/') ? 'index.html' : '');
        if (!path.startsWith('/') && path !== '') problems.push(`${from}: relative link ${href}`);
        else if (!existsSync(target) || !statSync(target).isFile()) problems.push(`${from}: ${href} leads nowhere`);
        else if (frag && !idsOf(target).has(decodeURIComponent(frag))) problems.push(`${from}: ${href} has no #${frag}`);
      }
    }
    expect(links).toBeGreaterThan(100);
    expect(problems.slice(0, 20)).toEqual([]);
  });

  it('every page kind loads under its CSP with no error, and axe-core finds no serious or critical violation', async () => {
    const strict = await browser.newContext();
    const axeContext = await browser.newContext({ bypassCSP: true });
    try {
      for (const clinic of [site.okSite, site.brokenSite]) {
        for (const [kind, path] of Object.entries(pagesOf(clinic))) {
          const { page, errors } = await watched(strict);
          const res = await page.goto(server.url + path.slice(1));
          expect(res?.status(), path).toBe(200);
          await expect(page.locator('meta[http-equiv="Content-Security-Policy"]').count(), path).resolves.toBe(1);
          await expect(page.locator('main h1').count(), path).resolves.toBe(1);
          await screenshot(page, `${clinic === site.brokenSite ? 'broken' : 'ok'}-${kind}`);
          expect(errors, path).toEqual([]);
          await page.close();
          // axe once per page kind (the intact clinic), plus the broken clinic's banner page.
          if (clinic === site.okSite || kind === 'clinic') {
            const a = await axeContext.newPage();
            await a.goto(server.url + path.slice(1));
            expect(await seriousAxeViolations(a), path).toEqual([]);
            await a.close();
          }
        }
      }
    } finally {
      await strict.close();
      await axeContext.close();
    }
  }, 400_000);

  it('Pagefind search finds a host by name', async () => {
    const context = await browser.newContext();
    try {
      const { page, errors } = await watched(context);
      const host = site.page('host', { site: site.okSite });
      await page.goto(server.url + 'search/');
      await page.locator('#search input').fill(host.host!);
      const hit = page.locator(`.pagefind-ui__result-link[href*="/hosts/${host.host}/"]`).first();
      await hit.waitFor({ timeout: 20_000 });
      await screenshot(page, 'search-host');
      await hit.click();
      await page.waitForURL(`**/hosts/${host.host}/`);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('a broken chain is impossible to miss on every page of that clinic, and absent from an intact one', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      for (const kind of ['clinic', 'host', 'day', 'packet'] as const) {
        await page.goto(server.url + pagesOf(site.brokenSite)[kind]!.slice(1));
        const banner = page.getByTestId('broken-banner');
        await expect(banner.isVisible(), kind).resolves.toBe(true);
        await expect(banner.textContent(), kind).resolves.toMatch(/BROKEN/);
        // Above the fold: the banner starts in the first screenful.
        expect((await banner.boundingBox())!.y, kind).toBeLessThan(300);
        await page.goto(server.url + pagesOf(site.okSite)[kind]!.slice(1));
        await expect(page.getByTestId('broken-banner').count(), `${kind} of the intact clinic`).resolves.toBe(0);
      }
      await page.goto(server.url);
      await expect(page.getByTestId('broken-banner').textContent()).resolves.toContain(site.fleet.clinics.find((c) => c.site === site.brokenSite)!.name);
      // The records from the break on say BROKEN in words.
      const clinic = site.readData<ClinicData>(site.page('clinic', { site: site.brokenSite }).data);
      const brokenChain = clinic.chains.find((c) => c.status === 'broken')!;
      const brokenDay = site.manifest.pages.filter((p) => p.kind === 'day' && p.site === site.brokenSite)
        .map((p) => site.readData<{ day: string; records: { ref: { verification: string; appliance: string } }[] }>(p.data))
        .find((d) => d.records.some((r) => r.ref.verification === 'broken' && r.ref.appliance === brokenChain.appliance))!;
      await page.goto(server.url + `clinics/${site.brokenSite}/days/${brokenDay.day}/`);
      await expect(page.locator('article.record.vfr-broken').first().textContent()).resolves.toContain('BROKEN');
      await screenshot(page, 'broken-day');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('evidence holding <img onerror> and </script> is inert text: no dialog, no element made from it', async () => {
    const context = await browser.newContext();
    try {
      const { page, dialogs, errors } = await watched(context);
      const { site: clinic, day, anchor } = site.hostile;
      await page.goto(server.url + `clinics/${clinic}/days/${day}/#${anchor}`);
      const record = page.locator(`#${anchor}`);
      await record.locator('summary').click();
      const text = (await record.textContent()) ?? '';
      expect(text).toContain('<img src=x onerror=');
      expect(text).toContain('</script>');
      await expect(page.locator('main img').count()).resolves.toBe(0);
      await expect(page.locator('main script').count()).resolves.toBe(0);
      await page.waitForTimeout(300);
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
      const html = readFileSync(join(site.out, `clinics/${clinic}/days/${day}/index.html`), 'utf8');
      expect(html).not.toMatch(/<img src=x/i);
      expect(html.match(/<script/g) ?? []).toEqual([]);
      await screenshot(page, 'hostile-record');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('the packet prints: navigation hidden, content kept', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(server.url + pagesOf(site.okSite)['packet']!.slice(1));
      await page.emulateMedia({ media: 'print' });
      await expect(page.locator('.site-header').isVisible()).resolves.toBe(false);
      await expect(page.locator('main h1').isVisible()).resolves.toBe(true);
      await screenshot(page, 'packet-print');
    } finally {
      await context.close();
    }
  }, 60_000);
});
