import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-NET-SECURITY-001');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const S = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols';
const fw = (enabled: string, inbound: string) => ({ Domain: { Enabled: 'True', DefaultInboundAction: 'Block' }, Private: { Enabled: enabled, DefaultInboundAction: 'Block' }, Public: { Enabled: 'True', DefaultInboundAction: inbound } });
const hardenedSchannel = () => {
  const reg: Record<string, Record<string, unknown>> = { [S]: {} };
  for (const p of ['SSL 2.0', 'SSL 3.0', 'TLS 1.0', 'TLS 1.1']) {
    reg[`${S}\\${p}`] = {};
    for (const side of ['Server', 'Client']) reg[`${S}\\${p}\\${side}`] = { Enabled: 0, DisabledByDefault: 1 };
  }
  return reg;
};
const network = (tcp: number[], udp: number[]) => ({
  Adapters: {},
  TcpConnections: tcp.map((p) => ({ LocalAddress: '0.0.0.0', LocalPort: p, RemoteAddress: '0.0.0.0', RemotePort: 0, State: 'Listen' })),
  UdpEndpoints: udp.map((p) => ({ LocalAddress: '0.0.0.0', LocalPort: p })),
});
const standins = ['NetSecurity.ps1', 'WinB-Smb.ps1', 'WinB-Network.ps1'];

describe('RB-NET-SECURITY-001 under pwsh with stand-in cmdlets', () => {
  it('passes when hardened; accepted listeners are not reported, others are warnings only', async () => {
    const state = { FirewallProfiles: fw('True', 'Block'), Registry: hardenedSchannel(), Smb: { EncryptData: true, RejectUnencryptedAccess: true }, Network: network([135, 445, 3389, 5985], [137, 5353]) };
    const r = await runWindowsScenario(rb, ['check'], { standins, state, params: { state_dir: tempDir(), allowed_listening_ports: [3389] } });
    expect(r.results[0]!.result).toMatchObject({
      status: 'pass',
      observed: { disabled_firewall_profiles: [], weak_protocols_enabled: [], strong_protocols_disabled: [], smb_encryption: true, flagged_listening_ports: [137, 445], issues: [] },
    });
    expect(r.results[0]!.result?.message).toContain('review listeners on ports 137, 445');
  });

  it('drifted → remediated → idempotent → rolled back; a hostile registry string stays data', async () => {
    const dir = tempDir();
    const marker = join(dir, 'pwned');
    const hostile = `0; $(Set-Content -Path '${marker}' -Value 1) \`"'`;
    const registry = hardenedSchannel();
    // TLS 1.0 server left at the OS default (no value), TLS 1.1 client holding a string, TLS 1.2 server disabled.
    registry[`${S}\\TLS 1.0\\Server`] = {};
    registry[`${S}\\TLS 1.1\\Client`] = { Enabled: hostile, DisabledByDefault: 0 };
    registry[`${S}\\TLS 1.2`] = {};
    registry[`${S}\\TLS 1.2\\Server`] = { Enabled: 0, DisabledByDefault: 1 };
    registry[`${S}\\TLS 1.2\\Client`] = {};
    const initial = { FirewallProfiles: fw('False', 'Allow'), Registry: registry, Smb: { EncryptData: false, RejectUnencryptedAccess: true }, Network: network([23], []) };
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins, state: structuredClone(initial), params: { state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({
      status: 'fail',
      observed: {
        disabled_firewall_profiles: ['Private'], allow_inbound_profiles: ['Public'], weak_protocols_enabled: ['TLS 1.0 Server', 'TLS 1.1 Client'],
        strong_protocols_disabled: ['TLS 1.2 Server'], smb_encryption: false, flagged_listening_ports: [23],
        issues: ['FIREWALL_PROFILE_OFF', 'FIREWALL_INBOUND_ALLOWED', 'WEAK_PROTOCOL_ENABLED', 'STRONG_PROTOCOL_DISABLED', 'SMB_ENCRYPTION_OFF'],
      },
    });
    expect(fix1!.result?.observed).toEqual({
      changed: ['firewall:Private', 'firewall:Public', 'schannel:TLS 1.0\\Server', 'schannel:TLS 1.1\\Client', 'schannel:TLS 1.2\\Server', 'smb:EncryptData'], reboot_required: true,
    });
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { flagged_listening_ports: [23] } });
    expect(fix2!.result?.observed).toEqual({ changed: [], reboot_required: false });
    expect(rollback!.result?.status).toBe('pass');
    expect(check3!.result?.observed['issues']).toEqual(check1!.result?.observed['issues']);
    expect(r.state).toEqual(initial);
    expect(existsSync(marker)).toBe(false);
  });

  it('creates missing SCHANNEL keys; reports error, never pass, when parts cannot be read', async () => {
    const fresh = { FirewallProfiles: fw('True', 'Block'), Registry: { [S]: {} }, Smb: { EncryptData: true } };
    const r1 = await runWindowsScenario(rb, ['check', 'remediate', 'check'], { standins: ['NetSecurity.ps1', 'WinB-Smb.ps1'], state: fresh, params: { state_dir: tempDir(), weak_protocols: ['TLS 1.0'] } });
    expect(r1.results[0]!.result).toMatchObject({ status: 'fail', observed: { weak_protocols_enabled: ['TLS 1.0 Server', 'TLS 1.0 Client'], flagged_listening_ports: null } });
    expect(r1.results[2]!.result?.status).toBe('pass');
    expect((r1.state['Registry'] as Record<string, unknown>)[`${S}\\TLS 1.0\\Server`]).toEqual({ Enabled: 0, DisabledByDefault: 1 });
    const r2 = await runWindowsScenario(rb, ['check'], { standins: ['NetSecurity.ps1'], state: { FirewallProfiles: fw('True', 'Block'), Registry: hardenedSchannel() }, params: { state_dir: tempDir() } });
    expect(r2.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'PARTIAL_READ', observed: { undecided: ['SMB_CMDLETS_UNAVAILABLE'] } });
  });
});
