import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-SVC-001');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const host = (status: string, startType: string, roleInstalled = true) => ({
  Services: { DNS: { Status: status, StartType: startType, DisplayName: 'DNS Server' } },
  Features: { DNS: { Installed: roleInstalled, DisplayName: 'DNS Server' }, 'AD-Domain-Services': { Installed: true } },
});

describe('RB-WIN-SVC-001 under pwsh with stand-in cmdlets', () => {
  it('disabled and stopped → fail → remediated → pass → second run changes nothing → rolled back to the initial state', async () => {
    const initial = host('Stopped', 'Disabled');
    const dir = stateDir();
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins: ['WinC-Features.ps1'], state: initial, params: { state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({ status: 'fail', observed: { role_installed: true, service_status: 'Stopped', start_type: 'Disabled' } });
    expect(fix1!.result).toMatchObject({ status: 'pass', observed: { changes: ['start_type=Automatic', 'started'], service_status: 'Running' } });
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { service_status: 'Running', start_type: 'Automatic' } });
    expect(fix2!.result?.observed['changes']).toEqual([]);
    expect(rollback!.result?.status).toBe('pass');
    expect(check3!.result?.status).toBe('fail');
    expect(r.state).toEqual(initial);
    expect(readdirSync(dir)).toEqual([]);
    const mutations = r.calls.filter((c) => ['Set-Service', 'Start-Service', 'Stop-Service'].includes(c.cmdlet));
    // two changes by the first remediation, none by the second, two undone by the rollback
    expect(mutations.map((c) => c.cmdlet)).toEqual(['Set-Service', 'Start-Service', 'Stop-Service', 'Set-Service']);
  });

  it('a host without the role or without ServerManager is not applicable, never pass', async () => {
    const noRole = await runWindowsScenario(rb, ['check', 'remediate'], { standins: ['WinC-Features.ps1'], state: host('Stopped', 'Manual', false), params: { state_dir: stateDir() } });
    expect(noRole.results[0]!.result).toMatchObject({ status: 'not_applicable', reason_code: 'ROLE_NOT_INSTALLED', observed: { role_installed: false } });
    expect(noRole.results[1]!.result).toMatchObject({ status: 'not_applicable', reason_code: 'ROLE_NOT_INSTALLED' });
    expect(noRole.calls.some((c) => c.cmdlet === 'Start-Service')).toBe(false);

    // no WinC-Features.ps1: Get-WindowsFeature does not exist, as on a client edition
    const client = await runWindowsScenario(rb, ['check'], { state: host('Stopped', 'Manual'), params: { state_dir: stateDir() } });
    expect(client.results[0]!.result).toMatchObject({ status: 'not_applicable', reason_code: 'NO_SERVER_ROLES' });
  });

  it('role installed but service gone is an error; hostile names stay data; rollback without a record is an error', async () => {
    const hostile = "DNS'; Remove-Item -Recurse C:\\; '";
    const r = await runWindowsScenario(rb, ['check', 'rollback'], { standins: ['WinC-Features.ps1'], state: host('Running', 'Automatic'), params: { service_name: hostile, state_dir: stateDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'SERVICE_MISSING' });
    expect(r.calls.find((c) => c.cmdlet === 'Get-Service')?.args).toEqual({ Name: [hostile] });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NO_ROLLBACK_STATE' } });

    const wild = await runWindowsScenario(rb, ['check', 'remediate'], { standins: ['WinC-Features.ps1'], state: host('Stopped', 'Manual'), params: { service_name: '*', state_dir: stateDir() } });
    expect(wild.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'INVALID_PARAMETER' });
    expect(wild.results[1]!.result).toMatchObject({ status: 'error', reason_code: 'INVALID_PARAMETER' });
    expect(wild.calls.filter((c) => c.cmdlet === 'Start-Service')).toEqual([]);
  });
});
