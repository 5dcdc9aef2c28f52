import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-BACKUP-001');
const standins = ['WinA-Backup.ps1'];
const wsb = (over: Record<string, unknown> = {}) => ({
  Backup: { Wsb: { PolicyConfigured: true, LastSuccessHoursAgo: 5, LastResultHR: 0, Running: false, CompletesImmediately: true, ResultOnRun: 0, ...over } },
});
const job = (Name: string, over: Record<string, unknown> = {}) => ({
  Name, ScheduleEnabled: true, LastEndHoursAgo: 3, LastResult: 'Success', Running: false, CompletesImmediately: true, ResultOnRun: 'Success', ...over,
});
const starts = (calls: { cmdlet: string }[]) => calls.filter((c) => /^Start-(WBBackup|VBRJob)$/.test(c.cmdlet));

describe('RB-WIN-BACKUP-001 under pwsh with stand-in Windows Server Backup and Veeam cmdlets', { timeout: 240_000 }, () => {
  it('recent Windows Server Backup passes; remediation starts nothing; verify is a valid script and agrees', async () => {
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'verify'], { standins, state: wsb() });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { backup_source: 'wsb', last_success_age_hours: 5, last_result: 'Success', backup_running: false, issues: [] } });
    expect(r.results[1]!.result).toMatchObject({ status: 'pass', observed: { started: 0 } });
    expect(r.results[2]).toMatchObject({ error: null, result: { status: 'pass' } });
    expect(starts(r.calls)).toEqual([]);
  });

  it('overdue backup → started once → verify passes → a second remediation starts nothing', async () => {
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'verify', 'remediate', 'check'], { standins, state: wsb({ LastSuccessHoursAgo: 30 }) });
    const [check1, fix1, verify, fix2, check2] = r.results;
    expect(check1!.result).toMatchObject({ status: 'fail', observed: { last_success_age_hours: 30, issues: ['backup_too_old'] } });
    expect(fix1!.result).toMatchObject({ status: 'pass', observed: { started: 1 } });
    expect(verify!.result).toMatchObject({ status: 'pass', observed: { last_success_age_hours: 0 } });
    expect(fix2!.result).toMatchObject({ status: 'pass', observed: { started: 0 } });
    expect(check2!.result?.status).toBe('pass');
    expect(starts(r.calls)).toEqual([{ cmdlet: 'Start-WBBackup', args: { Async: true } }]);
  });

  it('a backup already running is not started twice; verify with no wait reports it still running (fail, not pass)', async () => {
    const r = await runWindowsScenario(rb, ['remediate', 'verify'], { standins, state: wsb({ LastSuccessHoursAgo: 40, Running: true, CompletesImmediately: false }), params: { verify_wait_minutes: 0 } });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { started: 0, already_running: 1 } });
    expect(r.results[1]!.result).toMatchObject({ status: 'fail', observed: { backup_running: true } });
    expect(r.results[1]!.result?.message).toContain('still running');
    expect(starts(r.calls)).toEqual([]);
  });

  it('Veeam: only stale scheduled jobs are started; names (even hostile ones) are never reported', async () => {
    const hostile = "$(Set-Content -Path /tmp/writ-pwned-bk -Value x)`;'\" Dr Smith";
    const state = { Backup: { Veeam: { Jobs: [job(hostile, { LastEndHoursAgo: 50, LastResult: 'Failed' }), job('Hourly', { LastResult: 'Warning' }), job('Archive', { ScheduleEnabled: false, LastEndHoursAgo: 900 })] } } };
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check'], { standins, state });
    expect(r.results[0]!.result).toMatchObject({ status: 'fail', observed: { backup_source: 'veeam', job_count: 2, stale_job_count: 1, last_result: 'Failed', last_success_age_hours: null } });
    expect(r.results[1]!.result).toMatchObject({ status: 'pass', observed: { started: 1 } });
    expect(r.results[2]!.result).toMatchObject({ status: 'pass', observed: { job_count: 2, stale_job_count: 0, last_result: 'Warning' } });
    expect(starts(r.calls)).toEqual([{ cmdlet: 'Start-VBRJob', args: { Job: hostile, RunAsync: true } }]);
    expect(JSON.stringify(r.results.map((x) => x.result))).not.toContain('Smith');
    expect(existsSync('/tmp/writ-pwned-bk')).toBe(false);
  });

  it('no backup product is an error; no policy or a never-successful backup is a fail, and remediation cannot invent a policy', async () => {
    const none = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: {} });
    expect(none.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'NO_BACKUP_PRODUCT' });
    expect(none.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NO_BACKUP_PRODUCT' } });
    const noPolicy = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: wsb({ PolicyConfigured: false, LastSuccessHoursAgo: null }) });
    expect(noPolicy.results[0]!.result).toMatchObject({ status: 'fail', observed: { issues: ['no_backup_policy', 'never_succeeded'] } });
    expect(noPolicy.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NO_BACKUP_POLICY' } });
    expect(starts(noPolicy.calls)).toEqual([]);
  });
});
