import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-AV-001');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const standins = ['WinA-Defender.ps1'];
const host = (svc: { Status: string; StartType: string }, over: Record<string, unknown> = {}, rtpOff = false) => ({
  Services: { WinDefend: { ...svc, DisplayName: 'Microsoft Defender Antivirus Service' } },
  Defender: {
    AMRunningMode: 'Normal', AntivirusEnabled: true, TamperProtected: false,
    Preferences: { DisableRealtimeMonitoring: rtpOff, DisableBehaviorMonitoring: false, DisableIOAVProtection: false },
    SignatureAgeDays: 1, SignatureVersion: '1.403.10.0', QuickScanAgeDays: 2, UpdateVersion: '1.403.11.0', UpdateFails: false,
    ...over,
  },
});
const changes = (calls: { cmdlet: string }[]) => calls.filter((c) => /^(Set-MpPreference|Update-MpSignature|Start-MpScan|Start-Service|Stop-Service|Set-Service)$/.test(c.cmdlet));

describe('RB-WIN-AV-001 under pwsh with stand-in Defender and service cmdlets', { timeout: 240_000 }, () => {
  it('compliant host passes and remediation changes nothing', async () => {
    const initial = host({ Status: 'Running', StartType: 'Automatic' });
    const r = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: structuredClone(initial), params: { state_dir: stateDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { service_status: 'Running', real_time_protection_enabled: true, issues: [] } });
    expect(r.results[1]!.result).toMatchObject({ status: 'pass', observed: { actions: [] } });
    expect(changes(r.calls)).toEqual([]);
    expect(r.state).toEqual(initial);
  });

  it('stopped service and protection off → remediated → passes → idempotent → rollback restores the preference', async () => {
    const dir = stateDir();
    const initial = host({ Status: 'Stopped', StartType: 'Automatic' }, { SignatureAgeDays: 4 }, true);
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins, state: structuredClone(initial), params: { state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({ status: 'fail', observed: { service_status: 'Stopped', issues: ['service_stopped'] } });
    expect(fix1!.result).toMatchObject({ status: 'pass', observed: { actions: ['service_started', 'real_time_protection_enabled', 'signatures_updated', 'quick_scan_started'], remaining_issues: [] } });
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { signature_age_days: 0, signature_version: '1.403.11.0' } });
    expect(fix2!.result).toMatchObject({ status: 'pass', observed: { actions: [] } });
    expect(rollback!.result).toMatchObject({ status: 'pass', observed: { restored_settings: ['DisableRealtimeMonitoring'], service_left_running: true } });
    expect(check3!.result).toMatchObject({ status: 'fail', observed: { issues: ['real_time_protection_off'] } });
    const state = r.state as ReturnType<typeof host>;
    expect(state.Defender.Preferences).toEqual(initial.Defender.Preferences);
    expect(state.Services.WinDefend.Status).toBe('Running');
    expect(existsSync(join(dir, 'RB-WIN-AV-001.json'))).toBe(false);
    expect(changes(r.calls).map((c) => c.cmdlet)).toEqual(['Start-Service', 'Set-MpPreference', 'Update-MpSignature', 'Start-MpScan', 'Set-MpPreference']);
  });

  it('a Disabled Defender service is drift that needs a person: no start attempt; hostile strings stay data', async () => {
    const hostile = "$(Set-Content -Path /tmp/writ-pwned-av -Value x)`\"';";
    const r = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: host({ Status: 'Stopped', StartType: 'Disabled' }, { SignatureVersion: hostile }), params: { state_dir: stateDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'fail', observed: { service_status: 'Stopped', service_start_type: 'Disabled' } });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'SERVICE_DISABLED' } });
    expect(changes(r.calls)).toEqual([]);
    expect(existsSync('/tmp/writ-pwned-av')).toBe(false);
  });

  it('Defender not installed is an error, never a pass', async () => {
    const r = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: { Services: {} }, params: { state_dir: stateDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'DEFENDER_UNAVAILABLE' });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'DEFENDER_UNAVAILABLE' } });
  });
});
