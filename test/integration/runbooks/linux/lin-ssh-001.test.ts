/*
 * LIN-SSH-001 (PermitRootLogin no) over a real sshd, scripts run as writ-test.
 *
 * Could not run on this machine:
 * - the live reload (`systemctl reload ssh|sshd`, or SIGHUP through /run/sshd.pid): systemd is not
 *   PID 1 here and writ-test may not signal root's sshd, so the tests pass reload: false. With
 *   reload: true the `sshd -t` gate still runs and is tested on a configuration sshd rejects.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../../../testkit/sshd.js';
import { loadLinuxRunbook, runLinuxStep, scratchRoot } from '../../../helpers/run-linux-runbook.js';

const rb = loadLinuxRunbook('LIN-SSH-001');
const ssh2 = loadLinuxRunbook('LIN-SSH-002');
const ssh3 = loadLinuxRunbook('LIN-SSH-003');
const CANARY = '/tmp/writ-canary';
const MARKER = '# managed by writ LIN-SSH-001\nPermitRootLogin no\n';
const MARKER2 = '# managed by writ LIN-SSH-002\nPasswordAuthentication no\n';
let sshd: TestSshd;
beforeAll(async () => {
  rmSync(CANARY, { force: true });
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

const DEBIAN_DEFAULT = 'Include /etc/ssh/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\nUsePAM yes\nX11Forwarding yes\nSubsystem sftp /usr/lib/openssh/sftp-server\n';

function setup(mainConfig: string, dropIns: Record<string, string> = {}) {
  const files: Record<string, string> = { 'etc/ssh/sshd_config': mainConfig.replace('/etc/ssh/sshd_config.d', 'sshd_config.d') };
  for (const [name, text] of Object.entries(dropIns)) files[`etc/ssh/sshd_config.d/${name}`] = text;
  const root = scratchRoot(files);
  const params = { sshd_config: root.path('etc/ssh/sshd_config'), state_dir: root.path('var/lib/writ/rollback'), reload: false };
  return { root, params };
}

describe('LIN-SSH-001 over real sshd', () => {
  it('passes a compliant host', async () => {
    const { root, params } = setup('PermitRootLogin no\nPort 22\n');
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result).toMatchObject({ status: 'pass', observed: { permit_root_login: 'no' } });
    root.cleanup();
  });

  it('reads both keyword forms, keywords in any case, quoted values', async () => {
    for (const line of ['PermitRootLogin=no', 'permitrootlogin = no', 'PERMITROOTLOGIN No', '  PermitRootLogin\t"no"', 'PermitRootLogin no # comment']) {
      const { root, params } = setup(`${line}\nPort 22\n`);
      const r = await runLinuxStep(sshd, rb, 'check', params);
      expect(r.result, line).toMatchObject({ status: 'pass', observed: { permit_root_login: 'no', stopped_at_match: false }, expected: { permit_root_login: 'no' } });
      root.cleanup();
    }
    for (const [text, value] of [
      ['PermitRootLogin=yes\nPermitRootLogin no\n', 'yes'],
      ['permitrootlogin = prohibit-password\npermitrootlogin = no\n', 'prohibit-password'],
      ['PermitRootLogin without-password\n', 'without-password'],
    ] as const) {
      const { root, params } = setup(text);
      expect((await runLinuxStep(sshd, rb, 'check', params)).result, text).toMatchObject({ status: 'fail', observed: { permit_root_login: value } });
      root.cleanup();
    }
  });

  it('expands Include in place, relative paths against the main file\'s folder, also from an included file', async () => {
    const root = scratchRoot({
      'etc/ssh/sshd_config': 'Include sshd_config.d/*.conf\nPermitRootLogin yes\n',
      'etc/ssh/sshd_config.d/10-a.conf': 'Include extra/*.conf\n',
      'etc/ssh/extra/20-b.conf': 'permitrootlogin=no\n',
    });
    const r = await runLinuxStep(sshd, rb, 'check', { sshd_config: root.path('etc/ssh/sshd_config'), state_dir: root.path('s'), reload: false });
    expect(r.result).toMatchObject({ status: 'pass', observed: { permit_root_login: 'no' } });
    expect(String(r.result?.observed['source_file'])).toMatch(/etc\/ssh\/extra\/20-b\.conf$/);
    root.cleanup();
  });

  it('fails on the OpenSSH default (no line at all) and on a drop-in that wins', async () => {
    const a = setup(DEBIAN_DEFAULT);
    expect((await runLinuxStep(sshd, rb, 'check', a.params)).result).toMatchObject({ status: 'fail', observed: { permit_root_login: 'prohibit-password' } });
    const b = setup(DEBIAN_DEFAULT + 'PermitRootLogin no\n', { '10-vendor.conf': 'PermitRootLogin yes\n' });
    const r = await runLinuxStep(sshd, rb, 'check', b.params);
    expect(r.result?.status).toBe('fail');
    expect(String(r.result?.observed['source_file'])).toMatch(/10-vendor\.conf$/);
    a.root.cleanup();
    b.root.cleanup();
  });

  it('ignores settings inside Match blocks and comments', async () => {
    const { root, params } = setup('# PermitRootLogin no\nMatch User backup\n  PermitRootLogin no\n');
    expect((await runLinuxStep(sshd, rb, 'check', params)).result).toMatchObject({ status: 'fail', observed: { permit_root_login: 'prohibit-password', stopped_at_match: true } });
    root.cleanup();
  });

  it('reports not_applicable when there is no sshd configuration, never pass', async () => {
    const root = scratchRoot();
    const r = await runLinuxStep(sshd, rb, 'check', { sshd_config: root.path('missing'), state_dir: root.path('s'), reload: false });
    expect(r.result).toMatchObject({ status: 'not_applicable', reason_code: 'NO_SSHD_CONFIG' });
    root.cleanup();
  });

  it('heals drift, changes nothing on a second run, and rolls back to the exact prior file', async () => {
    const original = DEBIAN_DEFAULT + 'PermitRootLogin yes\n';
    const { root, params } = setup(original, { '50-site.conf': 'ClientAliveInterval 300\n' });
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('fail');

    const before = root.snapshot();
    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.code).toBe(0);
    expect(fix.result).toMatchObject({ status: 'pass', observed: { changed: true, reload: 'skipped (reload false)' } });
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('pass');
    const afterFirst = root.snapshot();
    expect(afterFirst['etc/ssh/sshd_config']).toContain('PermitRootLogin yes'); // neighbours untouched
    expect(afterFirst['etc/ssh/sshd_config.d/50-site.conf']).toContain('ClientAliveInterval 300');
    expect(root.read('etc/ssh/sshd_config')).toBe(MARKER + before['etc/ssh/sshd_config']!.replace(/^\d+ /, ''));

    const again = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(again.result).toMatchObject({ status: 'pass', observed: { changed: false } });
    expect(root.snapshot()).toEqual(afterFirst);

    const back = await runLinuxStep(sshd, rb, 'rollback', params);
    expect(back.result).toMatchObject({ status: 'pass', observed: { restore: 'restored the saved copy' } });
    expect(root.read('etc/ssh/sshd_config')).toBe(original.replace('/etc/ssh/sshd_config.d', 'sshd_config.d'));
    expect(root.snapshot()['etc/ssh/sshd_config']).toBe(before['etc/ssh/sshd_config']); // mode too
    expect(existsSync(root.path('var/lib/writ/rollback/LIN-SSH-001.sshd_config'))).toBe(false);
    expect(existsSync(root.path('var/lib/writ/rollback/LIN-SSH-001.written'))).toBe(false);
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('fail');
    expect((await runLinuxStep(sshd, rb, 'rollback', params)).result).toMatchObject({ status: 'error', reason_code: 'NO_ROLLBACK_STATE' });
    root.cleanup();
  });

  it('remediate SSH-001, remediate SSH-002, roll back SSH-001: SSH-002\'s change stays', async () => {
    const original = 'PermitRootLogin yes\nPasswordAuthentication yes\nMaxAuthTries 6\n';
    const { root, params } = setup(original);
    expect((await runLinuxStep(sshd, rb, 'remediate', params)).result).toMatchObject({ status: 'pass', observed: { changed: true } });
    expect((await runLinuxStep(sshd, ssh2, 'remediate', params)).result).toMatchObject({ status: 'pass', observed: { changed: true } });
    expect(root.read('etc/ssh/sshd_config')).toBe(MARKER2 + MARKER + original);

    // SSH-001 still wins below SSH-002's lines, so running it again rewrites nothing.
    const settled = root.snapshot();
    expect((await runLinuxStep(sshd, rb, 'remediate', params)).result).toMatchObject({ status: 'pass', observed: { changed: false } });
    expect(root.snapshot()).toEqual(settled);

    const back = await runLinuxStep(sshd, rb, 'rollback', params);
    expect(back.result).toMatchObject({ status: 'pass', observed: { restore: 'removed the writ lines; later changes kept' } });
    expect(root.read('etc/ssh/sshd_config')).toBe(MARKER2 + original);
    expect((await runLinuxStep(sshd, ssh2, 'check', params)).result).toMatchObject({ status: 'pass', observed: { password_authentication: 'no' } });
    expect((await runLinuxStep(sshd, rb, 'check', params)).result).toMatchObject({ status: 'fail', observed: { permit_root_login: 'yes' } });

    // SSH-002 then rolls back to the original too.
    await runLinuxStep(sshd, ssh2, 'rollback', params);
    expect(root.read('etc/ssh/sshd_config')).toBe(original);
    root.cleanup();
  });

  it('rolls back in the other order too, and keeps a LIN-SSH-003 change made before it', async () => {
    const original = 'PermitRootLogin yes\nMaxAuthTries 6\n';
    const a = setup(original);
    await runLinuxStep(sshd, rb, 'remediate', a.params);
    await runLinuxStep(sshd, ssh2, 'remediate', a.params);
    await runLinuxStep(sshd, ssh2, 'rollback', a.params); // file still as SSH-002 wrote it: its saved copy
    expect(a.root.read('etc/ssh/sshd_config')).toBe(MARKER + original);
    expect((await runLinuxStep(sshd, rb, 'rollback', a.params)).result?.observed['restore']).toBe('restored the saved copy');
    expect(a.root.read('etc/ssh/sshd_config')).toBe(original);
    a.root.cleanup();

    const b = setup(original);
    await runLinuxStep(sshd, ssh3, 'remediate', b.params);
    await runLinuxStep(sshd, rb, 'remediate', b.params);
    expect(b.root.read('etc/ssh/sshd_config')).toBe(MARKER + '# managed by writ LIN-SSH-003\nMaxAuthTries 3\n' + original);
    await runLinuxStep(sshd, rb, 'rollback', b.params);
    expect(b.root.read('etc/ssh/sshd_config')).toBe('# managed by writ LIN-SSH-003\nMaxAuthTries 3\n' + original);
    b.root.cleanup();
  });

  it('keeps the first prior state of an incident and never restores over an edit made between two remediations', async () => {
    const original = 'PermitRootLogin yes\n';
    const { root, params } = setup(original);
    await runLinuxStep(sshd, rb, 'remediate', params);
    const saved = root.read('var/lib/writ/rollback/LIN-SSH-001.sshd_config');
    expect(saved).toBe(original);
    // Someone removes writ's lines and adds a setting of their own; writ heals the drift.
    writeFileSync(root.path('etc/ssh/sshd_config'), 'Banner /etc/issue.net\n' + original);
    expect((await runLinuxStep(sshd, rb, 'remediate', params)).result).toMatchObject({ status: 'pass', observed: { changed: true } });
    expect(root.read('var/lib/writ/rollback/LIN-SSH-001.sshd_config')).toBe(saved); // kept once per incident
    const back = await runLinuxStep(sshd, rb, 'rollback', params);
    expect(back.result?.observed['restore']).toMatch(/later changes kept/);
    expect(root.read('etc/ssh/sshd_config')).toBe('Banner /etc/issue.net\n' + original);
    root.cleanup();
  });

  it('moves a managed line that something above it overrides back to the top, without duplicates', async () => {
    const { root, params } = setup('PermitRootLogin yes\n' + MARKER + 'Port 22\n');
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('fail');
    expect((await runLinuxStep(sshd, rb, 'remediate', params)).result).toMatchObject({ status: 'pass', observed: { changed: true } });
    expect(root.read('etc/ssh/sshd_config')).toBe(MARKER + 'PermitRootLogin yes\nPort 22\n');
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('pass');
    root.cleanup();
  });

  it('refuses to remediate a missing file', async () => {
    const root = scratchRoot();
    const r = await runLinuxStep(sshd, rb, 'remediate', { sshd_config: root.path('missing'), state_dir: root.path('s'), reload: false });
    expect(r.code).not.toBe(0);
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'NO_SSHD_CONFIG' });
    expect(existsSync(root.path('s'))).toBe(false);
    root.cleanup();
  });

  it('with reload, refuses to write a configuration sshd rejects and changes nothing', async () => {
    const { root, params } = setup('NoSuchKeyword 1\nPermitRootLogin yes\n');
    const before = root.snapshot();
    const r = await runLinuxStep(sshd, rb, 'remediate', { ...params, reload: true });
    expect(r.code).not.toBe(0);
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'SSHD_CONFIG_INVALID' });
    expect(String(r.result?.observed['sshd_test'])).toContain('Bad configuration option: NoSuchKeyword');
    expect(root.snapshot()).toEqual(before);
    root.cleanup();
  });

  it('carries hostile configuration values and parameters into the result as data', async () => {
    const { root, params } = setup('PermitRootLogin "$(touch /tmp/writ-canary)"`touch /tmp/writ-canary`\'q\n');
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result?.status).toBe('fail');
    expect(r.result?.observed['permit_root_login']).toBe('$(touch /tmp/writ-canary)');
    const before = root.snapshot();
    for (const step of ['remediate', 'rollback'] as const) {
      const bad = await runLinuxStep(sshd, rb, step, { ...params, service_units: ['ssh.service', '$(touch /tmp/writ-canary)'] });
      expect(bad.result, step).toMatchObject({ status: 'error', reason_code: 'BAD_PARAMETER', observed: { bad_unit: '$(touch /tmp/writ-canary)' } });
    }
    expect(root.snapshot()).toEqual(before);
    expect(existsSync(CANARY)).toBe(false);
    root.cleanup();
  });
});
