import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-SEC-010');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const TS = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server';
const RDP = `${TS}\\WinStations\\RDP-Tcp`;
const POL = 'HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services';

describe('RB-WIN-SEC-010 under pwsh with stand-in cmdlets', () => {
  it('passes when RDP requires NLA and TLS', async () => {
    const state = { Registry: { [TS]: { fDenyTSConnections: 0 }, [RDP]: { UserAuthentication: 1, SecurityLayer: 2, MinEncryptionLevel: 3, PortNumber: 3389 } } };
    const r = await runWindowsScenario(rb, ['check'], { state, params: { state_dir: tempDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { rdp_enabled: true, nla_enabled: 1, issues: [] } });
  });

  it('drifted → remediated → idempotent → rolled back; a hostile registry string stays data', async () => {
    const dir = tempDir();
    const marker = join(dir, 'pwned');
    const hostile = `2; Set-Content -Path '${marker}' -Value 1 \`$(x)`;
    const initial = { Registry: { [TS]: { fDenyTSConnections: 0 }, [RDP]: { UserAuthentication: 0, SecurityLayer: hostile, PortNumber: 3389 } } };
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { state: structuredClone(initial), params: { state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({
      status: 'fail',
      observed: { nla_enabled: 0, security_layer: hostile, min_encryption_level: null, policy_blocked: [], issues: ['NLA_DISABLED', 'SECURITY_LAYER', 'MIN_ENCRYPTION_LEVEL'] },
    });
    expect(fix1!.result?.observed).toEqual({ changed_values: ['UserAuthentication', 'SecurityLayer', 'MinEncryptionLevel'] });
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { nla_enabled: 1, security_layer: 2, min_encryption_level: 3 } });
    expect(fix2!.result?.observed).toEqual({ changed_values: [] });
    expect(rollback!.result?.status).toBe('pass');
    expect(check3!.result?.status).toBe('fail');
    expect(r.state).toEqual(initial);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses to fight Group Policy; not applicable when RDP is off; rollback without a record is an error', async () => {
    const gpo = { Registry: { [TS]: { fDenyTSConnections: 0 }, [RDP]: { UserAuthentication: 1, SecurityLayer: 2, MinEncryptionLevel: 3 }, [POL]: { SecurityLayer: 0 } } };
    const r1 = await runWindowsScenario(rb, ['check', 'remediate'], { state: structuredClone(gpo), params: { state_dir: tempDir() } });
    expect(r1.results[0]!.result).toMatchObject({ status: 'fail', observed: { security_layer: 0, policy_managed: ['SecurityLayer'], policy_blocked: ['SecurityLayer'] } });
    expect(r1.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'POLICY_OVERRIDE' } });
    expect(r1.state).toEqual(gpo);

    const off = { Registry: { [TS]: { fDenyTSConnections: 1 }, [RDP]: { UserAuthentication: 0 } } };
    const r2 = await runWindowsScenario(rb, ['check', 'rollback'], { state: off, params: { state_dir: tempDir() } });
    expect(r2.results[0]!.result).toMatchObject({ status: 'not_applicable', reason_code: 'RDP_DISABLED' });
    expect(r2.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NO_ROLLBACK_STATE' } });
  });

  it('reports error, never pass, when the Terminal Server key cannot be read', async () => {
    const r = await runWindowsScenario(rb, ['check'], { state: { Registry: {} }, params: { state_dir: tempDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'REGISTRY_UNREADABLE' });
  });
});
