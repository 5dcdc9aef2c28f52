/*
 * LIN-AUDIT-002 (audit watches on the authentication logs) over a real sshd, run as writ-test.
 *
 * Could not run on this machine:
 * - the loaded kernel rules: auditd/auditctl are not installed here, the container may not load
 *   audit rules, and `auditctl -l/-s/-w/-W` need root. So `check_live` and `apply_live` are false in
 *   the main tests; with them on, the test asserts AUDIT_NOT_INSTALLED and that nothing changed.
 * What runs for real: choosing the logs that exist (auth.log vs secure) in a scratch root, reading
 * rules_dir/*.rules, the writ-owned rules file (rewritten, never appended), idempotence, and the
 * byte-exact rollback.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../../../testkit/sshd.js';
import { loadLinuxRunbook, runLinuxStep, scratchRoot } from '../../../helpers/run-linux-runbook.js';

const rb = loadLinuxRunbook('LIN-AUDIT-002');
const CANARY = '/tmp/writ-canary';
let sshd: TestSshd;
beforeAll(async () => {
  rmSync(CANARY, { force: true });
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

function setup(files: Record<string, string>) {
  const root = scratchRoot({ 'etc/audit/rules.d/audit.rules': '-D\n-b 8192\n', ...files });
  const authLog = root.path('var/log/auth.log');
  const secure = root.path('var/log/secure');
  const params = {
    watched_files: [authLog, secure],
    rules_dir: root.path('etc/audit/rules.d'),
    rules_file: root.path('etc/audit/rules.d/writ-auth-logs.rules'),
    check_live: false,
    state_dir: root.path('var/lib/writ/rollback'),
    apply_live: false,
  };
  return { root, params, authLog, secure };
}

describe('LIN-AUDIT-002 over real sshd', () => {
  it('passes when the existing auth log is watched; the absent one is not required', async () => {
    const s = setup({ 'var/log/auth.log': 'x\n' });
    writeFileSync(s.root.path('etc/audit/rules.d/40-auth.rules'), `-w ${s.authLog} -p wa -k auth\n`);
    const r = await runLinuxStep(sshd, rb, 'check', s.params);
    expect(r.result).toMatchObject({ status: 'pass', observed: { watched: s.authLog, absent: s.secure, missing_persistent: '' } });
    s.root.cleanup();
  });

  it('fails when an existing log is not watched (RHEL layout)', async () => {
    const s = setup({ 'var/log/secure': 'x\n', 'etc/audit/rules.d/40-auth.rules': '-w /var/log/auth.log -p wa -k auth\n' });
    const r = await runLinuxStep(sshd, rb, 'check', s.params);
    expect(r.result).toMatchObject({ status: 'fail', observed: { watched: s.secure, missing_persistent: s.secure } });
    s.root.cleanup();
  });

  it('reports not_applicable without auth logs or without the audit system, never pass', async () => {
    const s = setup({ 'var/log/journal/.keep': '' });
    expect((await runLinuxStep(sshd, rb, 'check', s.params)).result).toMatchObject({ status: 'not_applicable', reason_code: 'NO_AUTH_LOG' });
    expect((await runLinuxStep(sshd, rb, 'check', { ...s.params, rules_dir: s.root.path('nope') })).result).toMatchObject({ status: 'not_applicable', reason_code: 'AUDIT_NOT_INSTALLED' });
    writeFileSync(s.authLog, 'x\n');
    writeFileSync(s.params.rules_file, `-w ${s.authLog} -p wa -k auth\n`);
    const live = await runLinuxStep(sshd, rb, 'check', { ...s.params, check_live: true });
    expect(live.result).toMatchObject({ status: 'not_applicable', reason_code: 'AUDIT_NOT_INSTALLED' });
    s.root.cleanup();
  });

  it('heals drift in its own file, changes nothing on a second run, and rolls back exactly', async () => {
    const previous = '## an older writ file\n-w /var/log/auth.log -p wa -k auth\n-w /var/log/auth.log -p wa -k auth\n';
    const s = setup({ 'var/log/auth.log': 'x\n', 'var/log/secure': 'y\n', 'etc/audit/rules.d/writ-auth-logs.rules': previous });
    const before = s.root.snapshot();
    expect((await runLinuxStep(sshd, rb, 'check', s.params)).result).toMatchObject({ status: 'fail', observed: { missing_persistent: `${s.authLog} ${s.secure}` } });

    const fix = await runLinuxStep(sshd, rb, 'remediate', s.params);
    expect(fix.result).toMatchObject({ status: 'pass', observed: { changed: true, rules_written: `${s.authLog} ${s.secure}` } });
    const text = s.root.read('etc/audit/rules.d/writ-auth-logs.rules');
    expect(text.split('\n').filter((l) => l.startsWith('-w'))).toEqual([`-w ${s.authLog} -p wa -k auth`, `-w ${s.secure} -p wa -k auth`]);
    expect((await runLinuxStep(sshd, rb, 'check', s.params)).result?.status).toBe('pass');
    const afterFirst = s.root.snapshot();

    const again = await runLinuxStep(sshd, rb, 'remediate', s.params);
    expect(again.result?.observed['changed']).toBe(false);
    expect(s.root.snapshot()).toEqual(afterFirst);

    const back = await runLinuxStep(sshd, rb, 'rollback', s.params);
    expect(back.result).toMatchObject({ status: 'pass', observed: { rules_file_restore: 'restored the saved copy' } });
    expect(s.root.read('etc/audit/rules.d/writ-auth-logs.rules')).toBe(previous);
    expect(s.root.snapshot()).toEqual(before);
    s.root.cleanup();
  });

  it('with apply_live, refuses to start without auditctl and changes nothing', async () => {
    const s = setup({ 'var/log/auth.log': 'x\n' });
    const before = s.root.snapshot();
    const r = await runLinuxStep(sshd, rb, 'remediate', { ...s.params, apply_live: true });
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'AUDIT_NOT_INSTALLED' });
    expect(s.root.snapshot()).toEqual(before);
    s.root.cleanup();
  });

  it('treats hostile rule text and parameters as data', async () => {
    const s = setup({ 'var/log/auth.log': 'x\n', 'etc/audit/rules.d/40-evil.rules': '-w $(touch /tmp/writ-canary) -p wa\n-w `touch /tmp/writ-canary` -k "\'\n' });
    const r = await runLinuxStep(sshd, rb, 'check', s.params);
    expect(r.result).toMatchObject({ status: 'fail', observed: { missing_persistent: s.authLog } });
    const bad = await runLinuxStep(sshd, rb, 'remediate', { ...s.params, audit_key: 'auth$(touch /tmp/writ-canary)' });
    expect(bad.result).toMatchObject({ status: 'error', reason_code: 'BAD_PARAMETER' });
    const bad2 = await runLinuxStep(sshd, rb, 'check', { ...s.params, watched_files: ['/var/log/auth.log $(touch /tmp/writ-canary)'] });
    expect(bad2.result).toMatchObject({ status: 'error', reason_code: 'BAD_PARAMETER', observed: { bad_parameter: '/var/log/auth.log $(touch /tmp/writ-canary)' } });
    expect(existsSync(CANARY)).toBe(false);
    s.root.cleanup();
  });
});
