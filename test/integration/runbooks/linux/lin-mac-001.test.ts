/*
 * LIN-MAC-001 over a real sshd, scripts running as the unprivileged writ-test.
 *
 * Could not run on this machine, and why:
 * - Real SELinux or AppArmor: this kernel exposes neither (/sys/fs/selinux and
 *   /sys/module/apparmor are absent), so with the default paths the check reports error
 *   NO_MAC_FRAMEWORK. The SELinux path runs against a stand-in selinuxfs `enforce` file and
 *   SELinux config in a scratch root (the script writes the enforce file as setenforce does).
 * - AppArmor remediation (enable and start apparmor.service) and its rollback: systemd is not
 *   PID 1 here, so remediation reports error NO_SYSTEMD and changes nothing; the AppArmor check
 *   runs against a stand-in profiles list.
 */
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../../../testkit/sshd.js';
import { loadLinuxRunbook, runLinuxStep, scratchRoot } from '../../../helpers/run-linux-runbook.js';

const rb = loadLinuxRunbook('LIN-MAC-001');
const CANARY = '/tmp/writ-canary';
let sshd: TestSshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

const RHEL_CONFIG = '# This file controls the state of SELinux on the system.\nSELINUX=permissive\n# SELINUXTYPE= can take one of these values:\nSELINUXTYPE=targeted\n';

function setup(files: Record<string, string>) {
  const root = scratchRoot(files);
  const params = {
    selinuxfs: root.path('sys/fs/selinux'),
    selinux_config: root.path('etc/selinux/config'),
    apparmor_enabled_file: root.path('sys/module/apparmor/parameters/enabled'),
    apparmor_profiles_file: root.path('sys/kernel/security/apparmor/profiles'),
    state_dir: root.path('var/lib/writ/rollback'),
  };
  return { root, params };
}
const selinux = (live: '0' | '1', config = RHEL_CONFIG) => setup({ 'sys/fs/selinux/enforce': live, 'etc/selinux/config': config });

