/*
 * LIN-PATCH-001 (pending security updates) over a real sshd, scripts run as writ-test.
 *
 * Could not run on this machine:
 * - any real upgrade or index refresh: `apt-get update` and `apt-get install --only-upgrade` need
 *   root and the network, and must not change this machine; the remediation is run with
 *   apply_live false (plan only) and, with apply_live true as writ-test, must answer NEEDS_ROOT.
 * - dnf and yum (not installed here): their path is only reviewed; asking for them gives
 *   not_applicable NO_PACKAGE_MANAGER.
 * What runs for real: the apt simulation (`apt-get -s dist-upgrade`) as writ-test against a scratch
 * copy of this machine's package lists (fresh mtime), the freshness and missing-lists guards, the
 * reboot evidence, and the remediation's package plan. Each real simulation takes a few seconds of
 * CPU, so the tests keep them few.
 */
import { copyFileSync, existsSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../../../testkit/sshd.js';
import { loadLinuxRunbook, runLinuxStep, scratchRoot } from '../../../helpers/run-linux-runbook.js';

const rb = loadLinuxRunbook('LIN-PATCH-001');
const CANARY = '/tmp/writ-canary';
const LISTS = '/var/lib/apt/lists';
let sshd: TestSshd;
beforeAll(async () => {
  rmSync(CANARY, { force: true });
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

/** A scratch root with a fresh copy of this machine's apt lists (Packages and Release files). */
function withLists(extra: Record<string, string> = {}) {
  const root = scratchRoot({ 'var/lib/apt/lists/.keep': '', 'run/.keep': '', ...extra });
  for (const name of readdirSync(LISTS)) {
    if (/_Packages|Release$/.test(name)) copyFileSync(join(LISTS, name), root.path(`var/lib/apt/lists/${name}`));
  }
  const params = { apt_lists_dir: root.path('var/lib/apt/lists'), reboot_required_file: root.path('run/reboot-required'), apply_live: false };
  return { root, params };
}

describe('LIN-PATCH-001 over real sshd', () => {
  it('has package lists to test with (bash .ci/setup runs apt-get update)', () => {
    expect(readdirSync(LISTS).some((n) => n.includes('_Packages'))).toBe(true);
  });

  it('counts pending security updates from a real apt simulation', async () => {
    const { root, params } = withLists();
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(['pass', 'fail']).toContain(r.result?.status);
    expect(r.result?.observed).toMatchObject({ package_manager: 'apt', lists_age_hours: 0, reboot_pending: false });
    const count = r.result?.observed['security_updates'] as number;
    expect(typeof count).toBe('number');
    expect(r.result?.observed['all_updates'] as number).toBeGreaterThanOrEqual(count);
    if (count > 0) {
      expect(r.result?.status).toBe('fail');
      expect(String(r.result?.observed['security_packages'])).not.toBe('');
    }
    root.cleanup();
  }, 120_000);

  it('passes when no pending update comes from an origin matching security_marker', async () => {
    const { root, params } = withLists();
    const r = await runLinuxStep(sshd, rb, 'check', { ...params, security_marker: '-no-such-suite' });
    expect(r.result).toMatchObject({ status: 'pass', observed: { security_updates: 0, security_packages: '' } });
    root.cleanup();
  }, 120_000);

  it('reports error for missing or stale package lists, never pass', async () => {
    const empty = scratchRoot({ 'lists/.keep': '' });
    const r = await runLinuxStep(sshd, rb, 'check', { apt_lists_dir: empty.path('lists'), reboot_required_file: empty.path('none') });
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'NO_PACKAGE_LISTS' });
    const { root, params } = withLists();
    const old = Date.now() / 1000 - 30 * 24 * 3600;
    for (const n of readdirSync(params.apt_lists_dir)) utimesSync(join(params.apt_lists_dir, n), old, old);
    const stale = await runLinuxStep(sshd, rb, 'check', params);
    expect(stale.result).toMatchObject({ status: 'error', reason_code: 'STALE_PACKAGE_LISTS', observed: { lists_age_hours: 720 } });
    empty.cleanup();
    root.cleanup();
  });

  it('reports not_applicable for a package manager that is not installed', async () => {
    const root = scratchRoot();
    for (const pm of ['dnf', 'yum']) {
      const r = await runLinuxStep(sshd, rb, 'check', { package_manager: pm, reboot_required_file: root.path('none') });
      expect(r.result).toMatchObject({ status: 'not_applicable', reason_code: 'NO_PACKAGE_MANAGER' });
    }
    expect((await runLinuxStep(sshd, rb, 'remediate', { package_manager: 'dnf', apply_live: false })).result?.reason_code).toBe('NO_PACKAGE_MANAGER');
    root.cleanup();
  });

  it('plans to upgrade exactly the security packages and changes nothing in a dry run', async () => {
    const { root, params } = withLists();
    const before = root.snapshot();
    const r = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(r.result).toMatchObject({ status: 'not_applicable', reason_code: 'DRY_RUN', observed: { package_manager: 'apt' } });
    const plan = String(r.result?.observed['plan']).split('; ');
    expect(plan[0]).toBe(`apt-get -q -o Dir::State::Lists=${params.apt_lists_dir} update`);
    const n = r.result?.observed['security_updates'] as number;
    if (n > 0) {
      expect(plan[1]).toContain('-o Dpkg::Options::=--force-confold install --only-upgrade ');
      expect(plan[1]!.split('--only-upgrade ')[1]!.split(' ')).toHaveLength(n);
    } else {
      expect(plan).toHaveLength(1);
    }
    expect(root.snapshot()).toEqual(before);
    const live = await runLinuxStep(sshd, rb, 'remediate', { ...params, apply_live: true });
    expect(live.result).toMatchObject({ status: 'error', reason_code: 'NEEDS_ROOT' });
    expect(root.snapshot()).toEqual(before);
    root.cleanup();
  }, 120_000);

  it('reports a pending reboot and carries hostile file contents and parameters as data', async () => {
    const evil = '$(touch /tmp/writ-canary)\n`touch /tmp/writ-canary`\nlinux-image-amd64 "\'\n';
    const root = scratchRoot({ 'run/reboot-required': '*** System restart required ***\n', 'run/reboot-required.pkgs': evil, 'lists/.keep': '' });
    const r = await runLinuxStep(sshd, rb, 'check', { apt_lists_dir: root.path('lists'), reboot_required_file: root.path('run/reboot-required'), security_marker: '$(touch /tmp/writ-canary)' });
    expect(r.result).toMatchObject({
      status: 'error',
      reason_code: 'NO_PACKAGE_LISTS',
      observed: { reboot_pending: true, reboot_packages: '$(touch /tmp/writ-canary) `touch /tmp/writ-canary` linux-image-amd64 "\'' },
    });
    const bad = await runLinuxStep(sshd, rb, 'check', { package_manager: 'apt; touch /tmp/writ-canary', reboot_required_file: root.path('none') });
    expect(bad.result).toMatchObject({ status: 'error', reason_code: 'BAD_PARAMETER', observed: { bad_parameter: 'apt; touch /tmp/writ-canary' } });
    expect(existsSync(CANARY)).toBe(false);
    root.cleanup();
  });
});
