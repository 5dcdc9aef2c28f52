import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../adapters/browser/chromium.js';
import { runGit } from '../../testkit/git-http-server.js';
import { requireSshTools } from '../../testkit/sshd.js';
import { runCli, runCliAsync, type CliRun } from '../helpers/run-cli.js';

// `writ demo` as `npm start` runs it: the whole pipeline against this machine, in one state folder.
// Run 1 makes everything; run 2 reuses it and adds a day; run 3 leaves the SSH host out.

const NOW = '2026-11-18T16:00:00Z';
let top: string;
let state: string;
const runs: CliRun[] = [];

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const sshdFolders = () => readdirSync(tmpdir()).filter((n) => n.startsWith('writ-demo-sshd-'));

beforeAll(async () => {
  requireSshTools();
  top = mkdtempSync(join(tmpdir(), 'writ-e2e-demo-'));
  state = join(top, 'state');
}, 10_000);
afterAll(() => {
  if (top) rmSync(top, { recursive: true, force: true });
});

describe('writ demo', () => {
  it('runs the pipeline on this machine: checks, drift, what enforce would heal, evidence pushed and verified', async () => {
    const sshdBefore = new Set(sshdFolders());
    const run = await runCliAsync(['demo', '--state', state, '--now', NOW, '--no-serve'], { timeoutMs: 280_000 });
    runs.push(run);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const out = run.stdout;
    for (const stage of ['tools', 'keys', 'sshd', 'repo', 'validate', 'plan', 'release', 'serve git', 'agent', 'evidence', 'site']) {
      expect(out).toMatch(new RegExp(`^  ${stage}\\s+\\d+\\.\\d s  `, 'm'));
    }
    expect(out).toContain('writ demo, run 1: the demo clinic clinic-demo on 2026-11-18');
    expect(out).toContain('made TUF key set and appliance key');
    expect(out).toMatch(/plan\s+[\d.]+ s {2}2 host\(s\): \d+ rule entries added/);
    expect(out).toMatch(/version 1 signed to writ\/releases/);
    const checks = /^Checks: (\d+) run on 2 host\(s\) \(appliance via local, loopback-ssh via ssh\), audit mode: nothing was changed$/m.exec(out);
    expect(checks, out).not.toBeNull();
    expect(Number(checks![1])).toBeGreaterThanOrEqual(10);
    // What drifts depends on the machine (its own /etc decides); the sections are always there.
    expect(out).toMatch(/^Drift found:/m);
    expect(out).toMatch(/^Enforce mode would heal:/m);
    expect(out).toMatch(/Evidence: \d+ signed record\(s\) this run, pushed to writ\/evidence\/clinic-demo/);
    expect(out).toContain('over 1 day(s) (2026-11-18)');
    // The site is built from the verified evidence; --no-serve leaves it on disk.
    expect(out).toMatch(/^  site\s+[\d.]+ s  \d+ pages, \d+ records, 0 broken chains, in /m);
    expect(out).toContain(`Auditor site: built in ${join(state, 'site')}; not served (--no-serve)`);
    expect(readFileSync(join(state, 'site', 'clinics', 'clinic-demo', 'index.html'), 'utf8')).toContain('loopback-ssh');
    expect(out).toContain(`rm -rf ${state}`);
    expect(run.stderr).toBe('');
    // sshd's temporary folder is gone (and sshd with it).
    expect(sshdFolders().filter((n) => !sshdBefore.has(n))).toEqual([]);
  }, 300_000);

  it('a second run reuses the keys and the repository and adds one day of evidence', async () => {
    const rootBefore = sha(join(state, 'keys', 'root.json'));
    const applianceBefore = sha(join(state, 'appliance', 'appliance.key'));
    const run = await runCliAsync(['demo', '--state', state, '--no-serve'], { timeoutMs: 280_000 });
    runs.push(run);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toContain('writ demo, run 2: the demo clinic clinic-demo on 2026-11-19');
    expect(run.stdout).toContain('reused the key set and appliance key');
    expect(run.stdout).toMatch(/repo\s+[\d.]+ s {2}unchanged since the last run/);
    expect(run.stdout).toMatch(/plan\s+[\d.]+ s {2}no change since the last run/);
    expect(run.stdout).toMatch(/version 2 signed to writ\/releases/);
    expect(run.stdout).toContain('over 2 day(s) (2026-11-18 … 2026-11-19)');
    expect(sha(join(state, 'keys', 'root.json'))).toBe(rootBefore);
    expect(sha(join(state, 'appliance', 'appliance.key'))).toBe(applianceBefore);

    // The evidence branch verifies with writ evidence verify against the demo clinic's site file,
    // and holds one file per demo day; nothing was remediated (audit mode).
    const clone = join(top, 'evidence-clone');
    runGit(top, ['clone', '--quiet', '--branch', 'writ/evidence/clinic-demo', join(state, 'policy'), clone]);
    const chain = join(clone, 'clinic-demo', 'clinic-demo-appl-1');
    expect(readdirSync(chain).sort()).toEqual(['2026-11-18.jsonl', '2026-11-19.jsonl', 'checkpoints.jsonl']);
    const verified = runCli(['evidence', 'verify', '--dir', clone, '--keys', join(state, 'policy', 'sites', 'clinic-demo.yaml')]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toContain('clinic-demo/clinic-demo-appl-1: verified through');
    const statements = readFileSync(join(chain, '2026-11-19.jsonl'), 'utf8').trim().split('\n')
      .map((l) => JSON.parse(Buffer.from((JSON.parse(l) as { payload: string }).payload, 'base64').toString('utf8')) as { kind: string; host?: string });
    expect(statements[0]!.kind).toBe('cycle');
    expect(new Set(statements.filter((s) => s.host).map((s) => s.host))).toEqual(new Set(['appliance', 'loopback-ssh']));
    expect(statements.filter((s) => s.kind === 'remediation')).toEqual([]);
    expect(readFileSync(join(chain, '2026-11-19.jsonl'), 'utf8')).not.toContain('PRIVATE KEY');
  }, 300_000);

  it('--no-ssh leaves the SSH host out and says so', async () => {
    const run = await runCliAsync(['demo', '--state', state, '--no-ssh', '--no-serve'], { timeoutMs: 280_000 });
    runs.push(run);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toMatch(/tools\s+[\d.]+ s {2}git, shellcheck; SSH host skipped: skipped as asked \(--no-ssh\)/);
    expect(run.stdout).not.toMatch(/^ {2}sshd /m);
    expect(run.stdout).toContain('SSH host skipped: skipped as asked (--no-ssh)');
    expect(run.stdout).toMatch(/^Checks: \d+ run on 1 host\(s\) \(appliance via local\)/m);
    // The site file lost its SSH host: the plan shows that change, and the release carries it.
    expect(run.stdout).toMatch(/plan\s+[\d.]+ s {2}\d+ host\(s\): 0 rule entries added, 0 changed, \d+ removed/);
    expect(readFileSync(join(state, 'policy', 'sites', 'clinic-demo.yaml'), 'utf8')).not.toContain('loopback-ssh');
    expect(run.stdout).toContain('over 3 day(s)');
  }, 300_000);

  it('refuses a state folder it did not make, and a bad --now, with a hint and no stack', () => {
    const foreign = join(top, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine\n');
    const run = runCli(['demo', '--state', foreign]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^writ: DEMO_STATE_INVALID: .*foreign is not empty and was not made by writ demo \(no WRIT-DEMO\)/);
    expect(run.stderr).toContain('hint: Pass --state with a new or empty folder');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(foreign)).toEqual(['notes.txt']);

    const bad = runCli(['demo', '--state', join(top, 'other'), '--now', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('CLI_USAGE');
    // Evidence only moves forward: the state of the runs above is at 2026-11-20.
    const back = runCli(['demo', '--state', state, '--now', NOW]);
    expect(back.code).toBe(2);
    expect(back.stderr).toContain('writ: CLI_USAGE: --now 2026-11-18T16:00:00.000Z is not after the last run (2026-11-20T16:00:00.000Z)');
  });
  it('serves the site on loopback: Chromium shows the demo clinic, its hosts and the day\'s verified evidence; Ctrl-C stops it', async () => {
    const child = spawn(process.execPath, [join(import.meta.dirname, '../../cli/bin/writ.js'), 'demo', '--state', state], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL within 240 s:\n${out}\n${err}`)), 240_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /Serving the auditor site at (http:\/\/127\.0\.0\.1:\d+\/\S*) until Ctrl-C/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        child.once('exit', () => reject(new Error(`demo exited before serving:\n${out}\n${err}`)));
      });
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const dialogs: string[] = [];
        page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
        expect((await page.goto(url))!.status()).toBe(200);
        await page.locator('a[href="/clinics/clinic-demo/"]').first().click();
        await page.waitForURL(/\/clinics\/clinic-demo\/$/);
        const clinic = await page.locator('main').innerText();
        expect(clinic).toContain('appliance');
        expect(clinic).toContain('L1-LIN-SSH-001');
        // The newest day's evidence page lists this run's records, each verified.
        const days = await page.locator('a[href*="/days/"]').evaluateAll((as) => as.map((a) => (a as unknown as { href: string }).href));
        expect(days.length).toBeGreaterThan(0);
        const newest = days.sort().at(-1)!;
        expect((await page.goto(newest))!.status()).toBe(200);
        const day = await page.locator('main').innerText();
        expect(day).toMatch(/verified/i);
        expect(day).toContain('L1-LIN-SSH-001');
        expect(dialogs).toEqual([]);
      } finally {
        await browser.close();
      }
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited, err).toBe(0);
    expect(err).toBe('');
  }, 300_000);
});
