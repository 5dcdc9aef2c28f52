import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-SVC-002');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const host = (status: string, startType: string, roleInstalled = true) => ({
  Services: { DHCPServer: { Status: status, StartType: startType, DisplayName: 'DHCP Server' } },
  Features: { DHCP: { Installed: roleInstalled, DisplayName: 'DHCP Server' } },
  Dhcp: { Scopes: [{ ScopeId: '10.10.0.0', Name: 'Front desk', State: 'Active' }, { ScopeId: '10.20.0.0', Name: 'Exam rooms', State: 'Active' }] },
});

describe('RB-WIN-SVC-002 under pwsh with stand-in cmdlets', () => {
  it('stopped → fail → started → pass with the scope count → second run changes nothing → rolled back', async () => {
    const initial = host('Stopped', 'Manual');
    const dir = stateDir();
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins: ['WinC-Features.ps1', 'WinC-Dhcp.ps1'], state: initial, params: { state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    // a stopped DHCP service cannot be asked for its scopes
    expect(check1!.result).toMatchObject({ status: 'fail', observed: { role_installed: true, service_status: 'Stopped', start_type: 'Manual', scope_count: null } });
    expect(fix1!.result).toMatchObject({ status: 'pass', observed: { changes: ['started'], service_status: 'Running' } });
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { service_status: 'Running', scope_count: 2 } });
    expect(fix2!.result?.observed['changes']).toEqual([]);
    expect(rollback!.result).toMatchObject({ status: 'pass', observed: { changes: ['stopped'] } });
    expect(check3!.result?.status).toBe('fail');
    expect(r.state).toEqual(initial);
    expect(readdirSync(dir)).toEqual([]);
    expect(r.calls.filter((c) => c.cmdlet === 'Set-Service')).toEqual([]);
  });

  it('without the DhcpServer module a running service still passes with an unknown scope count; rollback without a record is an error', async () => {
    const r = await runWindowsScenario(rb, ['check', 'rollback'], { standins: ['WinC-Features.ps1'], state: host('Running', 'Automatic'), params: { state_dir: stateDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { scope_count: null } });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NO_ROLLBACK_STATE' } });
  });

  it('is not applicable without the role or on a client edition, and never starts anything there', async () => {
    const noRole = await runWindowsScenario(rb, ['check', 'remediate'], { standins: ['WinC-Features.ps1', 'WinC-Dhcp.ps1'], state: host('Stopped', 'Manual', false), params: { state_dir: stateDir() } });
    expect(noRole.results[0]!.result).toMatchObject({ status: 'not_applicable', reason_code: 'ROLE_NOT_INSTALLED' });
    expect(noRole.results[1]!.result).toMatchObject({ status: 'not_applicable', reason_code: 'ROLE_NOT_INSTALLED' });
    expect(noRole.calls.filter((c) => c.cmdlet === 'Start-Service')).toEqual([]);

    const client = await runWindowsScenario(rb, ['check'], { state: host('Stopped', 'Manual'), params: { state_dir: stateDir() } });
    expect(client.results[0]!.result).toMatchObject({ status: 'not_applicable', reason_code: 'NO_SERVER_ROLES' });
  });
});
