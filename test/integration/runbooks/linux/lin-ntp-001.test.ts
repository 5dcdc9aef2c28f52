/*
 * LIN-NTP-001 over a real sshd, scripts running as the unprivileged writ-test.
 *
 * Could not run on this machine, and why:
 * - Deciding synchronisation: neither chronyd nor ntpd is installed and systemd is not PID 1 (so
 *   systemd-timesyncd cannot be asked); the check and verify report error NO_SYSTEMD, never pass.
 *   The check passing after remediation therefore cannot be shown here.
 * - Restarting chronyd and the clock step (apply_live true) and the restart in rollback: no
 *   systemd; remediation reports error NO_SYSTEMD and changes nothing. The configuration part of
 *   remediation and rollback runs with apply_live false on a scratch chrony.conf.
 */
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../../../testkit/sshd.js';
import { loadLinuxRunbook, runLinuxStep, scratchRoot } from '../../../helpers/run-linux-runbook.js';

const rb = loadLinuxRunbook('LIN-NTP-001');
const CANARY = '/tmp/writ-canary';
let sshd: TestSshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

const BEGIN = '# BEGIN writ LIN-NTP-001: managed by writ; change the rule parameters, not these lines';
const END = '# END writ LIN-NTP-001';
// Shaped like Debian's chrony.conf, plus a clinic's own server.
const DEBIAN = [
  '# Welcome to the chrony configuration file.',
  'confdir /etc/chrony/conf.d',
  'pool 2.debian.pool.ntp.org iburst',
  'server ntp.clinic.example iburst prefer',
  'sourcedir /run/chrony-dhcp',
  'keyfile /etc/chrony/chrony.keys',
  'driftfile /var/lib/chrony/chrony.drift',
  'maxupdateskew 100.0',
  'rtcsync',
  'makestep 1 3',
  'leapsectz right/UTC',
  '',
].join('\n');
const POOL_BLOCK = [BEGIN, 'pool 0.pool.ntp.org iburst', 'pool 1.pool.ntp.org iburst', 'pool 2.pool.ntp.org iburst', 'pool 3.pool.ntp.org iburst', END].join('\n');

function setup(text: string) {
  const root = scratchRoot({ 'etc/chrony/chrony.conf': text });
  return { root, params: { chrony_conf: root.path('etc/chrony/chrony.conf'), state_dir: root.path('var/lib/writ/rollback'), apply_live: false, sync_wait_seconds: 0 } };
}

