/*
 * LIN-PERM-001 over a real sshd, scripts running as the unprivileged writ-test.
 *
 * Could not run on this machine, and why:
 * - Giving the file to root:shadow (the production owner and group): writ-test may not chown to
 *   another owner. The tests expect writ-test:writ-test instead, and assert that a refused chown
 *   is reported as error CHOWN_FAILED with nothing changed.
 */
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../../../testkit/sshd.js';
import { loadLinuxRunbook, runLinuxStep, scratchRoot } from '../../../helpers/run-linux-runbook.js';

const rb = loadLinuxRunbook('LIN-PERM-001');
const CANARY = '/tmp/writ-canary';
let sshd: TestSshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

const SHADOW = 'root:*:19000:0:99999:7:::\nwrit-test:*:19000:0:99999:7:::\n';

function setup(mode: number, name = 'etc/shadow') {
  const root = scratchRoot({ [name]: SHADOW });
  chmodSync(root.path(name), mode);
  const params = { shadow_file: root.path(name), owner: 'writ-test', group: 'writ-test', fallback_group: 'writ-test', state_dir: root.path('var/lib/writ/rollback') };
  return { root, params };
}

describe('LIN-PERM-001 over real sshd', () => {
  it('passes a file with an allowed mode and the expected owner and group', async () => {
    for (const mode of [0o640, 0o600, 0o000]) {
      const { root, params } = setup(mode);
      const r = await runLinuxStep(sshd, rb, 'check', params);
      expect(r.result).toMatchObject({ status: 'pass', observed: { mode: mode.toString(8).padStart(4, '0'), owner: 'writ-test', group: 'writ-test' } });
      root.cleanup();
    }
  });

  it('fails a world-readable file and names the mode', async () => {
    const { root, params } = setup(0o644);
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result).toMatchObject({ status: 'fail', observed: { mode: '0644' }, expected: { mode_in: '0640,0600,0000' } });
    root.cleanup();
  });

  it('expects the fallback group when the preferred group does not exist', async () => {
    const { root, params } = setup(0o640);
    const r = await runLinuxStep(sshd, rb, 'check', { ...params, group: 'writ-no-such-group', fallback_group: 'writ-test' });
    expect(r.result).toMatchObject({ status: 'pass', expected: { group: 'writ-test' } });
    root.cleanup();
  });

  it('fails on a wrong owner and reports a refused chown as an error, changing nothing', async () => {
    const { root, params } = setup(0o644);
    const p = { ...params, owner: 'root', group: 'shadow', fallback_group: 'root' };
    const r = await runLinuxStep(sshd, rb, 'check', p);
    expect(r.result?.status).toBe('fail');
    expect(r.result?.message).toContain('owner is writ-test, not root');
    const before = root.snapshot();
    const fix = await runLinuxStep(sshd, rb, 'remediate', p);
    expect(fix.code).not.toBe(0);
    expect(fix.result).toMatchObject({ status: 'error', reason_code: 'CHOWN_FAILED' });
    expect(root.snapshot()).toEqual(before);
    root.cleanup();
  });

  it('reports a missing file as an error, never pass', async () => {
    const root = scratchRoot();
    const r = await runLinuxStep(sshd, rb, 'check', { shadow_file: root.path('etc/shadow'), owner: 'writ-test', group: 'writ-test', state_dir: root.path('s') });
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'SHADOW_MISSING' });
    root.cleanup();
  });

  it('heals drift, changes nothing on a second run, and rolls back to the exact prior state', async () => {
    const { root, params } = setup(0o644);
    const original = root.snapshot();
    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.code).toBe(0);
    expect(fix.result).toMatchObject({ status: 'pass', observed: { mode: '0640', changed: true } });
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('pass');
    const afterFirst = root.snapshot();
    expect(afterFirst['etc/shadow']).toBe(`640 ${SHADOW}`);

    const again = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(again.result?.observed['changed']).toBe(false);
    expect(root.snapshot()).toEqual(afterFirst);

    const back = await runLinuxStep(sshd, rb, 'rollback', params);
    expect(back.result?.status).toBe('pass');
    expect(root.snapshot()).toEqual(original);
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('fail');
    root.cleanup();
  });

  it('leaves an allowed but different mode (0600) alone', async () => {
    const { root, params } = setup(0o600);
    const before = root.snapshot();
    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.result?.observed['changed']).toBe(false);
    expect(root.snapshot()).toEqual(before);
    root.cleanup();
  });

  it('carries a hostile file name into the result as data', async () => {
    rmSync(CANARY, { force: true });
    const { root, params } = setup(0o666, 'etc/sh"ad`id`\'$(touch /tmp/writ-canary)ow');
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result?.status).toBe('fail');
    expect(String(r.result?.observed['path'])).toContain('$(touch /tmp/writ-canary)');
    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.result?.status).toBe('pass');
    expect((await runLinuxStep(sshd, rb, 'rollback', params)).result?.status).toBe('pass');
    expect(existsSync(CANARY)).toBe(false);
    root.cleanup();
  });
});