describe('LIN-MAC-001 over real sshd', () => {
  it('is marked disruptive', () => {
    expect(rb.disruptive).toBe(true);
  });

  it('passes SELinux enforcing now and at boot', async () => {
    const { root, params } = selinux('1', RHEL_CONFIG.replace('SELINUX=permissive', 'SELINUX=enforcing'));
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result).toMatchObject({ status: 'pass', observed: { mac_framework: 'selinux', selinux_mode: 'enforcing', selinux_config_mode: 'enforcing' } });
    root.cleanup();
  });

  it('fails SELinux permissive, and enforcing-now-but-permissive-at-boot', async () => {
    const a = selinux('0', RHEL_CONFIG.replace('SELINUX=permissive', 'SELINUX=enforcing'));
    expect((await runLinuxStep(sshd, rb, 'check', a.params)).result).toMatchObject({ status: 'fail', observed: { selinux_mode: 'permissive' } });
    const b = selinux('1');
    expect((await runLinuxStep(sshd, rb, 'check', b.params)).result).toMatchObject({ status: 'fail', observed: { selinux_mode: 'enforcing', selinux_config_mode: 'permissive' } });
    a.root.cleanup();
    b.root.cleanup();
  });

  it('reads the boot mode as libselinux does: the first SELINUX= line wins', async () => {
    const { root, params } = selinux('1', 'SELINUX=permissive\nSELINUX=enforcing\n');
    expect((await runLinuxStep(sshd, rb, 'check', params)).result).toMatchObject({ status: 'fail', observed: { selinux_config_mode: 'permissive' } });
    root.cleanup();
  });

  it('heals SELinux permissive, changes nothing on a second run, and rolls back exactly', async () => {
    const { root, params } = selinux('0');
    const original = root.snapshot();
    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.code).toBe(0);
    expect(fix.result).toMatchObject({ status: 'pass', observed: { selinux_mode: 'enforcing', changed: true } });
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('pass');
    const afterFirst = root.snapshot();
    expect(afterFirst['sys/fs/selinux/enforce']).toMatch(/ 1$/);
    expect(afterFirst['etc/selinux/config']).toMatch(/ ?# This file controls[\s\S]*\nSELINUX=enforcing\n# SELINUXTYPE= can[\s\S]*\nSELINUXTYPE=targeted\n$/);

    const again = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(again.result?.observed['changed']).toBe(false);
    expect(root.snapshot()).toEqual(afterFirst);

    expect((await runLinuxStep(sshd, rb, 'rollback', params)).result?.status).toBe('pass');
    expect(root.snapshot()).toEqual(original);
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('fail');
    root.cleanup();
  });

  it('with apply_live false changes only the boot configuration', async () => {
    const { root, params } = selinux('0');
    const original = root.snapshot();
    const p = { ...params, apply_live: false };
    const fix = await runLinuxStep(sshd, rb, 'remediate', p);
    expect(fix.result).toMatchObject({ status: 'pass', observed: { selinux_mode: 'permissive', selinux_config_mode: 'enforcing' } });
    expect(root.read('sys/fs/selinux/enforce')).toBe('0');
    expect((await runLinuxStep(sshd, rb, 'check', p)).result).toMatchObject({ status: 'fail', observed: { selinux_mode: 'permissive', selinux_config_mode: 'enforcing' } });
    expect((await runLinuxStep(sshd, rb, 'rollback', p)).result?.status).toBe('pass');
    expect(root.snapshot()).toEqual(original);
    root.cleanup();
  });

  it('adds SELINUX=enforcing once to a configuration without the line', async () => {
    const { root, params } = selinux('1', 'SELINUXTYPE=targeted\n');
    await runLinuxStep(sshd, rb, 'remediate', params);
    expect(root.read('etc/selinux/config')).toBe('SELINUXTYPE=targeted\nSELINUX=enforcing\n');
    await runLinuxStep(sshd, rb, 'remediate', params);
    expect(root.read('etc/selinux/config')).toBe('SELINUXTYPE=targeted\nSELINUX=enforcing\n');
    root.cleanup();
  });

  it('reports SELinux disabled in the kernel as fail, and refuses to enable it (relabel and reboot)', async () => {
    const { root, params } = setup({ 'etc/selinux/config': RHEL_CONFIG.replace('permissive', 'disabled') });
    expect((await runLinuxStep(sshd, rb, 'check', params)).result).toMatchObject({ status: 'fail', observed: { selinux_mode: 'disabled', selinux_config_mode: 'disabled' } });
    const before = root.snapshot();
    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.result).toMatchObject({ status: 'error', reason_code: 'SELINUX_DISABLED' });
    expect(root.snapshot()).toEqual(before);
    root.cleanup();
  });

  it('counts AppArmor profiles in enforce mode', async () => {
    const a = setup({ 'sys/module/apparmor/parameters/enabled': 'Y\n', 'sys/kernel/security/apparmor/profiles': '/usr/sbin/cupsd (enforce)\nnvidia_modprobe (complain)\n' });
    expect((await runLinuxStep(sshd, rb, 'check', a.params)).result).toMatchObject({ status: 'pass', observed: { mac_framework: 'apparmor', apparmor_enforced_profiles: 1, apparmor_complain_profiles: 1 } });
    expect((await runLinuxStep(sshd, rb, 'check', { ...a.params, min_enforced_profiles: 2 })).result?.status).toBe('fail');
    const b = setup({ 'sys/module/apparmor/parameters/enabled': 'Y\n', 'sys/kernel/security/apparmor/profiles': 'nvidia_modprobe (complain)\n' });
    expect((await runLinuxStep(sshd, rb, 'check', b.params)).result).toMatchObject({ status: 'fail', observed: { apparmor_enforced_profiles: 0 } });
    a.root.cleanup();
    b.root.cleanup();
  });

  it('reports AppArmor remediation without systemd as NO_SYSTEMD and changes nothing', async () => {
    const { root, params } = setup({ 'sys/module/apparmor/parameters/enabled': 'Y\n', 'sys/kernel/security/apparmor/profiles': '' });
    const before = root.snapshot();
    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.code).not.toBe(0);
    expect(fix.result).toMatchObject({ status: 'error', reason_code: 'NO_SYSTEMD' });
    expect(root.snapshot()).toEqual(before);
    root.cleanup();
  });

  it('reports AppArmor with unreadable profiles as an error, never pass', async () => {
    const { root, params } = setup({ 'sys/module/apparmor/parameters/enabled': 'Y\n' });
    expect((await runLinuxStep(sshd, rb, 'check', params)).result).toMatchObject({ status: 'error', reason_code: 'MAC_STATE_UNREADABLE' });
    root.cleanup();
  });

  it('reports a kernel without any MAC framework as error NO_MAC_FRAMEWORK, never pass (as on this machine)', async () => {
    const { root, params } = setup({});
    const before = root.snapshot();
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'NO_MAC_FRAMEWORK', observed: { mac_framework: 'none' } });
    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.result).toMatchObject({ status: 'error', reason_code: 'NO_MAC_FRAMEWORK' });
    expect(root.snapshot()).toEqual(before);
    root.cleanup();
  });

  it('carries hostile configuration values and profile names as data', async () => {
    rmSync(CANARY, { force: true });
    const evil = '$(touch${IFS}/tmp/writ-canary)`touch${IFS}/tmp/writ-canary`"\'';
    const a = selinux('1', `SELINUX=${evil}\n`);
    expect((await runLinuxStep(sshd, rb, 'check', a.params)).result).toMatchObject({ status: 'fail', observed: { selinux_config_mode: evil } });
    await runLinuxStep(sshd, rb, 'remediate', a.params);
    expect(a.root.read('etc/selinux/config')).toBe('SELINUX=enforcing\n');
    const b = setup({ 'sys/module/apparmor/parameters/enabled': 'Y\n', 'sys/kernel/security/apparmor/profiles': '$(touch /tmp/writ-canary) (enforce)\n`touch /tmp/writ-canary`\n (complain)\n' });
    expect((await runLinuxStep(sshd, rb, 'check', b.params)).result).toMatchObject({ status: 'pass', observed: { apparmor_enforced_profiles: 1, apparmor_complain_profiles: 1 } });
    expect(existsSync(CANARY)).toBe(false);
    a.root.cleanup();
    b.root.cleanup();
  });
});
