/*
 * LIN-SSH-003 (MaxAuthTries at most max_auth_tries) over a real sshd, scripts run as writ-test.
 *
 * Could not run on this machine:
 * - the live reload (`systemctl reload ssh|sshd`, or SIGHUP through /run/sshd.pid): systemd is not
 *   PID 1 here and writ-test may not signal root's sshd, so the tests pass reload: false.
 */
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../../../testkit/sshd.js';
import { loadLinuxRunbook, runLinuxStep, scratchRoot } from '../../../helpers/run-linux-runbook.js';

const rb = loadLinuxRunbook('LIN-SSH-003');
const CANARY = '/tmp/writ-canary';
let sshd: TestSshd;
beforeAll(async () => {
  rmSync(CANARY, { force: true });
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

function setup(mainConfig: string, dropIns: Record<string, string> = {}) {
  const files: Record<string, string> = { 'etc/ssh/sshd_config': mainConfig };
  for (const [name, text] of Object.entries(dropIns)) files[`etc/ssh/sshd_config.d/${name}`] = text;
  const root = scratchRoot(files);
  const params = { sshd_config: root.path('etc/ssh/sshd_config'), state_dir: root.path('var/lib/writ/rollback'), reload: false };
  return { root, params };
}

describe('LIN-SSH-003 over real sshd', () => {
  it('passes MaxAuthTries at or below the limit', async () => {
    const { root, params } = setup('MaxAuthTries 3\n');
    expect((await runLinuxStep(sshd, rb, 'check', params)).result).toMatchObject({ status: 'pass', observed: { max_auth_tries: 3 }, expected: { max_auth_tries: '<= 3' } });
    const b = setup('maxauthtries=2\n');
    expect((await runLinuxStep(sshd, rb, 'check', b.params)).result).toMatchObject({ status: 'pass', observed: { max_auth_tries: 2 } });
    const c = setup('MaxAuthTries 5\n');
    expect((await runLinuxStep(sshd, rb, 'check', { ...c.params, max_auth_tries: 5 })).result?.status).toBe('pass');
    for (const s of [root, b.root, c.root]) s.cleanup();
  });

  it('fails on the OpenSSH default 6, on a higher value, and on a drop-in that wins', async () => {
    const a = setup('Port 22\n');
    expect((await runLinuxStep(sshd, rb, 'check', a.params)).result).toMatchObject({ status: 'fail', observed: { max_auth_tries: 6, source_file: '(OpenSSH default)' } });
    const b = setup('Include sshd_config.d/*.conf\nMaxAuthTries 3\n', { '20-vendor.conf': 'MaxAuthTries 10\n' });
    const r = await runLinuxStep(sshd, rb, 'check', b.params);
    expect(r.result).toMatchObject({ status: 'fail', observed: { max_auth_tries: 10 } });
    expect(String(r.result?.observed['source_file'])).toMatch(/20-vendor\.conf$/);
    for (const s of [a, b]) s.root.cleanup();
  });

  it('ignores Match blocks; reports not_applicable without a config and error on a bad parameter', async () => {
    const { root, params } = setup('Match Address 10.0.0.0/8\n  MaxAuthTries 2\n');
    expect((await runLinuxStep(sshd, rb, 'check', params)).result).toMatchObject({ status: 'fail', observed: { max_auth_tries: 6, stopped_at_match: true } });
    const na = await runLinuxStep(sshd, rb, 'check', { ...params, sshd_config: root.path('nope') });
    expect(na.result).toMatchObject({ status: 'not_applicable', reason_code: 'NO_SSHD_CONFIG' });
    const bad = await runLinuxStep(sshd, rb, 'check', { ...params, max_auth_tries: 'x' });
    expect(bad.result).toMatchObject({ status: 'error', reason_code: 'BAD_PARAMETER' });
    root.cleanup();
  });

  it('heals drift, changes nothing on a second run, and rolls back to the exact prior file', async () => {
    const original = 'Include sshd_config.d/*.conf\nMaxAuthTries 8\nX11Forwarding no\n';
    const { root, params } = setup(original, { '50-site.conf': 'MaxAuthTries 9\n' });
    const before = root.snapshot();
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('fail');

    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.result).toMatchObject({ status: 'pass', observed: { changed: true, max_auth_tries: 3 } });
    expect((await runLinuxStep(sshd, rb, 'check', params)).result).toMatchObject({ status: 'pass', observed: { max_auth_tries: 3 } });
    const afterFirst = root.snapshot();
    expect(root.read('etc/ssh/sshd_config')).toBe('# managed by writ LIN-SSH-003\nMaxAuthTries 3\n' + original);
    expect(afterFirst['etc/ssh/sshd_config.d/50-site.conf']).toBe(before['etc/ssh/sshd_config.d/50-site.conf']);

    const again = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(again.result?.observed['changed']).toBe(false);
    expect(root.snapshot()).toEqual(afterFirst);

    // A new limit replaces the writ line instead of adding a second one.
    await runLinuxStep(sshd, rb, 'remediate', { ...params, max_auth_tries: 2 });
    expect(root.read('etc/ssh/sshd_config')).toBe('# managed by writ LIN-SSH-003\nMaxAuthTries 2\n' + original);

    const back = await runLinuxStep(sshd, rb, 'rollback', params);
    expect(back.result?.status).toBe('pass');
    expect(root.snapshot()).toEqual(before);
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('fail');
    root.cleanup();
  });

  it('carries hostile configuration values into the result as data', async () => {
    const { root, params } = setup('MaxAuthTries $(touch${IFS}/tmp/writ-canary)`touch /tmp/writ-canary`"\n');
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result?.status).toBe('fail');
    expect(r.result?.observed['max_auth_tries']).toBe('$(touch${IFS}/tmp/writ-canary)`touch');
    const bad = await runLinuxStep(sshd, rb, 'remediate', { ...params, max_auth_tries: '3$(touch /tmp/writ-canary)' });
    expect(bad.result).toMatchObject({ status: 'error', reason_code: 'BAD_PARAMETER' });
    expect(existsSync(CANARY)).toBe(false);
    root.cleanup();
  });
});
