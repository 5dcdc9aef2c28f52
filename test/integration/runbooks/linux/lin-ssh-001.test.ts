import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../../helpers/sshd.js';
import { loadLinuxRunbook, runLinuxStep, scratchRoot } from '../../../helpers/run-linux-runbook.js';

const rb = loadLinuxRunbook('LIN-SSH-001');
let sshd: TestSshd;
beforeAll(async () => {
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
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('fail');
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

    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.code).toBe(0);
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('pass');
    const afterFirst = root.snapshot();
    expect(afterFirst['etc/ssh/sshd_config']).toContain('PermitRootLogin yes'); // neighbours untouched
    expect(afterFirst['etc/ssh/sshd_config.d/50-site.conf']).toContain('ClientAliveInterval 300');

    await runLinuxStep(sshd, rb, 'remediate', params);
    expect(root.snapshot()).toEqual(afterFirst);

    const back = await runLinuxStep(sshd, rb, 'rollback', params);
    expect(back.result?.status).toBe('pass');
    expect(root.read('etc/ssh/sshd_config')).toBe(original.replace('/etc/ssh/sshd_config.d', 'sshd_config.d'));
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('fail');
    root.cleanup();
  });

  it('carries hostile configuration values into the result as data', async () => {
    const { root, params } = setup('PermitRootLogin "$(touch /tmp/writ-canary)"`id`\n');
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result?.status).toBe('fail');
    expect(String(r.result?.observed['permit_root_login'])).toContain('$(touch');
    root.cleanup();
  });
});
