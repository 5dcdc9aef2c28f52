import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-SEC-006');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const standins = ['WinA-Defender.ps1'];
const defender = (over: Record<string, unknown> = {}, prefs: Record<string, boolean> = {}) => ({
  Defender: {
    ServiceRunning: true, AMRunningMode: 'Normal', AntivirusEnabled: true, TamperProtected: false,
    Preferences: { DisableRealtimeMonitoring: false, DisableBehaviorMonitoring: false, DisableIOAVProtection: false, ...prefs },
    SignatureAgeDays: 1, SignatureVersion: '1.403.10.0', QuickScanAgeDays: 2, UpdateVersion: '1.403.11.0', UpdateFails: false,
    ...over,
  },
});
const setCalls = (calls: { cmdlet: string }[]) => calls.filter((c) => /^(Set-MpPreference|Update-MpSignature|Start-MpScan)$/.test(c.cmdlet));

describe('RB-WIN-SEC-006 under pwsh with stand-in Defender cmdlets', { timeout: 240_000 }, () => {
  it('compliant: check passes, remediation changes nothing, rollback without a record is an error', async () => {
    const initial = defender();
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'rollback'], { standins, state: structuredClone(initial), params: { state_dir: stateDir() } });
    const [check, fix, rollback] = r.results;
    expect(check!.result).toMatchObject({ status: 'pass', observed: { real_time_protection_enabled: true, signature_age_days: 1, issues: [] } });
    expect(fix!.result).toMatchObject({ status: 'pass', observed: { changed_settings: [], signatures_updated: false, quick_scan_started: false } });
    expect(rollback).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NO_ROLLBACK_STATE' } });
    expect(setCalls(r.calls)).toEqual([]);
    expect(r.state).toEqual(initial);
  });

  it('drifted → remediated → passes → second remediation changes nothing → rolled back', async () => {
    const dir = stateDir();
    const initial = defender({ SignatureAgeDays: 5 }, { DisableRealtimeMonitoring: true, DisableBehaviorMonitoring: true });
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins, state: structuredClone(initial), params: { state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({
      status: 'fail',
      observed: { real_time_protection_enabled: false, behavior_monitor_enabled: false, signature_age_days: 5, issues: ['real_time_protection_off', 'behavior_monitoring_off', 'signatures_stale'] },
    });
    expect(fix1!.result).toMatchObject({ status: 'pass', observed: { changed_settings: ['DisableRealtimeMonitoring', 'DisableBehaviorMonitoring'], signatures_updated: true, quick_scan_started: true, remaining_issues: [] } });
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { signature_version: '1.403.11.0', signature_age_days: 0 } });
    expect(fix2!.result).toMatchObject({ status: 'pass', observed: { changed_settings: [], signatures_updated: false, quick_scan_started: false } });
    expect(rollback!.result).toMatchObject({ status: 'pass', observed: { restored_settings: ['DisableRealtimeMonitoring', 'DisableBehaviorMonitoring'] } });
    expect(check3!.result).toMatchObject({ status: 'fail', observed: { issues: ['real_time_protection_off', 'behavior_monitoring_off'] } });
    // Preferences are back to what they were; definitions stay updated (not rolled back).
    expect((r.state['Defender'] as { Preferences: unknown }).Preferences).toEqual(initial.Defender.Preferences);
    expect(existsSync(join(dir, 'RB-WIN-SEC-006.json'))).toBe(false);
    expect(setCalls(r.calls)).toEqual([
      { cmdlet: 'Set-MpPreference', args: { DisableRealtimeMonitoring: false, DisableBehaviorMonitoring: false } },
      { cmdlet: 'Update-MpSignature', args: {} },
      { cmdlet: 'Start-MpScan', args: { ScanType: 'QuickScan', AsJob: true } },
      { cmdlet: 'Set-MpPreference', args: { DisableRealtimeMonitoring: true, DisableBehaviorMonitoring: true } },
    ]);
  });

  it('Tamper Protection ignoring the change and a failed update are errors, not passes; hostile strings stay data', async () => {
    const hostile = "1.4$(Set-Content -Path /tmp/writ-pwned -Value x)`;'\"";
    const r = await runWindowsScenario(rb, ['check', 'remediate'], {
      standins,
      state: defender({ TamperProtected: true, UpdateFails: true, SignatureAgeDays: 9, SignatureVersion: hostile }, { DisableRealtimeMonitoring: true }),
      params: { state_dir: stateDir() },
    });
    const [check, fix] = r.results;
    expect(check!.result).toMatchObject({ status: 'fail', observed: { signature_version: hostile, issues: ['real_time_protection_off', 'signatures_stale'] } });
    expect(fix).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'SIGNATURE_UPDATE_FAILED', observed: { remaining_issues: ['real_time_protection_off', 'signatures_stale'] } } });
    expect(existsSync('/tmp/writ-pwned')).toBe(false);
  });

  it('missing Defender, a stopped service and passive mode never pass', async () => {
    const missing = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: {}, params: { state_dir: stateDir() } });
    expect(missing.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'DEFENDER_UNAVAILABLE' });
    expect(missing.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'DEFENDER_UNAVAILABLE' } });
    const stopped = await runWindowsScenario(rb, ['check'], { standins, state: defender({ ServiceRunning: false }), params: { state_dir: stateDir() } });
    expect(stopped.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'DEFENDER_UNREADABLE' });
    expect(stopped.results[0]!.result?.message).toContain('0x800106BA');
    const passive = await runWindowsScenario(rb, ['check'], { standins, state: defender({ AMRunningMode: 'Passive Mode' }), params: { state_dir: stateDir() } });
    expect(passive.results[0]!.result).toMatchObject({ status: 'not_applicable', reason_code: 'DEFENDER_PASSIVE' });
  });
});
