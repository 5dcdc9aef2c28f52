/*
 * LIN-SVC-003 (rsyslog running and enabled) over a real sshd, scripts run as writ-test.
 *
 * Could not run on this machine:
 * - systemd as PID 1 (missing here), so `systemctl show/start/enable/stop/disable` of rsyslog, the
 *   NOT_INSTALLED answer for a host without rsyslog, and a real start/rollback cycle. writ-test may
 *   not start units anyway.
 * What runs instead: NO_SYSTEMD and SYSTEMCTL_FAILED for check, remediation and rollback (never
 *   pass, nothing changed), the rollback record handling, and parameter checking.
 */
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../../../testkit/sshd.js';
import { loadLinuxRunbook, runLinuxStep, scratchRoot } from '../../../helpers/run-linux-runbook.js';

const rb = loadLinuxRunbook('LIN-SVC-003');
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
  const root = scratchRoot(files);
  const params = { state_dir: root.path('var/lib/writ/rollback'), systemd_run_dir: root.path('run/systemd/system') };
  return { root, params };
}

describe('LIN-SVC-003 over real sshd', () => {
  it('reports not_applicable NO_SYSTEMD without systemd as PID 1, never pass', async () => {
    const { root, params } = setup();
    expect((await runLinuxStep(sshd, rb, 'check', params)).result).toMatchObject({ status: 'not_applicable', reason_code: 'NO_SYSTEMD', observed: { candidate_units: 'rsyslog.service' } });
    if (!existsSync('/run/systemd/system')) {
      expect((await runLinuxStep(sshd, rb, 'check', {})).result).toMatchObject({ status: 'not_applicable', reason_code: 'NO_SYSTEMD' });
    }
    root.cleanup();
  });

  it('reports error SYSTEMCTL_FAILED when systemctl cannot answer, never pass', async () => {
    const { root, params } = setup({ 'run/systemd/system/.keep': '' });
    expect((await runLinuxStep(sshd, rb, 'check', params)).result).toMatchObject({ status: 'error', reason_code: 'SYSTEMCTL_FAILED' });
    root.cleanup();
  });

  it('remediation and rollback change nothing where they cannot act', async () => {
    const { root, params } = setup({ 'run/systemd/system/.keep': '', 'var/lib/writ/rollback/LIN-SVC-003.state': 'was_active=false\nwas_enabled=true\n' });
    const before = root.snapshot();
    const none = await runLinuxStep(sshd, rb, 'remediate', { ...params, systemd_run_dir: root.path('absent') });
    expect(none.code).not.toBe(0);
    expect(none.result).toMatchObject({ status: 'not_applicable', reason_code: 'NO_SYSTEMD' });
    expect((await runLinuxStep(sshd, rb, 'remediate', params)).result).toMatchObject({ status: 'error', reason_code: 'SYSTEMCTL_FAILED' });
    expect((await runLinuxStep(sshd, rb, 'rollback', params)).result).toMatchObject({ status: 'error', reason_code: 'SYSTEMCTL_FAILED' });
    expect(root.snapshot()).toEqual(before);
    rmSync(root.path('var/lib/writ/rollback/LIN-SVC-003.state'));
    expect((await runLinuxStep(sshd, rb, 'rollback', params)).result).toMatchObject({ status: 'error', reason_code: 'NO_ROLLBACK_STATE' });
    root.cleanup();
  });

  it('treats hostile records and unit names as data', async () => {
    const hostile = 'was_active=$(touch /tmp/writ-canary)\nwas_enabled=`touch /tmp/writ-canary`\n';
    const { root, params } = setup({ 'var/lib/writ/rollback/LIN-SVC-003.state': hostile });
    expect((await runLinuxStep(sshd, rb, 'rollback', params)).result).toMatchObject({ status: 'error', reason_code: 'BAD_ROLLBACK_STATE' });
    const r = await runLinuxStep(sshd, rb, 'remediate', { ...params, service_units: ["rsyslog'$(touch /tmp/writ-canary)'"] });
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'BAD_PARAMETER', observed: { bad_unit: "rsyslog'$(touch /tmp/writ-canary)'" } });
    expect(existsSync(CANARY)).toBe(false);
    root.cleanup();
  });
});
