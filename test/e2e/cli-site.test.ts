import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetData } from '../../core/site/site-model.js';
import { generateSiteFixture } from '../../scripts/generate-site-fixture-lib.js';
import { runCli, runCliAsync } from '../helpers/run-cli.js';

const BIN = join(import.meta.dirname, '../../cli/bin/writ.js');
const base = mkdtempSync(join(tmpdir(), 'writ-cli-site-'));
let fx: { repoDir: string; evidenceDir: string; now: string };
const out = join(base, 'site');
const data = join(base, 'data');
let fleet: FleetData;
let build: { code: number; stdout: string; stderr: string };

beforeAll(async () => {
  // Fewer days than the browser tests' fixture: these tests build the site four times.
  fx = await generateSiteFixture({ out: join(base, 'fixture'), source: join(import.meta.dirname, '../..'), days: 12 });
  build = await runCliAsync(['site', 'build', '--repo', fx.repoDir, '--evidence', fx.evidenceDir, '--out', out, '--data', data, '--now', fx.now]);
  fleet = JSON.parse(readFileSync(join(data, 'fleet.json'), 'utf8')) as FleetData;
}, 240_000);
afterAll(() => rmSync(base, { recursive: true, force: true }));

const pdfText = (file: string) => {
  const r = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
  return r.stdout.replace(/\s+/g, ' ');
};

