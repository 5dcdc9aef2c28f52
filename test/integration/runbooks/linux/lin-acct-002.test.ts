/*
 * LIN-ACCT-002 over a real sshd, scripts running as the unprivileged writ-test on a scratch login.defs.
 *
 * Could not run on this machine, and why:
 * - Keeping root ownership of the rewritten file: the scratch file belongs to writ-test, so the
 *   chown --reference step runs but only ever keeps writ-test as owner.
 */
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../../../testkit/sshd.js';
import { loadLinuxRunbook, runLinuxStep, scratchRoot } from '../../../helpers/run-linux-runbook.js';

const rb = loadLinuxRunbook('LIN-ACCT-002');
const CANARY = '/tmp/writ-canary';
let sshd: TestSshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

// Shaped like Debian's file: comments that mention the key, tabs, neighbours that must not move.
const DEBIAN = [
  '#',
  '# Password aging controls:',
  '#',
  '#\tPASS_MAX_DAYS\tMaximum number of days a password may be used.',
  '#\tPASS_MIN_DAYS\tMinimum number of days allowed between password changes.',
  '#',
  'PASS_MAX_DAYS\t99999',
  'PASS_MIN_DAYS\t0',
  'PASS_WARN_AGE\t7',
  'UMASK\t\t022',
  '',
].join('\n');

function setup(text: string) {
  const root = scratchRoot({ 'etc/login.defs': text });
  chmodSync(root.path('etc/login.defs'), 0o644);
  return { root, params: { login_defs: root.path('etc/login.defs'), state_dir: root.path('var/lib/writ/rollback') } };
}

describe('LIN-ACCT-002 over real sshd', () => {
  it('passes 90 and stricter values, and says it covers new accounts only', async () => {
    for (const v of ['90', '30']) {
      const { root, params } = setup(DEBIAN.replace('99999', v));
      const r = await runLinuxStep(sshd, rb, 'check', params);
      expect(r.result).toMatchObject({ status: 'pass', observed: { pass_max_days: v, applies_to: 'new_accounts_only' } });
      root.cleanup();
    }
  });

  it('fails the Debian default, a missing line, a disabled value, and a later line overriding an earlier one', async () => {
    const cases: [string, string][] = [
      [DEBIAN, '99999'],
      [DEBIAN.replace('PASS_MAX_DAYS\t99999\n', ''), 'unset'],
      [DEBIAN.replace('99999', '-1'), '-1'],
      [DEBIAN.replace('PASS_MAX_DAYS\t99999', 'PASS_MAX_DAYS 60\nPASS_MAX_DAYS 120'), '120'],
    ];
    for (const [text, seen] of cases) {
      const { root, params } = setup(text);
      const r = await runLinuxStep(sshd, rb, 'check', params);
      expect(r.result).toMatchObject({ status: 'fail', observed: { pass_max_days: seen } });
      root.cleanup();
    }
  });

  it('honours max_days', async () => {
    const { root, params } = setup(DEBIAN.replace('99999', '180'));
    expect((await runLinuxStep(sshd, rb, 'check', { ...params, max_days: 365 })).result?.status).toBe('pass');
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('fail');
    root.cleanup();
  });

  it('reports a missing login.defs as an error, never pass', async () => {
    const root = scratchRoot();
    const r = await runLinuxStep(sshd, rb, 'check', { login_defs: root.path('etc/login.defs'), state_dir: root.path('s') });
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'LOGIN_DEFS_MISSING' });
    root.cleanup();
  });

  it('changes only the PASS_MAX_DAYS value, changes nothing on a second run, and rolls back exactly', async () => {
    const { root, params } = setup(DEBIAN);
    const original = root.snapshot();
    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.code).toBe(0);
    expect(fix.result).toMatchObject({ status: 'pass', observed: { pass_max_days: '90', changed: true, applies_to: 'new_accounts_only' } });
    expect(fix.result?.message).toMatch(/created from now on/);
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('pass');
    const afterFirst = root.snapshot();
    expect(afterFirst['etc/login.defs']).toBe(`644 ${DEBIAN.replace('PASS_MAX_DAYS\t99999', 'PASS_MAX_DAYS\t90')}`);

    const again = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(again.result?.observed['changed']).toBe(false);
    expect(root.snapshot()).toEqual(afterFirst);

    expect((await runLinuxStep(sshd, rb, 'rollback', params)).result?.status).toBe('pass');
    expect(root.snapshot()).toEqual(original);
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('fail');
    root.cleanup();
  });

  it('adds the line once when there is none, keeping a file without a final newline intact', async () => {
    const text = 'PASS_MIN_DAYS\t0\nUMASK\t022';
    const { root, params } = setup(text);
    await runLinuxStep(sshd, rb, 'remediate', params);
    expect(root.read('etc/login.defs')).toBe(`${text}\nPASS_MAX_DAYS\t90\n`);
    const afterFirst = root.snapshot();
    await runLinuxStep(sshd, rb, 'remediate', params);
    expect(root.snapshot()).toEqual(afterFirst);
    await runLinuxStep(sshd, rb, 'rollback', params);
    expect(root.read('etc/login.defs')).toBe(text);
    root.cleanup();
  });

  it('rewrites only out-of-range lines when the key appears twice', async () => {
    const { root, params } = setup('PASS_MAX_DAYS   60\nUMASK 022\n  PASS_MAX_DAYS 99999 \n');
    await runLinuxStep(sshd, rb, 'remediate', params);
    expect(root.read('etc/login.defs')).toBe('PASS_MAX_DAYS   60\nUMASK 022\n  PASS_MAX_DAYS 90 \n');
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.observed['pass_max_days']).toBe('90');
    root.cleanup();
  });

  it('carries a hostile value into the result as data and replaces it', async () => {
    rmSync(CANARY, { force: true });
    // One value token (login.defs values end at white space), so ${IFS} stands in for the blank.
    const evil = '$(touch${IFS}/tmp/writ-canary)`touch${IFS}/tmp/writ-canary`"\'';
    const { root, params } = setup(`PASS_MAX_DAYS ${evil}\nPASS_MIN_DAYS 0\n`);
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result).toMatchObject({ status: 'fail', observed: { pass_max_days: evil } });
    await runLinuxStep(sshd, rb, 'remediate', params);
    expect(root.read('etc/login.defs')).toBe('PASS_MAX_DAYS 90\nPASS_MIN_DAYS 0\n');
    expect(existsSync(CANARY)).toBe(false);
    root.cleanup();
  });
});
