/*
 * LIN-PERM-002 over a real sshd, scripts running as the unprivileged writ-test.
 *
 * Could not run on this machine, and why:
 * - Giving the file to root:root (the production owner and group): writ-test may not chown to
 *   another owner. The tests expect writ-test:writ-test instead, and assert that a refused chown
 *   is reported as error CHOWN_FAILED with nothing changed.
 */
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../../../testkit/sshd.js';
import { loadLinuxRunbook, runLinuxStep, scratchRoot } from '../../../helpers/run-linux-runbook.js';

const rb = loadLinuxRunbook('LIN-PERM-002');
const CANARY = '/tmp/writ-canary';
let sshd: TestSshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

const CONFIG = 'Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\nUsePAM yes\n';

function setup(mode: number, name = 'etc/ssh/sshd_config') {
  const root = scratchRoot({ [name]: CONFIG });
  chmodSync(root.path(name), mode);
  const params = { sshd_config: root.path(name), owner: 'writ-test', group: 'writ-test', state_dir: root.path('var/lib/writ/rollback') };
  return { root, params };
}

describe('LIN-PERM-002 over real sshd', () => {
  it('passes 0600 and 0644 with the expected owner and group', async () => {
    for (const mode of [0o600, 0o644]) {
      const { root, params } = setup(mode);
      const r = await runLinuxStep(sshd, rb, 'check', params);
      expect(r.result).toMatchObject({ status: 'pass', observed: { mode: mode.toString(8).padStart(4, '0'), owner: 'writ-test', group: 'writ-test' } });
      root.cleanup();
    }
  });

  it('fails a group- or world-writable configuration', async () => {
    for (const [mode, text] of [[0o664, '0664'], [0o666, '0666'], [0o640, '0640']] as const) {
      const { root, params } = setup(mode);
      const r = await runLinuxStep(sshd, rb, 'check', params);
      expect(r.result).toMatchObject({ status: 'fail', observed: { mode: text } });
      root.cleanup();
    }
  });

  it('reports not_applicable without an sshd configuration, never pass', async () => {
    const root = scratchRoot();
    const r = await runLinuxStep(sshd, rb, 'check', { sshd_config: root.path('etc/ssh/sshd_config'), owner: 'writ-test', group: 'writ-test', state_dir: root.path('s') });
    expect(r.result).toMatchObject({ status: 'not_applicable', reason_code: 'NO_SSHD_CONFIG' });
    root.cleanup();
  });

  it('reports a refused chown as an error and changes nothing', async () => {
    const { root, params } = setup(0o666);
    const p = { ...params, owner: 'root', group: 'root' };
    expect((await runLinuxStep(sshd, rb, 'check', p)).result?.status).toBe('fail');
    const before = root.snapshot();
    const fix = await runLinuxStep(sshd, rb, 'remediate', p);
    expect(fix.code).not.toBe(0);
    expect(fix.result).toMatchObject({ status: 'error', reason_code: 'CHOWN_FAILED' });
    expect(root.snapshot()).toEqual(before);
    root.cleanup();
  });

  it('heals drift, changes nothing on a second run, and rolls back to the exact prior state', async () => {
    const { root, params } = setup(0o666);
    const original = root.snapshot();
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('fail');
    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.code).toBe(0);
    expect(fix.result).toMatchObject({ status: 'pass', observed: { mode: '0600', changed: true } });
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('pass');
    const afterFirst = root.snapshot();
    expect(afterFirst['etc/ssh/sshd_config']).toBe(`600 ${CONFIG}`);

    const again = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(again.result?.observed['changed']).toBe(false);
    expect(root.snapshot()).toEqual(afterFirst);

    expect((await runLinuxStep(sshd, rb, 'rollback', params)).result?.status).toBe('pass');
    expect(root.snapshot()).toEqual(original);
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('fail');
    root.cleanup();
  });

  it('carries a hostile path into the result as data', async () => {
    rmSync(CANARY, { force: true });
    const { root, params } = setup(0o666, 'etc/ssh/"q\'`touch /tmp/writ-canary`$(touch /tmp/writ-canary)');
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result?.status).toBe('fail');
    expect(String(r.result?.observed['path'])).toContain('`touch /tmp/writ-canary`$(touch /tmp/writ-canary)');
    expect((await runLinuxStep(sshd, rb, 'remediate', params)).result?.status).toBe('pass');
    expect((await runLinuxStep(sshd, rb, 'rollback', params)).result?.status).toBe('pass');
    expect(existsSync(CANARY)).toBe(false);
    root.cleanup();
  });
});
