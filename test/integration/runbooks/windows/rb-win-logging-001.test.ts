import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-LOGGING-001');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const standins = ['WinA-Auditpol.ps1', 'WinA-EventLog.ps1'];
const g = (h: string) => `{${h}-69AE-11D9-BED3-505054503030}`;
const LOGON = g('0CCE9215'), LOGOFF = g('0CCE9216'), LOCKOUT = g('0CCE9217'), USERS = g('0CCE9235'), GROUPS = g('0CCE9237');
const PROCESS = g('0CCE922B'), AUDITPOL = g('0CCE922F'), FILESYS = g('0CCE921D');
const MB = 1024 * 1024;
const host = (settings: Record<string, number>, security: { Enabled: boolean; MaxSize: number }) => ({
  Auditpol: { Denied: false, Settings: settings },
  EventLog: { Denied: false, Logs: { Security: { ...security, Retention: false, AutoBackup: false }, System: { Enabled: true, MaxSize: 20 * MB, Retention: false, AutoBackup: false } } },
});
const changes = (calls: { cmdlet: string; args: Record<string, unknown> }[]) =>
  calls.filter((c) => (c.cmdlet === 'auditpol.exe' || c.cmdlet === 'wevtutil.exe') && /^(\/set|sl)$/.test((c.args['argv'] as string[])[0]!)).map((c) => c.args['argv']);
const allBoth = { [LOGON]: 3, [LOGOFF]: 1, [LOCKOUT]: 3, [USERS]: 3, [GROUPS]: 3, [PROCESS]: 3, [AUDITPOL]: 3 };

describe('RB-WIN-LOGGING-001 under pwsh with stand-in auditpol.exe and wevtutil.exe', { timeout: 240_000 }, () => {
  it('compliant host passes; remediation changes nothing', async () => {
    const initial = host(allBoth, { Enabled: true, MaxSize: 2048 * MB });
    const r = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: structuredClone(initial), params: { state_dir: stateDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { missing_count: 0, checked_count: 7, security_log_enabled: true, security_log_max_size_mb: 2048, issues: [] } });
    expect(r.results[1]!.result).toMatchObject({ status: 'pass', observed: { changed: [] } });
    expect(changes(r.calls)).toEqual([]);
    expect(r.state).toEqual(initial);
  });

  it('the detect list is the remediate list: drift → fixed → passes → idempotent → rolled back', async () => {
    const dir = stateDir();
    const initial = host({ ...allBoth, [PROCESS]: 0, [LOGON]: 1, [FILESYS]: 0 }, { Enabled: true, MaxSize: 20 * MB });
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins, state: structuredClone(initial), params: { state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({
      status: 'fail',
      observed: { missing: ['Process Creation:success', 'Logon:failure', 'Process Creation:failure'], security_log_max_size_mb: 20, issues: ['audit_subcategories_missing', 'security_log_too_small'] },
    });
    expect(fix1!.result?.observed['changed']).toEqual(['Logon', 'Process Creation', 'Security log']);
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { security_log_max_size_mb: 1024 } });
    expect(fix2!.result?.observed['changed']).toEqual([]);
    expect(rollback!.result).toMatchObject({ status: 'pass', observed: { restored: ['Logon', 'Process Creation', 'Security log'] } });
    expect(check3!.result?.status).toBe('fail');
    expect(r.state).toEqual(initial);
    expect(existsSync(join(dir, 'RB-WIN-LOGGING-001.json'))).toBe(false);
    expect(changes(r.calls).slice(0, 3)).toEqual([
      ['/set', `/subcategory:${LOGON}`, '/failure:enable'],
      ['/set', `/subcategory:${PROCESS}`, '/success:enable', '/failure:enable'],
      ['sl', 'Security', `/ms:${1024 * MB}`],
    ]);
    expect(changes(r.calls)).toHaveLength(6);
  });

  it('a larger log is never shrunk; a refused wevtutil change is an error; hostile list items are data', async () => {
    const big = host(allBoth, { Enabled: true, MaxSize: 4096 * MB });
    const r1 = await runWindowsScenario(rb, ['check'], { standins, state: big, params: { security_log_min_size_mb: 2048, state_dir: stateDir() } });
    expect(r1.results[0]!.result).toMatchObject({ status: 'pass', observed: { security_log_max_size_mb: 4096 } });
    const denied = host(allBoth, { Enabled: true, MaxSize: 20 * MB });
    denied.EventLog.Denied = true;
    const r2 = await runWindowsScenario(rb, ['remediate'], { standins, state: denied, params: { state_dir: stateDir() } });
    expect(r2.results[0]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'EVENTLOG_CHANGE_FAILED' } });
    const hostile = "Logon; $(Set-Content -Path /tmp/writ-pwned-log -Value x) `\"'";
    const r3 = await runWindowsScenario(rb, ['check'], { standins, state: host(allBoth, { Enabled: true, MaxSize: 2048 * MB }), params: { audit_failure_subcategories: [hostile], state_dir: stateDir() } });
    expect(r3.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'SUBCATEGORY_NOT_FOUND', observed: { unknown_subcategories: [hostile] } });
    expect(existsSync('/tmp/writ-pwned-log')).toBe(false);
  });

  it('wevtutil or auditpol missing: error, never pass', async () => {
    const noLog = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: { Auditpol: { Settings: allBoth } }, params: { state_dir: stateDir() } });
    expect(noLog.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'EVENTLOG_UNAVAILABLE' });
    expect(noLog.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'EVENTLOG_UNAVAILABLE' } });
    const none = await runWindowsScenario(rb, ['check'], { standins, state: {}, params: { state_dir: stateDir() } });
    expect(none.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'AUDITPOL_UNAVAILABLE' });
  });
});