describe('writ site build', () => {
  it('builds every page, the search index and the OSCAL files, and says what it built', () => {
    expect(build.code, build.stderr).toBe(0);
    expect(build.stdout).toMatch(/^Built the auditor site in /);
    expect(build.stdout).toMatch(new RegExp(`${fleet.clinics.length} clinics`));
    expect(existsSync(join(out, 'index.html'))).toBe(true);
    expect(existsSync(join(out, 'pagefind/pagefind-ui.js'))).toBe(true);
    expect(existsSync(join(out, '.writ-site'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(data, 'manifest.json'), 'utf8')) as { oscal: string[]; pages: { kind: string }[] };
    expect(manifest.oscal.length).toBeGreaterThan(0);
    for (const o of manifest.oscal) expect(readFileSync(join(out, 'oscal', o.split('/').pop()!), 'utf8')).toBe(readFileSync(join(data, o), 'utf8'));
    // One HTML page per manifest page (+ the controls, runbooks, search and 404 pages).
    const html = spawnSync('find', [out, '-name', '*.html'], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(html.length).toBe(manifest.pages.length + 4);
  });

  it('--format json gives the same summary as data', async () => {
    const again = join(base, 'again');
    const r = await runCliAsync(['site', 'build', '--repo', fx.repoDir, '--evidence', fx.evidenceDir, '--out', again, '--now', fx.now, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { pages: number; clinics: number; broken_chains: number; seconds: { total: number } };
    expect(s.clinics).toBe(fleet.clinics.length);
    expect(s.broken_chains).toBe(fleet.totals.broken_chains);
    // The same input and --now give the same pages.
    for (const page of ['index.html', `clinics/${fleet.clinics[0]!.site}/index.html`]) {
      expect(readFileSync(join(again, page), 'utf8')).toBe(readFileSync(join(out, page), 'utf8'));
    }
    // A folder writ built before is replaced by the next build.
    const over = await runCliAsync(['site', 'build', '--repo', fx.repoDir, '--evidence', fx.evidenceDir, '--out', again, '--now', fx.now, '--format', 'json']);
    expect(over.code, over.stderr).toBe(0);
  }, 240_000);

  it.each([
    [['site', 'build', '--out', 'x'], /CLI_USAGE: writ site build needs --evidence/],
    [['site', 'build', '--evidence', 'x'], /CLI_USAGE: writ site build needs --out/],
    [['site', 'frobnicate'], /CLI_USAGE: unknown subcommand "site frobnicate"/],
    [['site', 'serve'], /CLI_USAGE: writ site serve needs --dir/],
  ])('usage errors exit 2 with a hint: %j', (args, message) => {
    const r = runCli(args, { cwd: base });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/hint: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing evidence folder fails with a SITE_ code and a hint, and writes nothing', () => {
    const target = join(base, 'never');
    const r = runCli(['site', 'build', '--repo', fx.repoDir, '--evidence', join(base, 'no-such-evidence'), '--out', target, '--now', fx.now]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/writ: SITE_EVIDENCE_INVALID: .*\n\s+hint: /);
    expect(existsSync(join(target, 'index.html'))).toBe(false);
  });

  it('a missing repository fails with a code and a hint', () => {
    const r = runCli(['site', 'build', '--repo', join(base, 'no-such-repo'), '--evidence', fx.evidenceDir, '--out', join(base, 'never2'), '--now', fx.now]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/writ: (SITE_REPO_INVALID|REPO_READ_FAILED): .*\n\s+hint: /);
  });

  it('refuses to empty a non-empty folder it did not build', () => {
    const mine = join(base, 'precious');
    mkdirSync(mine);
    writeFileSync(join(mine, 'thesis.txt'), 'do not delete');
    const r = runCli(['site', 'build', '--repo', fx.repoDir, '--evidence', fx.evidenceDir, '--out', mine, '--now', fx.now]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SITE_BUILD_FAILED: .*not empty/);
    expect(readFileSync(join(mine, 'thesis.txt'), 'utf8')).toBe('do not delete');
  });
});

describe('writ site serve', () => {
  it('serves the built site on 127.0.0.1, refuses paths outside it, and stops on SIGINT', async () => {
    const child = spawn(process.execPath, [BIN, 'site', 'serve', '--dir', out, '--port', '0'], { env: { PATH: process.env['PATH'] ?? '' } });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no URL printed: ${stdout}`)), 20_000);
        child.stdout.on('data', () => {
          const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
          if (m) { clearTimeout(t); resolve(m[1]!); }
        });
      });
      const home = await fetch(url);
      expect(home.status).toBe(200);
      expect(home.headers.get('content-security-policy')).toMatch(/script-src 'self' 'wasm-unsafe-eval'/);
      expect(await home.text()).toContain('Fleet overview');
      const u = new URL(url);
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({ host: u.hostname, port: u.port, path: '/../../../../etc/passwd' }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(404);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/Stopped\./);
  }, 60_000);
});

describe('writ report', () => {
  it('prints a clinic-month packet to PDF from a built site', () => {
    const clinic = fleet.clinics[0]!;
    const month = clinic.last_day!.slice(0, 7);
    const pdf = join(base, 'packet.pdf');
    const r = runCli(['report', '--site', clinic.site, '--month', month, '--out', pdf, '--site-dir', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Wrote .*packet\.pdf \(\d+ bytes\)/);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf);
    expect(text).toContain(`Monthly compliance packet: ${clinic.name}, ${month}`);
    expect(text).toContain('Evidence integrity');
    expect(text).not.toContain('Skip to content');
  }, 120_000);

  it('builds the site itself from --repo and --evidence', async () => {
    const clinic = fleet.clinics.find((c) => c.chain.status === 'broken') ?? fleet.clinics[0]!;
    const month = clinic.first_day!.slice(0, 7);
    const pdf = join(base, 'built.pdf');
    const r = await runCliAsync(['report', '--site', clinic.site, '--month', month, '--out', pdf, '--repo', fx.repoDir, '--evidence', fx.evidenceDir, '--now', fx.now]);
    expect(r.code, r.stderr).toBe(0);
    const text = pdfText(pdf);
    expect(text).toContain(`Monthly compliance packet: ${clinic.name}, ${month}`);
    if (clinic.chain.status === 'broken') expect(text).toMatch(/Evidence chain BROKEN/);
  }, 240_000);

  it.each([
    ['no-such-clinic', ['--site', 'no-such-clinic', '--month', '2026-03', '--site-dir', 'SITE'], /SITE_PAGE_NOT_FOUND: the site has no packet for no-such-clinic/],
    ['path in the id', ['--site', '../etc', '--month', '2026-03', '--site-dir', 'SITE'], /CLI_USAGE: --site "..\/etc" is not a clinic id/],
    ['month 13', ['--site', 'a', '--month', '2026-13', '--site-dir', 'SITE'], /CLI_USAGE: --month "2026-13" is not YYYY-MM/],
    ['both sources', ['--site', 'a', '--month', '2026-03', '--site-dir', 'SITE', '--evidence', 'y'], /CLI_USAGE: writ report takes either/],
    ['no source', ['--site', 'a', '--month', '2026-03'], /CLI_USAGE: writ report needs --site-dir DIR or --evidence DIR/],
    ['not a site', ['--site', 'a', '--month', '2026-03', '--site-dir', 'BASE'], /CLI_USAGE: .* holds no built site/],
  ])('refuses %s with a code and a hint', (_name, args, message) => {
    const r = runCli(['report', ...args.map((a) => (a === 'SITE' ? out : a === 'BASE' ? base : a)), '--out', join(base, 'x.pdf')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/hint: /);
    expect(existsSync(join(base, 'x.pdf'))).toBe(false);
  });

  it('names the months it has when the month has no packet', () => {
    const clinic = fleet.clinics[0]!;
    const r = runCli(['report', '--site', clinic.site, '--month', '1999-01', '--out', join(base, 'x.pdf'), '--site-dir', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`hint: Months with a packet for ${clinic.site}: \\d{4}-\\d{2}`));
  });

  it('a missing Chromium is TOOL_UNAVAILABLE with the install hint', () => {
    const clinic = fleet.clinics[0]!;
    const r = runCli(['report', '--site', clinic.site, '--month', clinic.last_day!.slice(0, 7), '--out', join(base, 'x.pdf'), '--site-dir', out], { env: { WRIT_CHROMIUM: join(base, 'no-chromium') } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/TOOL_UNAVAILABLE: Chromium is not at .*\n\s+hint: Install it \(apt-get install chromium/);
  });
});

describe('writ --help', () => {
  it('lists site and report', () => {
    const r = runCli(['--help']);
    expect(r.stdout).toMatch(/\n {2}site {8}the auditor evidence site/);
    expect(r.stdout).toMatch(/\n {2}report {6}a clinic's monthly compliance packet as PDF/);
  });
});
