import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-NET-004');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const cfg = (index: number, description: string, option: number, o: { ip?: boolean; wins?: string } = {}) => ({
  Index: index, InterfaceIndex: index + 10, Description: description, IPEnabled: o.ip ?? true, DHCPEnabled: true, TcpipNetbiosOptions: option, WINSPrimaryServer: o.wins ?? null, WINSSecondaryServer: null,
});
const host = (domain: boolean, rows: unknown[]) => ({ Cim: { Win32_ComputerSystem: [{ PartOfDomain: domain }], Win32_NetworkAdapterConfiguration: rows } });
const standins = ['WinB-Network.ps1'];

describe('RB-WIN-NET-004 under pwsh with stand-in cmdlets', () => {
  it('passes on a domain member using the default option (adapters without IP are ignored)', async () => {
    const r = await runWindowsScenario(rb, ['check'], { standins, state: host(true, [cfg(1, 'Intel NIC', 0, { wins: '10.20.0.10' }), cfg(2, 'Bluetooth', 1, { ip: false })]), params: { state_dir: tempDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { is_domain_joined: true, adapter_count: 1, wanted_netbios: 'default', mismatched_adapters: [], wins_configured_count: 1 } });
  });

  it('really detects drift on a standalone host → disabled → idempotent → rolled back; hostile descriptions stay data', async () => {
    const dir = tempDir();
    const marker = join(dir, 'pwned');
    const hostile = `NIC"; $(Set-Content -Path '${marker}' -Value 1) \``;
    const initial = host(false, [cfg(1, 'Intel NIC', 0), cfg(2, hostile, 1), cfg(3, 'Already off', 2), cfg(4, 'Bluetooth', 0, { ip: false })]);
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins, state: structuredClone(initial), params: { state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({ status: 'fail', observed: { is_domain_joined: false, adapter_count: 3, wanted_netbios: 'disabled', mismatched_adapters: ['Intel NIC', hostile] } });
    expect(fix1!.result?.observed).toEqual({ changed_adapters: ['Intel NIC', hostile], reboot_required: false });
    expect(check2!.result?.status).toBe('pass');
    expect(fix2!.result?.observed).toEqual({ changed_adapters: [], reboot_required: false });
    expect(rollback!.result?.observed).toEqual({ restored_count: 2 });
    expect(check3!.result?.status).toBe('fail');
    expect(r.state).toEqual(initial);
    expect(existsSync(marker)).toBe(false);
    expect(r.calls.filter((c) => c.cmdlet === 'Invoke-CimMethod').map((c) => [c.args['Index'], (c.args['Arguments'] as Record<string, number>)['TcpipNetbiosOptions']])).toEqual([[1, 2], [2, 2], [1, 0], [2, 1]]);
  });

  it('reports error, never pass, when the adapter configuration cannot be read; rollback without a record is an error', async () => {
    const r = await runWindowsScenario(rb, ['check', 'rollback'], { standins, state: { Cim: { Win32_ComputerSystem: [{ PartOfDomain: false }] } }, params: { state_dir: tempDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'NETWORK_CONFIG_UNREADABLE' });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NO_ROLLBACK_STATE' } });
  });
});
