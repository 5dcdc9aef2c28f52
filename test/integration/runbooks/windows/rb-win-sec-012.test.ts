import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-SEC-012');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const GUID = '{0CCE922F-69AE-11D9-BED3-505054503030}';
const GB = 1024 * 1024 * 1024;
// Whole seconds: the harness reads ISO strings as dates and writes them back without milliseconds.
const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function host(o: { running?: boolean; start?: string; system?: boolean; secBytes?: number; audit?: [boolean, boolean]; clears?: number[] }) {
  return {
    Services: { EventLog: { Status: o.running === false ? 'Stopped' : 'Running', StartType: o.start ?? 'Automatic', DisplayName: 'Windows Event Log' } },
    EventLog: {
      Logs: {
        Security: { IsEnabled: true, MaximumSizeInBytes: o.secBytes ?? GB, LogMode: 'Circular' },
        System: { IsEnabled: o.system ?? true, MaximumSizeInBytes: 20971520, LogMode: 'Circular' },
        Application: { IsEnabled: true, MaximumSizeInBytes: 20971520, LogMode: 'Circular' },
      },
      Events: [{ LogName: 'Security', Id: 4624, TimeCreated: hoursAgo(1) }, ...(o.clears ?? []).map((h) => ({ LogName: 'Security', Id: 1102, TimeCreated: hoursAgo(h) }))],
    },
    Auditpol: {
      ComputerName: 'CLINIC-PC1',
      Subcategories: { [GUID]: { Name: 'Audit Policy Change', Category: 'Policy Change', Success: (o.audit ?? [true, true])[0], Failure: (o.audit ?? [true, true])[1] } },
    },
  };
}
const standins = ['WinB-EventLog.ps1', 'WinB-Auditpol.ps1'];

describe('RB-WIN-SEC-012 under pwsh with stand-in cmdlets', () => {
  it('passes when protected; a log clear older than since_hours no longer counts', async () => {
    const r = await runWindowsScenario(rb, ['check'], { standins, state: host({ clears: [30, 200] }), params: { state_dir: tempDir() } });
    expect(r.results[0]!.result).toMatchObject({
      status: 'pass',
      observed: { eventlog_service_running: true, disabled_logs: [], security_log_max_mb: 1024, security_log_mode: 'Circular', recent_log_clears: 0, audit_policy_change: 'Success and Failure', issues: [] },
    });
  });

  it('drifted → remediated → idempotent → rolled back to the recorded log and audit settings', async () => {
    const initial = host({ running: false, system: false, secBytes: 20971520, audit: [true, false] });
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins, state: structuredClone(initial), params: { state_dir: tempDir() } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    // With the service stopped, the logs cannot be read; the stopped service alone is drift.
    expect(check1!.result).toMatchObject({ status: 'fail', observed: { eventlog_service_running: false, audit_policy_change: 'Success', configuration_drift: true, issues: ['EVENTLOG_SERVICE_STOPPED', 'AUDIT_POLICY_CHANGE_OFF'] } });
    expect(fix1!.result?.observed['changed']).toEqual(['EventLog:Start', 'Security:/ms:1073741824', 'System:/e:true', 'AuditPolicyChange']);
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { security_log_max_mb: 1024, disabled_logs: [] } });
    expect(fix2!.result?.observed['changed']).toEqual([]);
    expect(rollback!.result?.status).toBe('pass');
    expect(check3!.result).toMatchObject({ status: 'fail', observed: { disabled_logs: ['System'], security_log_max_mb: 20, issues: ['LOG_DISABLED', 'SECURITY_LOG_TOO_SMALL', 'AUDIT_POLICY_CHANGE_OFF'] } });
    // Rollback leaves the EventLog service running; everything else is as before.
    expect(r.state).toEqual({ ...initial, Services: { EventLog: { ...initial.Services.EventLog, Status: 'Running' } } });
    const auditSets = r.calls.filter((c) => c.cmdlet === 'auditpol.exe' && (c.args['argv'] as string[])[0] === '/set').map((c) => c.args['argv']);
    expect(auditSets).toEqual([
      ['/set', `/subcategory:${GUID}`, '/success:enable', '/failure:enable'],
      ['/set', `/subcategory:${GUID}`, '/success:enable', '/failure:disable'],
    ]);
  });

  it('a recent clear fails without configuration drift; a hostile log name (one the parameter pattern would refuse) stays data', async () => {
    const dir = tempDir();
    const marker = join(dir, 'pwned');
    const hostile = `System /e:false; $(Set-Content -Path '${marker}' -Value 1)`;
    const r = await runWindowsScenario(rb, ['check'], { standins, state: host({ clears: [2] }), params: { state_dir: dir, since_hours: 6, logs: ['Security', hostile] } });
    expect(r.results[0]!.result).toMatchObject({ status: 'fail', observed: { recent_log_clears: 1, configuration_drift: false, issues: ['SECURITY_LOG_CLEARED'], undecided: [`LOG_UNREADABLE:${hostile}`] } });
    expect(existsSync(marker)).toBe(false);
  });

  it('reports error, never pass, when Get-WinEvent is missing or auditpol fails; rollback without a record is an error', async () => {
    const r1 = await runWindowsScenario(rb, ['check', 'rollback'], { state: host({}), params: { state_dir: tempDir() } });
    expect(r1.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'EVENTLOG_CMDLETS_UNAVAILABLE' });
    expect(r1.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NO_ROLLBACK_STATE' } });
    const state = host({});
    (state.Auditpol as { Subcategories: object }).Subcategories = {};
    const r2 = await runWindowsScenario(rb, ['check'], { standins, state, params: { state_dir: tempDir() } });
    expect(r2.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'PARTIAL_READ', observed: { undecided: ['AUDITPOL_FAILED'] } });
  });
});
