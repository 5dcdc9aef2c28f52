/*
 * LIN-SVC-002 (auditd installed, running, enabled) over a real sshd, scripts run as writ-test.
 *
 * Could not run on this machine:
 * - systemd as PID 1 (missing here), so `systemctl show/start/enable/stop/disable` of auditd and the
 *   whole remediation and rollback plan (apt-get/dnf install and remove of the audit package) never
 *   get past the systemd gate; auditd/auditctl are not installed either, and writ-test may not
 *   install packages. The os-release family choice (Debian -> auditd, RHEL -> audit, others ->
 *   UNSUPPORTED_DISTRO) is therefore only reviewed, not run.
 * What runs instead: NO_SYSTEMD and SYSTEMCTL_FAILED for check, remediation and rollback (never
 *   pass, nothing changed), the rollback record handling (missing, damaged and hostile records), and
 *   parameter checking.
 */
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../../../testkit/sshd.js';
import { loadLinuxRunbook, runLinuxStep, scratchRoot } from '../../../helpers/run-linux-runbook.js';

const rb = loadLinuxRunbook('LIN-SVC-002');
const CANARY = '/tmp/writ-canary';
let sshd: TestSshd;
beforeAll(async () => {
  rmSync(CANARY, { force: true });
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

function setup(files: Record<string, string> = {}) {
  const root = scratchRoot({ 'etc/os-release': 'ID=debian\nVERSION_ID="12"\n', ...files });
  const params = { os_release: root.path('etc/os-release'), state_dir: root.path('var/lib/writ/rollback'), systemd_run_dir: root.path('run/systemd/system') };
  return { root, params };
}

describe('LIN-SVC-002 over real sshd', () => {
  it('reports not_applicable NO_SYSTEMD without systemd as PID 1, never pass', async () => {
    const { root, params } = setup();
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result).toMatchObject({ status: 'not_applicable', reason_code: 'NO_SYSTEMD', observed: { systemd: false } });
    if (!existsSync('/run/systemd/system')) {
      expect((await runLinuxStep(sshd, rb, 'check', {})).result).toMatchObject({ status: 'not_applicable', reason_code: 'NO_SYSTEMD' });
    }
    root.cleanup();
  });

  it('reports error SYSTEMCTL_FAILED when systemctl cannot answer, never pass', async () => {
    const { root, params } = setup({ 'run/systemd/system/.keep': '' });
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'SYSTEMCTL_FAILED' });
    root.cleanup();
  });

  it('remediation and rollback change nothing where they cannot act', async () => {
    const { root, params } = setup({ 'run/systemd/system/.keep': '' });
    const before = root.snapshot();
    const none = await runLinuxStep(sshd, rb, 'remediate', { ...params, systemd_run_dir: root.path('absent') });
    expect(none.code).not.toBe(0);
    expect(none.result).toMatchObject({ status: 'not_applicable', reason_code: 'NO_SYSTEMD' });
    const broken = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(broken.result).toMatchObject({ status: 'error', reason_code: 'SYSTEMCTL_FAILED' });
    expect(root.snapshot()).toEqual(before); // no rollback record either: nothing was changed
    const back = await runLinuxStep(sshd, rb, 'rollback', params);
    expect(back.result).toMatchObject({ status: 'error', reason_code: 'NO_ROLLBACK_STATE' });
    root.cleanup();
  });

  it('rollback keeps its record when it cannot act', async () => {
    const record = 'was_active=false\nwas_enabled=false\ninstalled_package=auditd\n';
    const { root, params } = setup({ 'var/lib/writ/rollback/LIN-SVC-002.state': record });
    const before = root.snapshot();
    const r = await runLinuxStep(sshd, rb, 'rollback', { ...params, systemd_run_dir: root.path('absent') });
    expect(r.result).toMatchObject({ status: 'not_applicable', reason_code: 'NO_SYSTEMD' });
    expect(root.snapshot()).toEqual(before);
    root.cleanup();
  });

  it('treats hostile records and parameters as data', async () => {
    const hostile = 'was_active=false\nwas_enabled=false\ninstalled_package=$(touch /tmp/writ-canary)`touch /tmp/writ-canary`\n';
    const { root, params } = setup({ 'var/lib/writ/rollback/LIN-SVC-002.state': hostile });
    const r = await runLinuxStep(sshd, rb, 'rollback', params);
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'BAD_ROLLBACK_STATE' });
    expect(root.read('var/lib/writ/rollback/LIN-SVC-002.state')).toBe(hostile);
    const bad = await runLinuxStep(sshd, rb, 'remediate', { ...params, apt_package: 'auditd; touch /tmp/writ-canary' });
    expect(bad.result).toMatchObject({ status: 'error', reason_code: 'BAD_PARAMETER' });
    const unit = await runLinuxStep(sshd, rb, 'check', { ...params, service_units: ['"$(touch /tmp/writ-canary)"'] });
    expect(unit.result).toMatchObject({ status: 'error', reason_code: 'BAD_PARAMETER', observed: { bad_unit: '"$(touch /tmp/writ-canary)"' } });
    expect(existsSync(CANARY)).toBe(false);
    root.cleanup();
  });
});
