/*
 * LIN-SVC-001 (SSH server unit running and enabled) over a real sshd, scripts run as writ-test.
 *
 * Could not run on this machine:
 * - everything that needs systemd as PID 1: `systemctl show/start/enable` of ssh.service or
 *   sshd.service, the ssh/sshd name fallback against real units, socket activation. Here PID 1 is
 *   not systemd (/run/systemd/system is missing) and writ-test may not start units anyway.
 * What runs instead: the NO_SYSTEMD path (check and remediation), the SYSTEMCTL_FAILED path (a
 *   scratch folder stands in for /run/systemd/system, so the real systemctl is asked and refuses),
 *   parameter checking, and that none of these ever reports pass or changes a file.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../../../testkit/sshd.js';
import { loadLinuxRunbook, runLinuxStep, scratchRoot } from '../../../helpers/run-linux-runbook.js';

const rb = loadLinuxRunbook('LIN-SVC-001');
const CANARY = '/tmp/writ-canary';
let sshd: TestSshd;
beforeAll(async () => {
  rmSync(CANARY, { force: true });
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

describe('LIN-SVC-001 over real sshd', () => {
  it('declares both unit names and is used by rule L1-LIN-SVC-001', () => {
    expect(rb.parameters?.['service_units']?.default).toEqual(['ssh.service', 'sshd.service']);
    expect(rb.standalone).toBeUndefined();
    const rule = parse(readFileSync(join(import.meta.dirname, '../../../../policies/L1-LIN-SVC-001.yaml'), 'utf8'));
    expect(rule).toMatchObject({ id: 'L1-LIN-SVC-001', check: 'LIN-SVC-001', severity: 'critical', action: { type: 'remediate' }, cooldown_seconds: 600, max_retries: 3 });
  });

  it('reports not_applicable NO_SYSTEMD without systemd as PID 1, never pass', async () => {
    const root = scratchRoot();
    const r = await runLinuxStep(sshd, rb, 'check', { systemd_run_dir: root.path('run/systemd/system') });
    expect(r.result).toMatchObject({ status: 'not_applicable', reason_code: 'NO_SYSTEMD', observed: { systemd: false, candidate_units: 'ssh.service sshd.service' } });
    if (!existsSync('/run/systemd/system')) {
      const real = await runLinuxStep(sshd, rb, 'check', {});
      expect(real.result).toMatchObject({ status: 'not_applicable', reason_code: 'NO_SYSTEMD' });
    }
    root.cleanup();
  });

  it('reports error SYSTEMCTL_FAILED when systemctl cannot answer, never pass', async () => {
    const root = scratchRoot({ 'run/systemd/system/.keep': '' });
    const r = await runLinuxStep(sshd, rb, 'check', { systemd_run_dir: root.path('run/systemd/system') });
    expect(r.result?.status).toBe('error');
    expect(r.result?.reason_code).toBe('SYSTEMCTL_FAILED');
    expect(String(r.result?.observed['systemctl_error'])).not.toBe('');
    root.cleanup();
  });

  it('remediation changes nothing where it cannot act, and says why', async () => {
    const root = scratchRoot({ 'run/systemd/system/.keep': '' });
    const before = root.snapshot();
    const none = await runLinuxStep(sshd, rb, 'remediate', { systemd_run_dir: root.path('absent') });
    expect(none.code).not.toBe(0);
    expect(none.result).toMatchObject({ status: 'not_applicable', reason_code: 'NO_SYSTEMD' });
    const broken = await runLinuxStep(sshd, rb, 'remediate', { systemd_run_dir: root.path('run/systemd/system') });
    expect(broken.code).not.toBe(0);
    expect(broken.result).toMatchObject({ status: 'error', reason_code: 'SYSTEMCTL_FAILED' });
    expect(root.snapshot()).toEqual(before);
    root.cleanup();
  });

  it('carries hostile unit names back as data and runs nothing', async () => {
    const root = scratchRoot();
    for (const step of ['check', 'remediate'] as const) {
      const r = await runLinuxStep(sshd, rb, step, { service_units: ['ssh.service', '$(touch /tmp/writ-canary)`touch /tmp/writ-canary`"\''], systemd_run_dir: root.path('x') });
      expect(r.result).toMatchObject({ status: 'error', reason_code: 'BAD_PARAMETER', observed: { bad_unit: '$(touch /tmp/writ-canary)`touch /tmp/writ-canary`"\'' } });
    }
    const opt = await runLinuxStep(sshd, rb, 'check', { service_units: ['--now'], systemd_run_dir: root.path('x') });
    expect(opt.result).toMatchObject({ status: 'error', reason_code: 'BAD_PARAMETER' });
    expect(existsSync(CANARY)).toBe(false);
    root.cleanup();
  });
});
