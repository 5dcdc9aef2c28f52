import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-SEC-003');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const standins = ['WinA-NetAccounts.ps1'];
const policy = (LockoutBadCount: number, LockoutDuration: number, ResetLockoutCount: number, extra: Record<string, unknown> = {}) => ({
  AccountPolicy: {
    MinimumPasswordAge: 1, MaximumPasswordAge: 90, MinimumPasswordLength: 12, PasswordHistorySize: 12, PasswordComplexity: 1,
    LockoutBadCount, LockoutDuration, ResetLockoutCount, Role: 'WORKSTATION', Denied: false, ...extra,
  },
});
const netSets = (calls: { cmdlet: string; args: Record<string, unknown> }[]) =>
  calls.filter((c) => c.cmdlet === 'net.exe' && (c.args['argv'] as string[]).length > 1).map((c) => c.args['argv']);

describe('RB-WIN-SEC-003 under pwsh with a stand-in net.exe', { timeout: 240_000 }, () => {
  it('within policy (a lockout until an administrator unlocks counts as long enough) passes; remediation changes nothing', async () => {
    const initial = policy(3, -1, 30);
    const r = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: structuredClone(initial), params: { state_dir: stateDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { lockout_threshold: 3, lockout_duration_minutes: -1, lockout_window_minutes: 30, computer_role: 'WORKSTATION', issues: [] } });
    expect(r.results[1]!.result).toMatchObject({ status: 'pass', observed: { changed: [] } });
    expect(netSets(r.calls)).toEqual([]);
    expect(r.state).toEqual(initial);
  });

  it('lockout off → set in one call → passes → idempotent → rollback restores the prior values', async () => {
    const dir = stateDir();
    const initial = policy(0, 10, 10);
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins, state: structuredClone(initial), params: { state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({ status: 'fail', observed: { lockout_threshold: 0, lockout_duration_minutes: 10, lockout_window_minutes: 10, issues: ['lockout_disabled', 'duration_too_short', 'window_too_short'] } });
    expect(fix1!.result).toMatchObject({ status: 'pass', observed: { changed: ['threshold', 'duration', 'window'] } });
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { lockout_threshold: 5, lockout_duration_minutes: 30, lockout_window_minutes: 30 } });
    expect(fix2!.result?.observed['changed']).toEqual([]);
    expect(rollback!.result).toMatchObject({ status: 'pass', observed: { restored: ['threshold', 'duration', 'window'] } });
    expect(check3!.result?.status).toBe('fail');
    expect(r.state).toEqual(initial);
    expect(existsSync(join(dir, 'RB-WIN-SEC-003.json'))).toBe(false);
    expect(netSets(r.calls)).toEqual([
      ['accounts', '/lockoutthreshold:5', '/lockoutduration:30', '/lockoutwindow:30'],
      ['accounts', '/lockoutthreshold:0', '/lockoutduration:10', '/lockoutwindow:10'],
    ]);
  });

  it('only out-of-policy values change: a longer duration is kept, a too-high threshold and short window are fixed', async () => {
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check'], { standins, state: policy(10, 60, 20), params: { state_dir: stateDir() } });
    expect(r.results[0]!.result?.observed['issues']).toEqual(['threshold_too_high', 'window_too_short']);
    expect(netSets(r.calls)).toEqual([['accounts', '/lockoutthreshold:5', '/lockoutwindow:30']]);
    expect(r.results[2]!.result).toMatchObject({ status: 'pass', observed: { lockout_duration_minutes: 60 } });
  });

  it('refused change, domain controller and missing net.exe never pass; a hostile role string stays data', async () => {
    const hostile = "$(Set-Content -Path /tmp/writ-pwned-net -Value x)`;'\"";
    const denied = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: policy(0, 30, 30, { Denied: true, Role: hostile }), params: { state_dir: stateDir() } });
    expect(denied.results[0]!.result).toMatchObject({ status: 'fail', observed: { computer_role: hostile.slice(0, 40) } }); // shortened, verbatim
    expect(denied.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NET_ACCOUNTS_FAILED' } });
    expect(existsSync('/tmp/writ-pwned-net')).toBe(false);
    const dc = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: policy(0, 30, 30, { Role: 'PRIMARY' }), params: { state_dir: stateDir() } });
    expect(dc.results[0]!.result).toMatchObject({ status: 'not_applicable', reason_code: 'DOMAIN_CONTROLLER' });
    expect(netSets(dc.calls)).toEqual([]);
    const none = await runWindowsScenario(rb, ['check'], { standins, state: {}, params: { state_dir: stateDir() } });
    expect(none.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'NET_UNAVAILABLE' });
  });
});
