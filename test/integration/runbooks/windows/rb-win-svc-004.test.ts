import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-SVC-004');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const PARAMS_KEY = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\W32Time\\Parameters';
const host = (o: { domain: boolean; status: string; startType: string; stratum: number; source: string; reachable?: boolean; upstream?: number; ntp?: string; type?: string }) => ({
  Services: { W32Time: { Status: o.status, StartType: o.startType, DisplayName: 'Windows Time' } },
  Cim: { Win32_ComputerSystem: [{ PartOfDomain: o.domain, DomainRole: o.domain ? 1 : 0 }] },
  Registry: { [PARAMS_KEY]: { NtpServer: o.ntp ?? 'time.windows.com,0x9', Type: o.type ?? (o.domain ? 'NT5DS' : 'NTP') } },
  Time: { Stratum: o.stratum, Source: o.source, LastSync: o.stratum ? '3/14/2026 10:02:11 AM' : 'unspecified', Reachable: o.reachable ?? true, UpstreamStratum: o.upstream ?? 1, DomainSource: 'dc01.clinic.local' },
});
type Call = { cmdlet: string; args: Record<string, unknown> };
const w32tm = (calls: Call[]) => calls.filter((c) => c.cmdlet === 'w32tm.exe').map((c) => c.args['argv']);

describe('RB-WIN-SVC-004 under pwsh with stand-in cmdlets', () => {
  it('workgroup host, service stopped → fail → started, peered, resynced → pass → no-op → rollback restores peers and service', async () => {
    const initial = host({ domain: false, status: 'Stopped', startType: 'Manual', stratum: 0, source: 'Free-running System Clock', ntp: 'ntp.old-isp.example,0x9', type: 'NoSync' });
    const dir = stateDir();
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins: ['WinC-Time.ps1'], state: initial, params: { state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({ status: 'fail', observed: { service_status: 'Stopped', start_type: 'Manual', domain_joined: false, stratum: null } });
    expect(fix1!.result).toMatchObject({ status: 'pass', observed: { changes: ['start_type=Automatic', 'started', 'peers=time.nist.gov,time.windows.com'], resynced: true } });
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { service_status: 'Running', stratum: 2, time_source: 'time.nist.gov' } });
    expect(fix2!.result).toMatchObject({ status: 'pass', observed: { changes: [], resynced: false } });
    expect(rollback!.result?.status).toBe('pass');
    expect(check3!.result?.status).toBe('fail');
    expect(r.state['Registry']).toEqual(initial.Registry);
    expect(r.state['Services']).toEqual(initial.Services);
    expect(readdirSync(dir)).toEqual([]);
    // the peer list reaches w32tm as one argument; the second remediation calls nothing but the status query
    const calls = w32tm(r.calls);
    expect(calls).toContainEqual(['/config', '/manualpeerlist:time.nist.gov,0x8 time.windows.com,0x8', '/syncfromflags:manual', '/update']);
    expect(calls.filter((a) => (a as string[])[0] === '/config')).toHaveLength(2); // remediation + rollback's /update
    expect(calls.filter((a) => (a as string[])[0] === '/resync')).toHaveLength(1);
  }, 120_000);

  it('domain member at a too-high stratum → fail with the stratum → resynced from the domain → pass; peers never touched', async () => {
    const initial = host({ domain: true, status: 'Running', startType: 'Automatic', stratum: 11, source: 'dc02.clinic.local', upstream: 3 });
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check'], { standins: ['WinC-Time.ps1'], state: initial, params: { state_dir: stateDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'fail', observed: { domain_joined: true, stratum: 11, time_source: 'dc02.clinic.local', last_sync: '3/14/2026 10:02:11 AM' } });
    expect(r.results[1]!.result).toMatchObject({ status: 'pass', observed: { changes: [], resynced: true } });
    expect(r.results[2]!.result).toMatchObject({ status: 'pass', observed: { stratum: 4, time_source: 'dc01.clinic.local' } });
    expect(w32tm(r.calls).filter((a) => (a as string[])[0] === '/config')).toEqual([]);
    expect(r.state['Registry']).toEqual(initial.Registry);
  }, 120_000);

  it('unreachable time source: remediation reports RESYNC_FAILED and the check keeps failing on the local clock', async () => {
    const initial = host({ domain: false, status: 'Running', startType: 'Automatic', stratum: 1, source: 'Local CMOS Clock', reachable: false, ntp: 'time.nist.gov,0x8 time.windows.com,0x8' });
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check'], { standins: ['WinC-Time.ps1'], state: initial, params: { state_dir: stateDir() } });
    // stratum 1 from the local CMOS clock is not synchronisation
    expect(r.results[0]!.result).toMatchObject({ status: 'fail', observed: { stratum: 1, time_source: 'Local CMOS Clock' } });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'RESYNC_FAILED' } });
    expect(r.results[2]!.result?.status).toBe('fail');
  }, 120_000);

  it('without w32tm the check is an error; hostile peers are refused before anything runs; rollback needs a record', async () => {
    const initial = host({ domain: false, status: 'Running', startType: 'Automatic', stratum: 3, source: 'time.nist.gov' });
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'rollback'], { state: initial, params: { ntp_peers: ['time.nist.gov /syncfromflags:no', 'x;y'], state_dir: stateDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'W32TM_UNAVAILABLE', observed: { service_status: 'Running' } });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'INVALID_PEER' } });
    expect(r.results[2]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NO_ROLLBACK_STATE' } });
    expect(r.calls.filter((c) => ['Set-Service', 'Start-Service', 'Set-ItemProperty'].includes(c.cmdlet))).toEqual([]);
    expect(r.state).toEqual(initial);
  }, 120_000);
});
