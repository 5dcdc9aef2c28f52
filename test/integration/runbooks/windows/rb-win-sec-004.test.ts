import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-SEC-004');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const standins = ['WinA-Secedit.ps1'];
const host = (p: Record<string, unknown>, domainRole = 1) => ({
  Cim: { Win32_ComputerSystem: [{ PartOfDomain: false, DomainRole: domainRole }] },
  AccountPolicy: {
    MinimumPasswordAge: 1, MaximumPasswordAge: 90, MinimumPasswordLength: 12, PasswordHistorySize: 12, PasswordComplexity: 1,
    LockoutBadCount: 5, LockoutDuration: 30, ResetLockoutCount: 30, NewAdministratorName: 'Administrator', NewGuestName: 'Guest', Denied: false,
    ...p,
  },
});
const configures = (calls: { cmdlet: string; args: Record<string, unknown> }[]) => calls.filter((c) => c.cmdlet === 'secedit.exe' && (c.args['argv'] as string[])[0] === '/configure');
const leftovers = () => readdirSync(tmpdir()).filter((f) => f.startsWith('writ-sec004-'));

describe('RB-WIN-SEC-004 under pwsh with a stand-in secedit.exe', { timeout: 240_000 }, () => {
  it('the unified policy passes; remediation changes nothing', async () => {
    const initial = host({});
    const r = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: structuredClone(initial), params: { state_dir: stateDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { min_length: 12, max_age_days: 90, min_age_days: 1, history: 12, complexity_enabled: true, issues: [] } });
    expect(r.results[1]!.result).toMatchObject({ status: 'pass', observed: { changed: [] } });
    expect(configures(r.calls)).toEqual([]);
    expect(r.state).toEqual(initial);
  });

  it('the old lax policy (length 8, history 6, no expiry) fails — one policy for detect and fix — and is fixed, idempotently, and rolled back', async () => {
    const dir = stateDir();
    const before = leftovers();
    const initial = host({ MinimumPasswordLength: 8, PasswordHistorySize: 6, MaximumPasswordAge: -1, MinimumPasswordAge: 0, PasswordComplexity: 0 });
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins, state: structuredClone(initial), params: { state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({
      status: 'fail',
      observed: { min_length: 8, max_age_days: -1, history: 6, complexity_enabled: false, issues: ['min_length_too_short', 'max_age_too_long', 'min_age_too_short', 'history_too_short', 'complexity_off'] },
    });
    expect(fix1!.result?.observed['changed']).toEqual(['MinimumPasswordLength', 'MaximumPasswordAge', 'MinimumPasswordAge', 'PasswordHistorySize', 'PasswordComplexity']);
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { min_length: 12, max_age_days: 90, min_age_days: 1, history: 12 } });
    expect(fix2!.result?.observed['changed']).toEqual([]);
    expect(rollback!.result?.status).toBe('pass');
    expect(check3!.result?.status).toBe('fail');
    expect(r.state).toEqual(initial);
    expect(configures(r.calls)).toHaveLength(2);
    expect(existsSync(join(dir, 'RB-WIN-SEC-004.json'))).toBe(false);
    expect(leftovers()).toEqual(before); // temporary .inf/.sdb files are deleted
  });

  it('hostile account names in the exported template are never evaluated and never rewritten', async () => {
    const hostile = "$(Set-Content -Path /tmp/writ-pwned-sec -Value x)`;'";
    const initial = host({ NewAdministratorName: hostile, NewGuestName: 'a;b`c$d', MinimumPasswordLength: 10 });
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check'], { standins, state: structuredClone(initial), params: { state_dir: stateDir() } });
    expect(r.results[0]!.result?.observed['issues']).toEqual(['min_length_too_short']);
    expect(r.results[2]!.result?.status).toBe('pass');
    const p = (r.state['AccountPolicy'] as Record<string, unknown>);
    expect(p['NewAdministratorName']).toBe(hostile);
    expect(p['NewGuestName']).toBe('a;b`c$d');
    expect(existsSync('/tmp/writ-pwned-sec')).toBe(false);
  });

  it('domain controller, refused export and missing secedit never pass', async () => {
    const dc = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: host({ MinimumPasswordLength: 0 }, 5), params: { state_dir: stateDir() } });
    expect(dc.results[0]!.result).toMatchObject({ status: 'not_applicable', reason_code: 'DOMAIN_CONTROLLER' });
    expect(configures(dc.calls)).toEqual([]);
    const denied = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: host({ Denied: true }), params: { state_dir: stateDir() } });
    expect(denied.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'SECEDIT_FAILED' });
    expect(denied.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'SECEDIT_FAILED' } });
    const none = await runWindowsScenario(rb, ['check'], { standins, state: { Cim: { Win32_ComputerSystem: [{ DomainRole: 1 }] } }, params: { state_dir: stateDir() } });
    expect(none.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'SECEDIT_UNAVAILABLE' });
  });
});
