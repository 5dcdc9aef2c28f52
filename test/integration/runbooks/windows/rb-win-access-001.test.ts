import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-ACCESS-001');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const SYSTEM = 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System';
const ADMINS = 'S-1-5-32-544';
const M = 'S-1-5-21-1000-2000-3000';
const compliantPolicy = { MinimumPasswordAge: 1, MaximumPasswordAge: 90, MinimumPasswordLength: 12, PasswordComplexity: 1, PasswordHistorySize: 12, LockoutBadCount: 5, ResetLockoutCount: 30, LockoutDuration: 30 };
const admins = (n: number) => ({
  ComputerName: 'CLINIC-PC1',
  Users: {},
  Groups: { [ADMINS]: { Name: 'Administrators', Members: Object.fromEntries(Array.from({ length: n }, (_, i) => [`${M}-${500 + i}`, { Name: `CLINIC-PC1\\admin${i}`, ObjectClass: 'User', PrincipalSource: 'Local' }])) } },
});
const standins = ['WinB-Secedit.ps1', 'WinB-LocalAccounts.ps1'];

describe('RB-WIN-ACCESS-001 under pwsh with stand-in cmdlets', () => {
  it('passes when the shared policy, two administrators and a 10-minute inactivity limit are in place', async () => {
    const state = { AccountPolicy: { ...compliantPolicy }, LocalAccounts: admins(2), Registry: { [SYSTEM]: { EnableLUA: 1, InactivityTimeoutSecs: 600 } } };
    const r = await runWindowsScenario(rb, ['check'], { standins, state, params: { state_dir: tempDir() } });
    expect(r.results[0]!.result).toMatchObject({
      status: 'pass',
      observed: { min_password_length: 12, complexity_enabled: true, lockout_threshold: 5, local_admin_count: 2, inactivity_timeout_seconds: 600, inactivity_timeout_drift: false, issues: [], undecided: [] },
    });
  });

  it('drifted → remediated (verify ignores the admin count) → idempotent → rolled back', async () => {
    // Windows defaults: no lockout (so secedit hides duration and window), never-expiring passwords, no inactivity limit.
    const initial = {
      AccountPolicy: { MinimumPasswordAge: 0, MaximumPasswordAge: -1, MinimumPasswordLength: 8, PasswordComplexity: 0, PasswordHistorySize: 0, LockoutBadCount: 0, ResetLockoutCount: 30, LockoutDuration: 30 },
      LocalAccounts: admins(3),
      Registry: { [SYSTEM]: { EnableLUA: 1 } },
    };
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'verify', 'check', 'remediate', 'rollback', 'check'], { standins, state: structuredClone(initial), params: { state_dir: tempDir() } });
    const [check1, fix1, verify, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({
      status: 'fail',
      observed: {
        min_password_length: 8, max_password_age_days: -1, min_password_age_days: 0, password_history: 0, complexity_enabled: false,
        lockout_threshold: 0, lockout_duration_minutes: null, lockout_window_minutes: null, policy_drift: true,
        local_admin_count: 3, inactivity_timeout_seconds: 0, inactivity_timeout_drift: true,
        issues: ['MIN_PASSWORD_LENGTH', 'MAX_PASSWORD_AGE', 'MIN_PASSWORD_AGE', 'PASSWORD_HISTORY', 'PASSWORD_COMPLEXITY', 'LOCKOUT_THRESHOLD', 'LOCKOUT_DURATION', 'LOCKOUT_WINDOW', 'TOO_MANY_ADMINS', 'INACTIVITY_TIMEOUT'],
      },
    });
    expect(fix1!.result?.observed['changed_values']).toEqual([
      'MinimumPasswordLength', 'MaximumPasswordAge', 'MinimumPasswordAge', 'PasswordHistorySize', 'PasswordComplexity', 'LockoutBadCount', 'LockoutDuration', 'ResetLockoutCount', 'InactivityTimeoutSecs',
    ]);
    expect(verify!.result).toMatchObject({ status: 'pass', observed: { local_admin_count: 3, inactivity_timeout_seconds: 900 } });
    expect(check2!.result).toMatchObject({ status: 'fail', observed: { policy_drift: false, inactivity_timeout_drift: false, issues: ['TOO_MANY_ADMINS'] } });
    expect(fix2!.result?.observed['changed_values']).toEqual([]);
    expect(rollback!.result?.status).toBe('pass');
    expect(check3!.result).toMatchObject({ status: 'fail', observed: { min_password_length: 8, inactivity_timeout_drift: true } });
    expect(r.state).toEqual(initial);
    expect(r.calls.filter((c) => c.cmdlet === 'secedit.exe' && (c.args['argv'] as string[])[0] === '/configure')).toHaveLength(2);
    // Temporary policy files are removed.
    const cfgs = r.calls.filter((c) => c.cmdlet === 'secedit.exe').map((c) => (c.args['argv'] as string[])[2]!);
    expect(cfgs.every((p) => !existsSync(p))).toBe(true);
  });

  it('an over-long inactivity limit and a hostile registry string are drift; the limit alone drives inactivity_timeout_drift', async () => {
    const dir = tempDir();
    const marker = join(dir, 'pwned');
    const hostile = `900'; $(Set-Content -Path '${marker}' -Value 1) \``;
    const r1 = await runWindowsScenario(rb, ['check'], { standins, state: { AccountPolicy: { ...compliantPolicy }, LocalAccounts: admins(1), Registry: { [SYSTEM]: { InactivityTimeoutSecs: hostile } } }, params: { state_dir: dir } });
    expect(r1.results[0]!.result).toMatchObject({ status: 'fail', observed: { policy_drift: false, inactivity_timeout_seconds: hostile, inactivity_timeout_drift: true, issues: ['INACTIVITY_TIMEOUT'] } });
    expect(existsSync(marker)).toBe(false);
  });

  it('reports error, never pass, when secedit or the LocalAccounts cmdlets are missing; rollback without a record is an error', async () => {
    const r = await runWindowsScenario(rb, ['check', 'rollback'], { state: { Registry: { [SYSTEM]: { InactivityTimeoutSecs: 900 } } }, params: { state_dir: tempDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'PARTIAL_READ', observed: { undecided: ['SECEDIT_UNAVAILABLE', 'LOCAL_ACCOUNTS_UNAVAILABLE'], inactivity_timeout_drift: false } });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NO_ROLLBACK_STATE' } });
  });
});
