/*
 * LIN-IR-001 over a real sshd, scripts running as the unprivileged writ-test.
 *
 * Could not run on this machine, and why:
 * - auditd is not installed, so a check whose log is fresh reports error AUDITD_NOT_INSTALLED
 *   (never pass); the check passing cannot be shown here.
 * - Enabling and starting auditd and rsyslog, the syslog test line, and putting the services
 *   back on rollback (apply_live true): systemd is not PID 1, so remediation reports error
 *   NO_SYSTEMD and changes nothing. The logrotate part of remediation and rollback runs with
 *   apply_live false on a scratch /etc/logrotate.d and /var/log.
 * - logrotate itself is not installed; only the file it would read is written and checked.
 */
import { existsSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../../../testkit/sshd.js';
import { loadLinuxRunbook, runLinuxStep, scratchRoot } from '../../../helpers/run-linux-runbook.js';

const rb = loadLinuxRunbook('LIN-IR-001');
const CANARY = '/tmp/writ-canary';
let sshd: TestSshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

function setup(files: Record<string, string>) {
  const root = scratchRoot({ 'etc/logrotate.d/apt': '/var/log/apt/term.log {\n\trotate 12\n}\n', ...files });
  const params = {
    auth_log_paths: [root.path('var/log/auth.log'), root.path('var/log/secure')],
    logrotate_file: root.path('etc/logrotate.d/writ-auth-logs'),
    forensic_tools: ['bash', 'writ-no-such-tool'],
    apply_live: false,
    state_dir: root.path('var/lib/writ/rollback'),
  };
  return { root, params };
}
const WRIT_ROTATE = (log: string) =>
  `644 # managed by writ LIN-IR-001: keeps authentication logs 90 days; the whole file belongs to writ\n${log} {\n\tdaily\n\trotate 90\n\tmissingok\n\tnotifempty\n\tcompress\n\tdelaycompress\n\tcopytruncate\n}\n`;

describe('LIN-IR-001 over real sshd', () => {
  it('with a fresh log reports error AUDITD_NOT_INSTALLED here, never pass, and reports tools and rotation', async () => {
    const { root, params } = setup({ 'var/log/auth.log': 'sshd[1]: Accepted publickey\n' });
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result).toMatchObject({
      status: 'error',
      reason_code: 'AUDITD_NOT_INSTALLED',
      observed: { auth_log: root.path('var/log/auth.log'), auth_log_age_minutes: 0, auditd_installed: false, auditd_running: false, systemd_running: false, forensic_tools_present: 1, forensic_tools_missing: 'writ-no-such-tool', auth_log_rotation: 'none' },
    });
    root.cleanup();
  });

  it('fails on a stale log, on no log at all, and picks the second candidate (secure)', async () => {
    const a = setup({ 'var/log/auth.log': 'old\n' });
    const old = Date.now() / 1000 - 2 * 3600;
    utimesSync(a.root.path('var/log/auth.log'), old, old);
    const stale = await runLinuxStep(sshd, rb, 'check', a.params);
    expect(stale.result).toMatchObject({ status: 'fail', observed: { auth_log_age_minutes: 120 } });
    expect(stale.result?.message).toContain('120 minutes ago');
    expect((await runLinuxStep(sshd, rb, 'check', { ...a.params, log_max_age_minutes: 180 })).result?.status).toBe('error');

    const b = setup({});
    expect((await runLinuxStep(sshd, rb, 'check', b.params)).result).toMatchObject({ status: 'fail', observed: { auth_log: 'none' } });
    const c = setup({ 'var/log/secure': 'x\n' });
    expect((await runLinuxStep(sshd, rb, 'check', c.params)).result?.observed['auth_log']).toBe(c.root.path('var/log/secure'));
    for (const s of [a, b, c]) s.root.cleanup();
  });

  it('names the logrotate file that already rotates the log, and leaves that log to it', async () => {
    const { root, params } = setup({ 'var/log/auth.log': 'x\n' });
    writeFileSync(root.path('etc/logrotate.d/rsyslog'), `/var/log/syslog\n${root.path('var/log/auth.log')}\n{\n\trotate 4\n\tweekly\n}\n`);
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result?.observed['auth_log_rotation']).toBe('rsyslog');
    // Two entries for one log make logrotate skip it, so remediation adds none.
    const before = root.snapshot();
    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.result).toMatchObject({ status: 'pass', observed: { changed: false } });
    expect(root.snapshot()).toEqual(before);
    root.cleanup();
  });

  it('refuses live remediation without systemd and changes nothing', async () => {
    const { root, params } = setup({ 'var/log/auth.log': 'x\n' });
    const before = root.snapshot();
    const fix = await runLinuxStep(sshd, rb, 'remediate', { ...params, apply_live: true });
    expect(fix.code).not.toBe(0);
    expect(fix.result).toMatchObject({ status: 'error', reason_code: 'NO_SYSTEMD' });
    expect(root.snapshot()).toEqual(before);
    root.cleanup();
  });

  it('writes its own logrotate file once, changes nothing on a second run, and rolls back exactly', async () => {
    const { root, params } = setup({ 'var/log/auth.log': 'x\n' });
    const original = root.snapshot();
    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.code).toBe(0);
    expect(fix.result).toMatchObject({ status: 'pass', observed: { changed: true, logrotate_action: 'write' } });
    const afterFirst = root.snapshot();
    expect(afterFirst['etc/logrotate.d/writ-auth-logs']).toBe(WRIT_ROTATE(root.path('var/log/auth.log')));
    expect(afterFirst['etc/logrotate.d/apt']).toBe(original['etc/logrotate.d/apt']);
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.observed['auth_log_rotation']).toBe('writ');

    const again = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(again.result?.observed['changed']).toBe(false);
    expect(root.snapshot()).toEqual(afterFirst);

    expect((await runLinuxStep(sshd, rb, 'rollback', params)).result?.status).toBe('pass');
    expect(root.snapshot()).toEqual(original);
    root.cleanup();
  });

  it('rewrites an earlier writ logrotate file for new parameters and restores it exactly', async () => {
    const { root, params } = setup({ 'var/log/auth.log': 'x\n' });
    writeFileSync(root.path('etc/logrotate.d/writ-auth-logs'), WRIT_ROTATE(root.path('var/log/auth.log')).slice(4), { mode: 0o644 });
    const original = root.snapshot();
    expect((await runLinuxStep(sshd, rb, 'remediate', params)).result?.observed['changed']).toBe(false);
    const fix = await runLinuxStep(sshd, rb, 'remediate', { ...params, rotation_days: 365 });
    expect(fix.result?.observed['logrotate_action']).toBe('write');
    expect(root.read('etc/logrotate.d/writ-auth-logs')).toContain('\trotate 365\n');
    expect((await runLinuxStep(sshd, rb, 'rollback', params)).result?.status).toBe('pass');
    expect(root.snapshot()).toEqual(original);
    root.cleanup();
  });

  it('treats hostile paths and tool names as data and keeps them out of the logrotate file', async () => {
    rmSync(CANARY, { force: true });
    const evil = 'var/log/"q\'$(touch /tmp/writ-canary)`touch /tmp/writ-canary`auth.log';
    const { root, params } = setup({ [evil]: 'x\n' });
    const p = { ...params, auth_log_paths: [root.path(evil)], forensic_tools: ['$(touch /tmp/writ-canary)', '`touch /tmp/writ-canary`'] };
    const r = await runLinuxStep(sshd, rb, 'check', p);
    expect(r.result?.observed).toMatchObject({ auth_log: root.path(evil), forensic_tools_present: 0, forensic_tools_missing: '$(touch /tmp/writ-canary),`touch /tmp/writ-canary`' });
    const before = root.snapshot();
    const fix = await runLinuxStep(sshd, rb, 'remediate', p);
    expect(fix.result).toMatchObject({ status: 'error', reason_code: 'BAD_PARAMETER' });
    expect(root.snapshot()).toEqual(before);
    expect(existsSync(CANARY)).toBe(false);
    root.cleanup();
  });
});
