import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-NET-001');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const G1 = '{11111111-1111-1111-1111-111111111111}';
const G2 = '{22222222-2222-2222-2222-222222222222}';
const G3 = '{33333333-3333-3333-3333-333333333333}';
const tcpip = (g: string) => `HKLM:\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters\\Interfaces\\${g}`;
const adapter = (index: number, guid: string, enabled = true) => ({ InterfaceIndex: index, InterfaceGuid: guid, InterfaceDescription: 'NIC', Enabled: enabled, MediaConnected: true, Physical: true, IPv4Address: `10.20.0.${index}`, Gateway: '10.20.0.1' });

function host(domain: boolean, registry: Record<string, Record<string, string>>, names: [string, string, string] = ['Ethernet', 'Wi-Fi', 'Spare']) {
  return {
    Services: { Dnscache: { Status: 'Running', StartType: 'Automatic', DisplayName: 'DNS Client' } },
    Cim: {
      Win32_ComputerSystem: [{ PartOfDomain: domain, Domain: domain ? 'clinic.local' : 'WORKGROUP' }],
      Win32_NTDomain: domain ? [{ DomainName: 'CLINIC', DomainControllerAddress: '\\\\10.20.0.10' }, { DomainName: 'CLINIC', DomainControllerAddress: '\\\\10.20.0.11' }] : [],
    },
    Network: { Adapters: { [names[0]]: adapter(12, G1), [names[1]]: adapter(14, G2), [names[2]]: adapter(16, G3, false) }, Reachable: ['10.20.0.1'] },
    Registry: registry,
  };
}
const standins = ['WinB-Network.ps1'];

describe('RB-WIN-NET-001 under pwsh with stand-in cmdlets', () => {
  it('passes on a domain host using its DCs; a standalone host may use public resolvers', async () => {
    const r1 = await runWindowsScenario(rb, ['check'], { standins, state: host(true, { [tcpip(G1)]: { NameServer: '', DhcpNameServer: '10.20.0.10 10.20.0.11' }, [tcpip(G2)]: { NameServer: '10.20.0.10' } }), params: { state_dir: tempDir() } });
    expect(r1.results[0]!.result).toMatchObject({ status: 'pass', observed: { is_domain_joined: true, up_adapter_count: 2, public_resolver_adapters: [], no_dns_adapters: [] } });
    const r2 = await runWindowsScenario(rb, ['check'], { standins, state: host(false, { [tcpip(G1)]: { NameServer: '8.8.8.8,1.1.1.1' }, [tcpip(G2)]: { DhcpNameServer: '192.168.1.1' } }), params: { state_dir: tempDir() } });
    expect(r2.results[0]!.result).toMatchObject({ status: 'pass', observed: { is_domain_joined: false } });
  });

  it('drifted → remediated to the DCs → idempotent → rolled back; hostile adapter names stay data', async () => {
    const dir = tempDir();
    const marker = join(dir, 'pwned');
    const hostile = `Wi-Fi'; $(Set-Content -Path '${marker}' -Value 1) \`"`;
    // Ethernet: DHCP hands out Google DNS; Wi-Fi: a static public resolver; Spare: disabled, ignored.
    const initial = host(true, { [tcpip(G1)]: { NameServer: '', DhcpNameServer: '8.8.8.8 8.8.4.4', Domain: '' }, [tcpip(G2)]: { NameServer: '1.1.1.1,10.20.0.10' } }, ['Ethernet', hostile, 'Spare']);
    initial.Services.Dnscache.Status = 'Stopped';
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins, state: structuredClone(initial), params: { state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({
      status: 'fail',
      observed: { dns_client_running: false, up_adapter_count: 2, public_resolver_adapters: ['Ethernet', hostile], issues: ['DNS_CLIENT_STOPPED', 'PUBLIC_RESOLVER_ON_DOMAIN_HOST'] },
    });
    expect(fix1!.result?.observed).toEqual({ changed: ['service:Dnscache', 'Ethernet', hostile], dns_servers_set: ['10.20.0.10', '10.20.0.11'] });
    expect(check2!.result?.status).toBe('pass');
    expect(fix2!.result?.observed).toEqual({ changed: [], dns_servers_set: [] });
    expect(rollback!.result?.status).toBe('pass');
    expect(check3!.result).toMatchObject({ status: 'fail', observed: { dns_client_running: true, public_resolver_adapters: ['Ethernet', hostile] } });
    // Rollback leaves the DNS Client running; the adapters' DNS settings are back exactly.
    expect(r.state).toEqual({ ...initial, Services: { Dnscache: { ...initial.Services.Dnscache, Status: 'Running' } } });
    expect(existsSync(marker)).toBe(false);
    expect(r.calls.filter((c) => c.cmdlet === 'Clear-DnsClientCache')).toHaveLength(2);
  });

  it('refuses when a standalone adapter has no DNS and nothing to point it at; sets internal_dns_servers when given', async () => {
    const state = host(false, { [tcpip(G1)]: { NameServer: '', DhcpNameServer: '' }, [tcpip(G2)]: { NameServer: '192.168.1.1' } });
    const r1 = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: structuredClone(state), params: { state_dir: tempDir() } });
    expect(r1.results[0]!.result).toMatchObject({ status: 'fail', observed: { no_dns_adapters: ['Ethernet'], issues: ['NO_DNS_SERVERS'] } });
    expect(r1.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NO_DNS_SOURCE', observed: { unfixable_adapters: ['Ethernet'] } } });
    expect(r1.state).toEqual(state);
    const r2 = await runWindowsScenario(rb, ['remediate', 'check'], { standins, state: structuredClone(state), params: { state_dir: tempDir(), internal_dns_servers: ['192.168.1.1'] } });
    expect(r2.results[0]!.result?.observed).toEqual({ changed: ['Ethernet'], dns_servers_set: ['192.168.1.1'] });
    expect(r2.results[1]!.result?.status).toBe('pass');
  });

  it('reports error, never pass, when the network cmdlets are missing; rollback without a record is an error', async () => {
    const r = await runWindowsScenario(rb, ['check', 'rollback'], { state: host(true, {}), params: { state_dir: tempDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'NETWORK_CMDLETS_UNAVAILABLE' });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NO_ROLLBACK_STATE' } });
  });
});
