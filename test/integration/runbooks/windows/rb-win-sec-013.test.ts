import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-SEC-013');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const LSA = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa';
const deviceGuard = (configured: number[], running: number[]) => ({
  Win32_DeviceGuard: [{ SecurityServicesConfigured: configured, SecurityServicesRunning: running, VirtualizationBasedSecurityStatus: running.length ? 2 : 0 }],
});

describe('RB-WIN-SEC-013 under pwsh with stand-in cmdlets', () => {
  it('passes with RunAsPPL = 2 and reports Credential Guard as information', async () => {
    const state = { Registry: { [LSA]: { RunAsPPL: 2 } }, Cim: deviceGuard([1, 2], [1]) };
    const r = await runWindowsScenario(rb, ['check'], { state, params: { state_dir: tempDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { lsa_protection: 2, credential_guard_configured: true, credential_guard_running: true, vbs_status: 2 } });
  });

  it('drifted → remediated → idempotent → rolled back; a hostile registry string stays data', async () => {
    const dir = tempDir();
    const marker = join(dir, 'pwned');
    const hostile = `1;$(Set-Content -Path '${marker}' -Value 1)`;
    const initial = { Registry: { [LSA]: { RunAsPPL: hostile, LmCompatibilityLevel: 5 } }, Cim: deviceGuard([], []) };
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { state: structuredClone(initial), params: { state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({ status: 'fail', observed: { lsa_protection: hostile, lsa_protection_enabled: false, credential_guard_configured: false } });
    expect(fix1!.result?.observed).toEqual({ changed_values: ['RunAsPPL'], reboot_required: true });
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { lsa_protection: 1 } });
    expect(fix2!.result?.observed).toEqual({ changed_values: [], reboot_required: false });
    expect(rollback!.result?.status).toBe('pass');
    expect(check3!.result?.status).toBe('fail');
    expect(r.state).toEqual(initial);
    expect(existsSync(marker)).toBe(false);
  });

  it('missing Device Guard provider is not an error; a missing Lsa key is; rollback without a record is an error', async () => {
    const r1 = await runWindowsScenario(rb, ['check'], { state: { Registry: { [LSA]: {} }, Cim: {} }, params: { state_dir: tempDir() } });
    expect(r1.results[0]!.result).toMatchObject({ status: 'fail', observed: { lsa_protection: null, credential_guard_configured: null } });
    const r2 = await runWindowsScenario(rb, ['check', 'rollback'], { state: { Registry: {} }, params: { state_dir: tempDir() } });
    expect(r2.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'LSA_KEY_MISSING' });
    expect(r2.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NO_ROLLBACK_STATE' } });
  });
});
