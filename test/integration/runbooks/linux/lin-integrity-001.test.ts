/*
 * LIN-INTEGRITY-001 over a real sshd, scripts running as the unprivileged writ-test.
 *
 * Could not run on this machine, and why:
 * - AIDE is not installed (nor samhain or OSSEC/Wazuh), so the check reports error
 *   AIDE_NOT_INSTALLED (never pass) and remediation reports AIDE_NOT_INSTALLED and changes nothing.
 *   Therefore not shown here: the check passing or failing on the baseline's age, `aide --init`,
 *   writing the cron file, the second run changing nothing, and the check passing after
 *   remediation. The check still observes the database's presence and age, which is asserted.
 * - Rollback after a real remediation: instead it runs on the record format remediation writes
 *   (db/cron absent or present, plus saved copies), built in a scratch root.
 */
import { existsSync, rmSync, utimesSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../../../testkit/sshd.js';
import { loadLinuxRunbook, runLinuxStep, scratchRoot } from '../../../helpers/run-linux-runbook.js';

const rb = loadLinuxRunbook('LIN-INTEGRITY-001');
const CANARY = '/tmp/writ-canary';
let sshd: TestSshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

function setup(files: Record<string, string>) {
  const root = scratchRoot({ 'etc/aide/aide.conf': 'database_in=file:/var/lib/aide/aide.db\n', ...files });
  const params = {
    aide_conf: root.path('etc/aide/aide.conf'),
    aide_db: root.path('var/lib/aide/aide.db'),
    aide_db_new: root.path('var/lib/aide/aide.db.new'),
    cron_file: root.path('etc/cron.d/writ-aide'),
    state_dir: root.path('var/lib/writ/rollback'),
  };
  return { root, params };
}

describe('LIN-INTEGRITY-001 over real sshd', () => {
  it('reports AIDE_NOT_INSTALLED here, never pass, and still observes the baseline age', async () => {
    const { root, params } = setup({ 'var/lib/aide/aide.db': 'baseline' });
    const old = Date.now() / 1000 - 40 * 86400;
    utimesSync(root.path('var/lib/aide/aide.db'), old, old);
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'AIDE_NOT_INSTALLED', observed: { fim_tool: 'none', aide_installed: false, aide_db_present: true, aide_db_age_days: 40 } });
    const none = setup({});
    expect((await runLinuxStep(sshd, rb, 'check', none.params)).result).toMatchObject({ status: 'error', observed: { aide_db_present: false, aide_db_age_days: null } });
    root.cleanup();
    none.root.cleanup();
  });

  it('refuses remediation without AIDE and changes nothing', async () => {
    const { root, params } = setup({ 'etc/cron.d/.keep': '' });
    const before = root.snapshot();
    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.code).not.toBe(0);
    expect(fix.result).toMatchObject({ status: 'error', reason_code: 'AIDE_NOT_INSTALLED' });
    expect(root.snapshot()).toEqual(before);
    root.cleanup();
  });

  it('rollback removes a baseline and cron file it created', async () => {
    const { root, params } = setup({
      'etc/cron.d/other': 'keep me\n',
      'var/lib/aide/aide.db': 'new baseline',
      'etc/cron.d/writ-aide': '0 5 * * * root /usr/bin/aide --check\n',
      'var/lib/writ/rollback/LIN-INTEGRITY-001.state': 'db=absent\ncron=absent\n',
    });
    const back = await runLinuxStep(sshd, rb, 'rollback', params);
    expect(back.result?.status).toBe('pass');
    expect(root.snapshot()).toEqual({ 'etc/aide/aide.conf': expect.any(String), 'etc/cron.d/other': '644 keep me\n' });
    root.cleanup();
  });

  it('rollback puts back a saved baseline and cron file exactly', async () => {
    const { root, params } = setup({
      'var/lib/aide/aide.db': 'rebaselined',
      'etc/cron.d/writ-aide': 'new\n',
      'var/lib/writ/rollback/LIN-INTEGRITY-001.state': 'db=present\ncron=present\n',
      'var/lib/writ/rollback/LIN-INTEGRITY-001.aide.db': 'old baseline',
      'var/lib/writ/rollback/LIN-INTEGRITY-001.cron': 'old cron\n',
    });
    expect((await runLinuxStep(sshd, rb, 'rollback', params)).result?.status).toBe('pass');
    expect(root.read('var/lib/aide/aide.db')).toBe('old baseline');
    expect(root.read('etc/cron.d/writ-aide')).toBe('old cron\n');
    expect(existsSync(root.path('var/lib/writ/rollback/LIN-INTEGRITY-001.state'))).toBe(false);
    expect((await runLinuxStep(sshd, rb, 'rollback', params)).result).toMatchObject({ status: 'error', reason_code: 'NO_ROLLBACK_STATE' });
    root.cleanup();
  });

  it('refuses a damaged rollback record', async () => {
    const { root, params } = setup({ 'var/lib/aide/aide.db': 'x', 'var/lib/writ/rollback/LIN-INTEGRITY-001.state': 'db=$(touch /tmp/writ-canary)\ncron=absent\n' });
    const before = root.snapshot();
    expect((await runLinuxStep(sshd, rb, 'rollback', params)).result).toMatchObject({ status: 'error', reason_code: 'BAD_ROLLBACK_STATE' });
    expect(root.snapshot()).toEqual(before);
    root.cleanup();
  });

  it('keeps hostile paths and schedules out of the cron line and treats them as data', async () => {
    rmSync(CANARY, { force: true });
    const { root, params } = setup({ 'var/lib/aide/"q\'$(touch /tmp/writ-canary)`touch /tmp/writ-canary`.db': 'baseline' });
    const r = await runLinuxStep(sshd, rb, 'check', { ...params, aide_db: root.path('var/lib/aide/"q\'$(touch /tmp/writ-canary)`touch /tmp/writ-canary`.db') });
    expect(r.result).toMatchObject({ status: 'error', observed: { aide_db_present: true } });
    for (const bad of [{ aide_conf: '/etc/aide/$(touch /tmp/writ-canary)' }, { cron_schedule: '* * * * * ; touch /tmp/writ-canary' }, { cron_file: '/etc/cron.d/`touch /tmp/writ-canary`' }]) {
      const fix = await runLinuxStep(sshd, rb, 'remediate', { ...params, ...bad });
      expect(fix.result).toMatchObject({ status: 'error', reason_code: 'BAD_PARAMETER' });
    }
    expect(existsSync(CANARY)).toBe(false);
    root.cleanup();
  });
});