describe('LIN-NTP-001 over real sshd', () => {
  it('is disruptive (restarts chronyd, may step the clock) and is used by L1-LIN-NTP-001', () => {
    expect(rb.disruptive).toBe(true);
    expect(rb.standalone).toBeUndefined();
  });

  it('reports error NO_SYSTEMD here (no chronyd, no ntpd, no systemd), never pass, while still observing the configuration', async () => {
    const { root, params } = setup(DEBIAN);
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'NO_SYSTEMD', observed: { time_service: 'none', systemd_running: false, configured_sources: 2, writ_managed_sources: 0 } });
    const v = await runLinuxStep(sshd, rb, 'verify', params);
    expect(v.result).toMatchObject({ status: 'error', reason_code: 'NO_SYSTEMD' });
    root.cleanup();
  });

  it('refuses a live remediation without systemd and changes nothing', async () => {
    const { root, params } = setup(DEBIAN);
    const before = root.snapshot();
    const fix = await runLinuxStep(sshd, rb, 'remediate', { ...params, apply_live: true });
    expect(fix.code).not.toBe(0);
    expect(fix.result).toMatchObject({ status: 'error', reason_code: 'NO_SYSTEMD' });
    expect(root.snapshot()).toEqual(before);
    root.cleanup();
  });

  it('reports a host without chrony as CHRONY_NOT_INSTALLED on remediation', async () => {
    const root = scratchRoot();
    const fix = await runLinuxStep(sshd, rb, 'remediate', { chrony_conf: root.path('etc/chrony/chrony.conf'), state_dir: root.path('s'), apply_live: false });
    expect(fix.result).toMatchObject({ status: 'error', reason_code: 'CHRONY_NOT_INSTALLED' });
    root.cleanup();
  });

  it('adds one writ block, keeps local servers and the existing makestep, changes nothing on a second run, and rolls back exactly', async () => {
    const { root, params } = setup(DEBIAN);
    const original = root.snapshot();
    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.code).toBe(0);
    expect(fix.result).toMatchObject({ status: 'pass', observed: { changed: true, writ_managed_sources: 4 } });
    expect(root.read('etc/chrony/chrony.conf')).toBe(`${DEBIAN}${POOL_BLOCK}\n`);
    const check = await runLinuxStep(sshd, rb, 'check', params);
    expect(check.result?.observed).toMatchObject({ configured_sources: 6, writ_managed_sources: 4 });
    const afterFirst = root.snapshot();

    const again = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(again.result?.observed['changed']).toBe(false);
    expect(root.snapshot()).toEqual(afterFirst);

    expect((await runLinuxStep(sshd, rb, 'rollback', params)).result?.status).toBe('pass');
    expect(root.snapshot()).toEqual(original);
    root.cleanup();
  });

  it('rewrites an existing block in place with new parameters and adds makestep only when the file has none', async () => {
    const oldBlock = [BEGIN, 'pool 0.pool.ntp.org iburst', END].join('\n');
    const text = `server ntp.clinic.example iburst\n${oldBlock}\nrtcsync`;
    const { root, params } = setup(text);
    const p = { ...params, ntp_servers: ['10.0.0.5', 'time.clinic.example'], source_type: 'server', makestep_threshold: 0.5, makestep_limit: 5 };
    await runLinuxStep(sshd, rb, 'remediate', p);
    const block = [BEGIN, 'server 10.0.0.5 iburst', 'server time.clinic.example iburst', 'makestep 0.5 5', END].join('\n');
    expect(root.read('etc/chrony/chrony.conf')).toBe(`server ntp.clinic.example iburst\n${block}\nrtcsync`);
    const afterFirst = root.snapshot();
    await runLinuxStep(sshd, rb, 'remediate', p);
    expect(root.snapshot()).toEqual(afterFirst);
    await runLinuxStep(sshd, rb, 'rollback', p);
    expect(root.read('etc/chrony/chrony.conf')).toBe(text);
    root.cleanup();
  });

  it('refuses a damaged block (no end line) and changes nothing', async () => {
    const { root, params } = setup(`${BEGIN}\npool 0.pool.ntp.org iburst\nrtcsync\n`);
    const before = root.snapshot();
    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.result).toMatchObject({ status: 'error', reason_code: 'BLOCK_DAMAGED' });
    expect(root.snapshot()).toEqual(before);
    root.cleanup();
  });

  it('treats hostile configuration lines and a hostile server parameter as data', async () => {
    rmSync(CANARY, { force: true });
    const text = 'server $(touch /tmp/writ-canary) iburst\nserver `touch /tmp/writ-canary` "q\' iburst\n';
    const { root, params } = setup(text);
    const check = await runLinuxStep(sshd, rb, 'check', params);
    expect(check.result?.observed['configured_sources']).toBe(2);
    await runLinuxStep(sshd, rb, 'remediate', params);
    expect(root.read('etc/chrony/chrony.conf')).toBe(`${text}${POOL_BLOCK.replace(END, 'makestep 1 3\n' + END)}\n`);
    await runLinuxStep(sshd, rb, 'rollback', params);
    const before = root.snapshot();
    const bad = await runLinuxStep(sshd, rb, 'remediate', { ...params, ntp_servers: ['$(touch /tmp/writ-canary)', 'a`touch /tmp/writ-canary`'] });
    expect(bad.result).toMatchObject({ status: 'error', reason_code: 'BAD_PARAMETER' });
    expect(root.snapshot()).toEqual(before);
    expect(existsSync(CANARY)).toBe(false);
    root.cleanup();
  });
});
