import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-NET-002');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const nic = (index: number, ip: string, gateway: string | null, o: { enabled?: boolean; hung?: boolean } = {}) => ({
  InterfaceIndex: index, InterfaceGuid: `{0000000${index}-0000-0000-0000-000000000000}`, InterfaceDescription: 'NIC', Enabled: o.enabled ?? true, MediaConnected: true,
  Physical: true, IPv4Address: ip, Gateway: gateway, ReceivedPacketErrors: index === 12 ? 5000 : 0, OutboundPacketErrors: 0, Hung: o.hung ?? false,
});
/** Ethernet carries the SSH session (port 22) and the default route; Lab NIC is a second network with its own gateway. */
function host(labName: string, o: { lab?: { enabled?: boolean; hung?: boolean }; ethHung?: boolean; extra?: Record<string, unknown> } = {}) {
  return {
    Network: {
      Adapters: { Ethernet: nic(12, '10.20.0.31', '10.20.0.1', { hung: o.ethHung }), [labName]: nic(13, '192.168.50.13', '192.168.50.1', o.lab), ...(o.extra ?? {}) },
      Reachable: ['10.20.0.1', '192.168.50.1'],
      TcpConnections: [
        { LocalAddress: '10.20.0.31', LocalPort: 22, RemoteAddress: '10.20.0.5', RemotePort: 51000, State: 'Established' },
        { LocalAddress: '0.0.0.0', LocalPort: 445, RemoteAddress: '0.0.0.0', RemotePort: 0, State: 'Listen' },
      ],
    },
  };
}
const standins = ['WinB-Network.ps1'];
const p = (o: Record<string, unknown>) => ({ wait_seconds: 0, ...o });

describe('RB-WIN-NET-002 under pwsh with stand-in cmdlets', () => {
  it('enables a disabled adapter matched by exact name (a hostile, wildcard-like name stays data) and is idempotent', async () => {
    const dir = tempDir();
    const marker = join(dir, 'pwned');
    const hostile = `Lab*'; $(Set-Content -Path '${marker}' -Value 1) \``;
    const initial = host(hostile, { lab: { enabled: false }, extra: { 'Lab NIC': nic(14, '192.168.60.14', null, { enabled: false }) } });
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate'], { standins, state: structuredClone(initial), params: p({ adapter_name: hostile }) });
    const [check1, fix1, check2, fix2] = r.results;
    expect(check1!.result).toMatchObject({ status: 'fail', observed: { adapter_count: 1, adapter_status: 'Disabled', down_adapters: [hostile], issues: ['ADAPTER_DOWN'] } });
    expect(fix1!.result?.observed).toEqual({ action: 'enabled', adapter_status: 'Up', gateway_reachable: true });
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { adapter_status: 'Up' } });
    expect(fix2!.result?.observed['action']).toBe('none');
    expect(r.calls.filter((c) => c.cmdlet === 'Enable-NetAdapter').map((c) => c.args['Name'])).toEqual([[hostile]]);
    expect((r.state['Network'] as { Adapters: Record<string, { Enabled: boolean }> }).Adapters['Lab NIC']!.Enabled).toBe(false);
    expect(existsSync(marker)).toBe(false);
  });

  it('bounces a hung adapter only when allowed, and never the adapter carrying the management session', async () => {
    const refused = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: host('Lab NIC', { lab: { hung: true } }), params: p({ adapter_name: 'Lab NIC' }) });
    expect(refused.results[0]!.result).toMatchObject({ status: 'fail', observed: { unreachable_gateway_adapters: ['Lab NIC'], issues: ['GATEWAY_UNREACHABLE'] } });
    expect(refused.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'DEFAULT_ROUTE_ADAPTER' } });

    const bounced = await runWindowsScenario(rb, ['remediate', 'check'], { standins, state: host('Lab NIC', { lab: { hung: true } }), params: p({ adapter_name: 'Lab NIC', allow_default_route_adapter: true }) });
    expect(bounced.results[0]!.result?.observed).toEqual({ action: 'bounced', adapter_status: 'Up', gateway_reachable: true });
    expect(bounced.results[1]!.result?.status).toBe('pass');
    expect(bounced.calls.filter((c) => /-NetAdapter$/.test(c.cmdlet) && c.cmdlet !== 'Get-NetAdapter').map((c) => c.cmdlet)).toEqual(['Disable-NetAdapter', 'Enable-NetAdapter']);
  });

  it('refuses the management adapter even when the default route is allowed', async () => {
    const r = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: host('Lab NIC', { ethHung: true }), params: p({ adapter_name: 'ethernet', allow_default_route_adapter: true }) });
    expect(r.results[0]!.result).toMatchObject({ status: 'fail', observed: { unreachable_gateway_adapters: ['Ethernet'] } });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'MANAGEMENT_ADAPTER' } });
    expect(r.calls.some((c) => c.cmdlet === 'Disable-NetAdapter')).toBe(false);
  });

  it('without a name: checks every connected adapter, reports noisy ones, and the remediation refuses', async () => {
    const r = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: host('Lab NIC'), params: p({}) });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { adapter_count: 2, adapter_status: null, high_error_adapters: ['Ethernet'] } });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'ADAPTER_REQUIRED' } });
  });

  it('reports error, never pass, when the network cmdlets are missing or the adapter does not exist', async () => {
    const r1 = await runWindowsScenario(rb, ['check'], { state: host('Lab NIC'), params: p({ adapter_name: 'Lab NIC' }) });
    expect(r1.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'NETWORK_CMDLETS_UNAVAILABLE' });
    const r2 = await runWindowsScenario(rb, ['check'], { standins, state: host('Lab NIC'), params: p({ adapter_name: 'Lab' }) });
    expect(r2.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'ADAPTER_NOT_FOUND' });
  });
});
