import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-SEC-002');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const standins = ['WinA-Auditpol.ps1'];
const g = (h: string) => `{${h}-69AE-11D9-BED3-505054503030}`;
const LOGON = g('0CCE9215'), LOGOFF = g('0CCE9216'), LOCKOUT = g('0CCE9217'), USERS = g('0CCE9235'), GROUPS = g('0CCE9237');
const AUDITPOL = g('0CCE922F'), AUTHPOL = g('0CCE9230'), PRIV = g('0CCE9228'), FILESYS = g('0CCE921D');
// 0 none, 1 success, 2 failure, 3 both
const audit = (s: Record<string, number>) => ({ Auditpol: { Denied: false, Settings: s } });
const sets = (calls: { cmdlet: string; args: Record<string, unknown> }[]) => calls.filter((c) => c.cmdlet === 'auditpol.exe' && (c.args['argv'] as string[])[0] === '/set');

describe('RB-WIN-SEC-002 under pwsh with a stand-in auditpol.exe', { timeout: 240_000 }, () => {
  it('compliant policy passes; remediation runs no /set', async () => {
    const initial = audit({ [LOGON]: 3, [LOGOFF]: 1, [LOCKOUT]: 3, [USERS]: 3, [GROUPS]: 3, [AUDITPOL]: 3, [AUTHPOL]: 1, [PRIV]: 3 });
    const r = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: structuredClone(initial), params: { state_dir: stateDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { missing: [], missing_count: 0, checked_count: 8 } });
    expect(r.results[1]!.result).toMatchObject({ status: 'pass', observed: { changed: [] } });
    expect(sets(r.calls)).toEqual([]);
    expect(r.state).toEqual(initial);
  });

  it('drift → only missing flags enabled → passes → idempotent → rollback restores exact flags', async () => {
    const dir = stateDir();
    const initial = audit({ [LOGON]: 1, [LOGOFF]: 0, [LOCKOUT]: 3, [USERS]: 0, [GROUPS]: 3, [AUDITPOL]: 2, [AUTHPOL]: 0, [PRIV]: 3, [FILESYS]: 2 });
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins, state: structuredClone(initial), params: { state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({
      status: 'fail',
      observed: {
        missing: ['Logoff:success', 'User Account Management:success', 'Audit Policy Change:success', 'Authentication Policy Change:success', 'Logon:failure', 'User Account Management:failure'],
        missing_count: 6,
      },
    });
    expect(fix1!.result?.observed['changed']).toEqual(['Logon', 'Logoff', 'User Account Management', 'Audit Policy Change', 'Authentication Policy Change']);
    expect(check2!.result?.status).toBe('pass');
    expect(fix2!.result?.observed['changed']).toEqual([]);
    expect(rollback!.result).toMatchObject({ status: 'pass' });
    expect(check3!.result?.observed['missing_count']).toBe(6);
    expect(r.state).toEqual(initial);
    expect(existsSync(join(dir, 'RB-WIN-SEC-002.json'))).toBe(false);
    const argv = sets(r.calls).map((c) => c.args['argv']);
    expect(argv.slice(0, 5)).toEqual([
      ['/set', `/subcategory:${LOGON}`, '/failure:enable'],
      ['/set', `/subcategory:${LOGOFF}`, '/success:enable'],
      ['/set', `/subcategory:${USERS}`, '/success:enable', '/failure:enable'],
      ['/set', `/subcategory:${AUDITPOL}`, '/success:enable'],
      ['/set', `/subcategory:${AUTHPOL}`, '/success:enable'],
    ]);
    expect(argv).toHaveLength(10); // five changes, five restores; File System never touched
    expect(argv.flat().some((a) => String(a).includes(FILESYS))).toBe(false);
  });

  it('names work as parameters; a hostile subcategory name is data: reported, nothing set', async () => {
    const hostile = 'Logon" /success:disable $(Set-Content -Path /tmp/writ-pwned-audit -Value x)`;\'';
    const state = audit({ [LOGON]: 0 });
    const r = await runWindowsScenario(rb, ['check', 'remediate'], {
      standins, state: structuredClone(state), params: { audit_success_subcategories: ['Logon', hostile], audit_failure_subcategories: [], state_dir: stateDir() },
    });
    expect(r.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'SUBCATEGORY_NOT_FOUND', observed: { unknown_subcategories: [hostile] } });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'SUBCATEGORY_NOT_FOUND' } });
    expect(sets(r.calls)).toEqual([]);
    expect(r.state).toEqual(state);
    expect(existsSync('/tmp/writ-pwned-audit')).toBe(false);
  });

  it('auditpol missing or refused (not elevated): error, never pass', async () => {
    const none = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: {}, params: { state_dir: stateDir() } });
    expect(none.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'AUDITPOL_UNAVAILABLE' });
    expect(none.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'AUDITPOL_UNAVAILABLE' } });
    const denied = await runWindowsScenario(rb, ['check'], { standins, state: { Auditpol: { Denied: true, Settings: {} } }, params: { state_dir: stateDir() } });
    expect(denied.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'AUDITPOL_FAILED' });
  });
});
