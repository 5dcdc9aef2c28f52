/*
 * LIN-SSH-002 (PasswordAuthentication no) over a real sshd, scripts run as writ-test.
 *
 * Could not run on this machine:
 * - the live reload (`systemctl reload ssh|sshd`, or SIGHUP through /run/sshd.pid): systemd is not
 *   PID 1 here and writ-test may not signal root's sshd, so the tests pass reload: false. With
 *   reload: true the `sshd -t` gate still runs and is tested on a configuration sshd rejects.
 */
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../../../testkit/sshd.js';
import { loadLinuxRunbook, runLinuxStep, scratchRoot } from '../../../helpers/run-linux-runbook.js';

const rb = loadLinuxRunbook('LIN-SSH-002');
const CANARY = '/tmp/writ-canary';
let sshd: TestSshd;
beforeAll(async () => {
  rmSync(CANARY, { force: true });
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

const DEBIAN_DEFAULT = 'Include sshd_config.d/*.conf\nKbdInteractiveAuthentication no\nUsePAM yes\nX11Forwarding yes\nSubsystem sftp /usr/lib/openssh/sftp-server\n';

function setup(mainConfig: string, dropIns: Record<string, string> = {}) {
  const files: Record<string, string> = { 'etc/ssh/sshd_config': mainConfig };
  for (const [name, text] of Object.entries(dropIns)) files[`etc/ssh/sshd_config.d/${name}`] = text;
  const root = scratchRoot(files);
  const params = { sshd_config: root.path('etc/ssh/sshd_config'), state_dir: root.path('var/lib/writ/rollback'), reload: false };
  return { root, params };
}

describe('LIN-SSH-002 over real sshd', () => {
  it('passes a host that refuses passwords, in both keyword forms', async () => {
    for (const line of ['PasswordAuthentication no', 'passwordauthentication=NO', 'PasswordAuthentication "no"']) {
      const { root, params } = setup(`${line}\nPort 22\n`);
      const r = await runLinuxStep(sshd, rb, 'check', params);
      expect(r.result, line).toMatchObject({ status: 'pass', observed: { password_authentication: 'no' }, expected: { password_authentication: 'no' } });
      root.cleanup();
    }
  });

  it('fails on the OpenSSH default (no line), on yes, and on a drop-in that wins', async () => {
    const a = setup(DEBIAN_DEFAULT);
    expect((await runLinuxStep(sshd, rb, 'check', a.params)).result).toMatchObject({ status: 'fail', observed: { password_authentication: 'yes', source_file: '(OpenSSH default)' } });
    const b = setup(DEBIAN_DEFAULT + 'PasswordAuthentication no\n', { '10-cloud.conf': 'PasswordAuthentication yes\n' });
    const r = await runLinuxStep(sshd, rb, 'check', b.params);
    expect(r.result?.status).toBe('fail');
    expect(String(r.result?.observed['source_file'])).toMatch(/10-cloud\.conf$/);
    const c = setup('PasswordAuthentication=yes\nPasswordAuthentication no\n');
    expect((await runLinuxStep(sshd, rb, 'check', c.params)).result).toMatchObject({ status: 'fail', observed: { password_authentication: 'yes' } });
    for (const s of [a, b, c]) s.root.cleanup();
  });

  it('ignores settings inside Match blocks and comments', async () => {
    const { root, params } = setup('# PasswordAuthentication no\nMatch User backup\n  PasswordAuthentication no\n');
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result).toMatchObject({ status: 'fail', observed: { stopped_at_match: true } });
    root.cleanup();
  });

  it('reports not_applicable when there is no sshd configuration, never pass', async () => {
    const root = scratchRoot();
    const r = await runLinuxStep(sshd, rb, 'check', { sshd_config: root.path('missing'), state_dir: root.path('s'), reload: false });
    expect(r.result).toMatchObject({ status: 'not_applicable', reason_code: 'NO_SSHD_CONFIG' });
    root.cleanup();
  });

  it('heals drift, changes nothing on a second run, and rolls back to the exact prior file', async () => {
    const original = DEBIAN_DEFAULT + 'PasswordAuthentication yes\n';
    const { root, params } = setup(original, { '50-site.conf': 'ClientAliveInterval 300\n' });
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('fail');
    const before = root.snapshot();

    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.code).toBe(0);
    expect(fix.result).toMatchObject({ status: 'pass', observed: { changed: true } });
    expect((await runLinuxStep(sshd, rb, 'check', params)).result).toMatchObject({ status: 'pass', observed: { password_authentication: 'no' } });
    const afterFirst = root.snapshot();
    expect(afterFirst['etc/ssh/sshd_config']).toContain('PasswordAuthentication yes'); // neighbours untouched
    expect(afterFirst['etc/ssh/sshd_config.d/50-site.conf']).toBe(before['etc/ssh/sshd_config.d/50-site.conf']);

    const again = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(again.result).toMatchObject({ status: 'pass', observed: { changed: false } });
    expect(root.snapshot()).toEqual(afterFirst);

    const back = await runLinuxStep(sshd, rb, 'rollback', params);
    expect(back.result).toMatchObject({ status: 'pass', observed: { restore: 'restored the saved copy' } });
    expect(root.read('etc/ssh/sshd_config')).toBe(original);
    expect(root.snapshot()['etc/ssh/sshd_config']).toBe(before['etc/ssh/sshd_config']); // mode too
    expect(existsSync(root.path('var/lib/writ/rollback/LIN-SSH-002.sshd_config'))).toBe(false);
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('fail');
    expect((await runLinuxStep(sshd, rb, 'rollback', params)).result).toMatchObject({ status: 'error', reason_code: 'NO_ROLLBACK_STATE' });
    root.cleanup();
  });

  it('rollback keeps a later change by LIN-SSH-003 and removes only its own lines', async () => {
    const ssh3 = loadLinuxRunbook('LIN-SSH-003');
    const original = 'PasswordAuthentication yes\nMaxAuthTries 6\n';
    const { root, params } = setup(original);
    await runLinuxStep(sshd, rb, 'remediate', params);
    await runLinuxStep(sshd, ssh3, 'remediate', params);
    const back = await runLinuxStep(sshd, rb, 'rollback', params);
    expect(back.result?.observed['restore']).toMatch(/later changes kept/);
    expect(root.read('etc/ssh/sshd_config')).toBe('# managed by writ LIN-SSH-003\nMaxAuthTries 3\n' + original);
    root.cleanup();
  });

  it('with reload, refuses to write a configuration sshd rejects and changes nothing', async () => {
    const { root, params } = setup('NoSuchKeyword 1\nPasswordAuthentication yes\n');
    const before = root.snapshot();
    const r = await runLinuxStep(sshd, rb, 'remediate', { ...params, reload: true });
    expect(r.code).not.toBe(0);
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'SSHD_CONFIG_INVALID' });
    expect(String(r.result?.observed['sshd_test'])).toContain('Bad configuration option: NoSuchKeyword');
    expect(root.snapshot()).toEqual(before);
    root.cleanup();
  });

  it('carries hostile configuration values and parameters into the result as data', async () => {
    const { root, params } = setup('PasswordAuthentication "$(touch /tmp/writ-canary)"`touch /tmp/writ-canary`\'q\n');
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result?.status).toBe('fail');
    expect(r.result?.observed['password_authentication']).toBe('$(touch /tmp/writ-canary)');
    const bad = await runLinuxStep(sshd, rb, 'remediate', { ...params, service_units: ['ssh.service', '$(touch /tmp/writ-canary)'] });
    expect(bad.result).toMatchObject({ status: 'error', reason_code: 'BAD_PARAMETER', observed: { bad_unit: '$(touch /tmp/writ-canary)' } });
    expect(existsSync(CANARY)).toBe(false);
    root.cleanup();
  });
});
