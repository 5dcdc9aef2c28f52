import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-NET-003');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const nic = (index: number, category: string, profile: string) => ({
  InterfaceIndex: index, InterfaceGuid: `{0000000${index}-0000-0000-0000-000000000000}`, InterfaceDescription: 'NIC', Enabled: true, MediaConnected: true, Physical: true,
  IPv4Address: `10.20.0.${index}`, Gateway: '10.20.0.1', NetworkCategory: category, ProfileName: profile,
});
function host(o: { domain: boolean; productType?: number; pcType?: number; adapters: Record<string, unknown> }) {
  return {
    Cim: { Win32_ComputerSystem: [{ PartOfDomain: o.domain, PCSystemType: o.pcType ?? 1 }], Win32_OperatingSystem: [{ ProductType: o.productType ?? 1 }] },
    Network: { Adapters: o.adapters, Reachable: ['10.20.0.1'] },
  };
}
const standins = ['WinB-Network.ps1'];

describe('RB-WIN-NET-003 under pwsh with stand-in cmdlets', () => {
  it('passes on a domain member without Public profiles', async () => {
    const r = await runWindowsScenario(rb, ['check'], { standins, state: host({ domain: true, adapters: { Ethernet: nic(12, 'DomainAuthenticated', 'clinic.local'), Backup: nic(13, 'Private', 'Network 2') } }), params: { state_dir: tempDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { is_domain_joined: true, profile_count: 2, public_profiles: [] } });
  });

  it('server with a Public profile → Private → idempotent → rolled back; a hostile profile name stays data', async () => {
    const dir = tempDir();
    const marker = join(dir, 'pwned');
    const hostile = `Net"; $(Set-Content -Path '${marker}' -Value 1) \`'`;
    const initial = host({ domain: false, productType: 3, adapters: { Ethernet: nic(12, 'Public', hostile), Storage: nic(13, 'Private', 'SAN'), [hostile]: nic(14, 'Public', 'Network 3') } });
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins, state: structuredClone(initial), params: { state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({ status: 'fail', observed: { is_domain_joined: false, product_type: 3, profile_count: 3, public_profiles: ['Ethernet', hostile] } });
    expect(fix1!.result?.observed).toEqual({ changed_profiles: ['Ethernet', hostile] });
    expect(check2!.result?.status).toBe('pass');
    expect(fix2!.result?.observed).toEqual({ changed_profiles: [] });
    expect(rollback!.result?.observed).toEqual({ restored_profiles: ['Ethernet', hostile], skipped_profiles: [] });
    expect(check3!.result?.status).toBe('fail');
    expect(r.state).toEqual(initial);
    expect(existsSync(marker)).toBe(false);
  });

  it('a domain laptop is out of scope and its remediation changes nothing; missing cmdlets are an error, never pass', async () => {
    const laptop = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: host({ domain: true, pcType: 2, adapters: { 'Wi-Fi': nic(12, 'Public', 'Hotel') } }), params: { state_dir: tempDir() } });
    expect(laptop.results[0]!.result).toMatchObject({ status: 'not_applicable', reason_code: 'NOT_IN_SCOPE', observed: { is_mobile: true } });
    expect(laptop.results[1]!.result?.observed).toEqual({ changed_profiles: [] });
    const missing = await runWindowsScenario(rb, ['check', 'rollback'], { state: host({ domain: true, adapters: {} }), params: { state_dir: tempDir() } });
    expect(missing.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'NETWORK_CMDLETS_UNAVAILABLE' });
    expect(missing.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NO_ROLLBACK_STATE' } });
  });
});
