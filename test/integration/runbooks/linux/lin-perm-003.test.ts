/*
 * LIN-PERM-003 over a real sshd, scripts running as the unprivileged writ-test on a scratch /etc.
 *
 * Could not run on this machine, and why:
 * - Files writ-test does not own (root-owned files of the real /etc): chmod is refused for them.
 *   The scratch root is owned by writ-test, so every step runs on it; the CHMOD_FAILED error path
 *   is exercised with a root-owned world-writable file in the scratch root.
 */
import { chmodSync, existsSync, rmSync, symlinkSync, chownSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../../../testkit/sshd.js';
import { loadLinuxRunbook, runLinuxStep, scratchRoot } from '../../../helpers/run-linux-runbook.js';

const rb = loadLinuxRunbook('LIN-PERM-003');
const CANARY = '/tmp/writ-canary';
let sshd: TestSshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

const HOSTILE = 'etc/$(touch /tmp/writ-canary)`touch /tmp/writ-canary`"\'\nnext-line.conf';

function setup(modes: Record<string, number>) {
  const files: Record<string, string> = {};
  for (const name of Object.keys(modes)) files[name] = `content of ${name}\n`;
  const root = scratchRoot(files);
  for (const [name, mode] of Object.entries(modes)) chmodSync(root.path(name), mode);
  const params = { scan_root: root.path('etc'), state_dir: root.path('var/lib/writ/rollback') };
  return { root, params };
}

describe('LIN-PERM-003 over real sshd', () => {
  it('passes a folder without world-writable files', async () => {
    const { root, params } = setup({ 'etc/hosts': 0o644, 'etc/ssh/sshd_config': 0o600, 'etc/group-writable': 0o664 });
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result).toMatchObject({ status: 'pass', observed: { world_writable_count: 0, scan_complete: true } });
    root.cleanup();
  });

  it('fails and counts world-writable files, naming at most list_limit of them', async () => {
    const { root, params } = setup({ 'etc/a.conf': 0o666, 'etc/sub/b.conf': 0o646, 'etc/c.conf': 0o777, 'etc/ok.conf': 0o644 });
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result).toMatchObject({ status: 'fail', observed: { world_writable_count: 3 } });
    expect(String(r.result?.observed['world_writable_paths']).split('\n').sort()).toEqual([root.path('etc/a.conf'), root.path('etc/c.conf'), root.path('etc/sub/b.conf')]);
    const counted = await runLinuxStep(sshd, rb, 'check', { ...params, list_limit: 0 });
    expect(counted.result).toMatchObject({ status: 'fail', observed: { world_writable_count: 3, world_writable_paths: '' } });
    root.cleanup();
  });

  it('does not follow or count symbolic links', async () => {
    const { root, params } = setup({ 'etc/ok.conf': 0o644, 'outside/open': 0o666 });
    symlinkSync(root.path('outside/open'), root.path('etc/link'));
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('pass');
    root.cleanup();
  });

  it('reports a missing scan folder as an error, never pass', async () => {
    const root = scratchRoot();
    const r = await runLinuxStep(sshd, rb, 'check', { scan_root: root.path('etc'), state_dir: root.path('s') });
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'SCAN_ROOT_MISSING' });
    root.cleanup();
  });

  it('heals drift, changes nothing on a second run, and rolls back exactly the files it changed', async () => {
    const { root, params } = setup({ 'etc/a.conf': 0o666, 'etc/sub/b.conf': 0o606, 'etc/ok.conf': 0o644, 'etc/setgid.conf': 0o2777 });
    const original = root.snapshot();
    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.code).toBe(0);
    expect(fix.result).toMatchObject({ status: 'pass', observed: { changed_count: 3 } });
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('pass');
    const afterFirst = root.snapshot();
    expect(afterFirst['etc/a.conf']).toMatch(/^664 /);
    expect(afterFirst['etc/sub/b.conf']).toMatch(/^604 /);
    expect(afterFirst['etc/setgid.conf']).toMatch(/^2775 /);
    expect(afterFirst['etc/ok.conf']).toBe(original['etc/ok.conf']);

    const again = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(again.result).toMatchObject({ status: 'pass', observed: { changed_count: 0 } });
    expect(root.snapshot()).toEqual(afterFirst);

    const back = await runLinuxStep(sshd, rb, 'rollback', params);
    expect(back.result).toMatchObject({ status: 'pass', observed: { restored_count: 3, skipped_count: 0 } });
    expect(root.snapshot()).toEqual(original);
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('fail');
    root.cleanup();
  });

  it('rollback leaves alone files changed since remediation and files it never touched', async () => {
    const { root, params } = setup({ 'etc/a.conf': 0o666, 'etc/b.conf': 0o666, 'etc/ok.conf': 0o644 });
    await runLinuxStep(sshd, rb, 'remediate', params);
    chmodSync(root.path('etc/b.conf'), 0o600); // an admin tightened it further
    chmodSync(root.path('etc/ok.conf'), 0o640); // never part of the remediation
    const back = await runLinuxStep(sshd, rb, 'rollback', params);
    expect(back.result).toMatchObject({ status: 'pass', observed: { restored_count: 1, skipped_count: 1 } });
    const snap = root.snapshot();
    expect(snap['etc/a.conf']).toMatch(/^666 /);
    expect(snap['etc/b.conf']).toMatch(/^600 /);
    expect(snap['etc/ok.conf']).toMatch(/^640 /);
    expect(existsSync(root.path('var/lib/writ/rollback/LIN-PERM-003.modes'))).toBe(false);
    root.cleanup();
  });

  it('keeps the first prior mode of a file across a second incident-time run', async () => {
    const { root, params } = setup({ 'etc/a.conf': 0o666, 'etc/b.conf': 0o644 });
    const original = root.snapshot();
    await runLinuxStep(sshd, rb, 'remediate', params);
    chmodSync(root.path('etc/b.conf'), 0o646); // a new world-writable file appears before rollback
    const second = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(second.result?.observed['changed_count']).toBe(1);
    const back = await runLinuxStep(sshd, rb, 'rollback', params);
    expect(back.result?.observed['restored_count']).toBe(2);
    const snap = root.snapshot();
    expect(snap['etc/a.conf']).toBe(original['etc/a.conf']);
    expect(snap['etc/b.conf']).toMatch(/^646 /);
    root.cleanup();
  });

  it('reports a refused chmod as an error', async () => {
    const { root, params } = setup({ 'etc/a.conf': 0o666, 'etc/rootfile': 0o666 });
    chownSync(root.path('etc/rootfile'), 0, 0);
    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.code).not.toBe(0);
    expect(fix.result).toMatchObject({ status: 'error', reason_code: 'CHMOD_FAILED', observed: { changed_count: 1, failed_count: 1 } });
    root.cleanup();
  });

  it('carries hostile file names (substitutions, quotes, a newline) as data through every step', async () => {
    rmSync(CANARY, { force: true });
    const { root, params } = setup({ [HOSTILE]: 0o666, 'etc/ok.conf': 0o644 });
    const original = root.snapshot();
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result).toMatchObject({ status: 'fail', observed: { world_writable_count: 1, world_writable_paths: root.path(HOSTILE) } });
    expect((await runLinuxStep(sshd, rb, 'remediate', params)).result?.observed['changed_count']).toBe(1);
    expect(root.snapshot()[HOSTILE]).toMatch(/^664 /);
    expect((await runLinuxStep(sshd, rb, 'rollback', params)).result?.observed['restored_count']).toBe(1);
    expect(root.snapshot()).toEqual(original);
    expect(existsSync(CANARY)).toBe(false);
    root.cleanup();
  });
});
