import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-SVC-003');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
// DomainRole: 1 member workstation, 3 member server, 5 primary domain controller
const host = (domainRole: number, status: string, startType: string, printRole = false) => ({
  Services: { Spooler: { Status: status, StartType: startType, DisplayName: 'Print Spooler' } },
  Cim: { Win32_ComputerSystem: [{ PartOfDomain: true, DomainRole: domainRole }] },
  Features: { 'Print-Services': { Installed: printRole, DisplayName: 'Print and Document Services' } },
});
const mutating = (calls: { cmdlet: string }[]) => calls.filter((c) => ['Set-Service', 'Start-Service', 'Stop-Service'].includes(c.cmdlet));

describe('RB-WIN-SVC-003 under pwsh with stand-in cmdlets', () => {
  it('domain controller with a running spooler → fail → stopped and disabled → pass → no-op → rolled back', async () => {
    const initial = host(5, 'Running', 'Automatic');
    const dir = stateDir();
    // intended_state running does not reach a domain controller unless allow_on_domain_controller is set
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins: ['WinC-Features.ps1'], state: initial, params: { intended_state: 'running', state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({
      status: 'fail',
      observed: { is_domain_controller: true, print_server_role: false, intended_state: 'disabled', service_status: 'Running', start_type: 'Automatic', security_warning: 'print spooler running on a domain controller' },
    });
    expect(fix1!.result).toMatchObject({ status: 'pass', observed: { changes: ['stopped', 'start_type=Disabled'] } });
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { service_status: 'Stopped', start_type: 'Disabled', security_warning: null } });
    expect(fix2!.result?.observed['changes']).toEqual([]);
    expect(rollback!.result).toMatchObject({ status: 'pass', observed: { changes: ['start_type=Automatic', 'started'] } });
    expect(check3!.result?.status).toBe('fail');
    expect(r.state).toEqual(initial);
    expect(readdirSync(dir)).toEqual([]);
  }, 120_000);

  it('never starts the spooler on a workstation that is not a print server (the old defect); does start it on a print server', async () => {
    // no WinC-Features.ps1: a client edition, where Get-WindowsFeature does not exist
    const ws = await runWindowsScenario(rb, ['check', 'remediate'], { state: host(1, 'Stopped', 'Disabled'), params: { state_dir: stateDir() } });
    expect(ws.results[0]!.result).toMatchObject({ status: 'not_applicable', reason_code: 'NO_INTENDED_STATE', observed: { is_domain_controller: false, print_server_role: null, intended_state: null } });
    expect(ws.results[1]!.result).toMatchObject({ status: 'not_applicable', reason_code: 'NO_INTENDED_STATE' });
    expect(mutating(ws.calls)).toEqual([]);

    const ps = await runWindowsScenario(rb, ['check', 'remediate', 'check'], { standins: ['WinC-Features.ps1'], state: host(3, 'Stopped', 'Disabled', true), params: { state_dir: stateDir() } });
    expect(ps.results[0]!.result).toMatchObject({ status: 'fail', observed: { print_server_role: true, intended_state: 'running', service_status: 'Stopped' } });
    expect(ps.results[1]!.result?.observed['changes']).toEqual(['start_type=Automatic', 'started']);
    expect(ps.results[2]!.result).toMatchObject({ status: 'pass', observed: { service_status: 'Running', start_type: 'Automatic' } });
  }, 120_000);

  it('a site may disable the spooler on workstations; an unreadable domain role is an error, never pass', async () => {
    const off = await runWindowsScenario(rb, ['check'], { state: host(1, 'Stopped', 'Disabled'), params: { intended_state: 'disabled', state_dir: stateDir() } });
    expect(off.results[0]!.result).toMatchObject({ status: 'pass', observed: { intended_state: 'disabled' } });

    const noCim = await runWindowsScenario(rb, ['check', 'remediate'], { state: { Services: { Spooler: { Status: 'Running', StartType: 'Automatic' } }, Cim: {} }, params: { state_dir: stateDir() } });
    expect(noCim.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'CIM_UNAVAILABLE' });
    expect(noCim.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'CIM_UNAVAILABLE' } });
    expect(mutating(noCim.calls)).toEqual([]);
  }, 120_000);
});
