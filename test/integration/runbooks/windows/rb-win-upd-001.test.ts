import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-UPD-001');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const GiB = 1024 ** 3;
const LOG = 'Microsoft-Windows-WindowsUpdateClient/Operational';

/** Scratch Windows folder: SoftwareDistribution (sparse files), catroot2, two of the DLLs. */
function scratch(sdBytes: number) {
  const root = mkdtempSync(join(tmpdir(), 'writ-upd001-'));
  const state = join(root, 'state');
  dirs.push(root);
  const file = (rel: string, bytes: number) => {
    const p = join(root, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, '');
    truncateSync(p, bytes);
  };
  file('Windows/SoftwareDistribution/DataStore/DataStore.edb', sdBytes);
  file('Windows/SoftwareDistribution/Download/kb.cab', 1024);
  file('Windows/System32/catroot2/edb.log', 1024);
  file('Windows/System32/wuapi.dll', 10);
  file('Windows/System32/qmgr.dll', 10);
  const params = {
    software_distribution_path: join(root, 'Windows/SoftwareDistribution'), catroot2_path: join(root, 'Windows/System32/catroot2'),
    system32_path: join(root, 'Windows/System32'), state_dir: state,
  };
  return { root, state, params, win: join(root, 'Windows'), sys32: join(root, 'Windows/System32') };
}
const services = (wu: [string, string]) => ({
  wuauserv: { Status: wu[0], StartType: wu[1], DisplayName: 'Windows Update' },
  BITS: { Status: 'Running', StartType: 'Manual', DisplayName: 'Background Intelligent Transfer Service' },
  CryptSvc: { Status: 'Running', StartType: 'Automatic', DisplayName: 'Cryptographic Services' },
  msiserver: { Status: 'Stopped', StartType: 'Manual', DisplayName: 'Windows Installer' },
});
const errorsAt = (...daysAgo: number[]) => daysAgo.map((d) => ({ LogName: LOG, Id: 25, Level: 2, DaysAgo: d }));
type Call = { cmdlet: string; args: Record<string, unknown> };
const argvOf = (calls: Call[], tool: string) => calls.filter((c) => c.cmdlet === tool).map((c) => c.args['argv']);

describe('RB-WIN-UPD-001 under pwsh with stand-in cmdlets and real folders', () => {
  it('errors and a 6 GB cache → fail → reset (no winsock, no proxy) → pass → no-op → rollback restores folders and services', async () => {
    const s = scratch(6 * GiB);
    const initial = {
      Services: services(['Running', 'Manual']),
      Registry: {},
      WindowsUpdate: { Events: [...errorsAt(0.5, 1, 2, 3, 4.5, 6), ...errorsAt(9, 12), { LogName: LOG, Id: 26, Level: 4, DaysAgo: 1 }], Proxy: { Server: 'proxy.clinic.local:8080', Bypass: '<local>' }, DetectSucceeds: true },
    };
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins: ['WinC-WindowsUpdate.ps1'], state: initial, params: s.params });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({
      status: 'fail',
      observed: { wu_service_status: 'Running', wu_start_type: 'Manual', helper_services_state: ['BITS:Running', 'CryptSvc:Running', 'msiserver:Stopped'], recent_error_count: 6, software_distribution_gb: 6, last_reset_utc: null },
    });
    expect(fix1!.result).toMatchObject({
      status: 'pass',
      observed: { changes: ['stopped wuauserv,BITS,CryptSvc', 'set aside SoftwareDistribution', 'set aside catroot2', 'restarted wuauserv,BITS,CryptSvc', 'scan started'], dlls_registered: 2, dlls_failed: 0, reboot_required: false },
    });
    // errors logged before the reset no longer count; the cache is empty
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { recent_error_count: 0, software_distribution_gb: 0 } });
    expect(check2!.result?.observed['last_reset_utc']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(fix2!.result).toMatchObject({ status: 'pass', observed: { changes: [] } });
    expect(rollback!.result).toMatchObject({ status: 'pass', observed: { changes: ['restored catroot2', 'restored SoftwareDistribution'], not_undone: [] } });
    expect(check3!.result).toMatchObject({ status: 'fail', observed: { recent_error_count: 6, software_distribution_gb: 6, last_reset_utc: null } });
    expect(r.state['Services']).toEqual(initial.Services);
    expect((r.state['WindowsUpdate'] as { Proxy: unknown }).Proxy).toEqual(initial.WindowsUpdate.Proxy);
    expect(readdirSync(s.win).sort()).toEqual(['SoftwareDistribution', 'System32']);
    expect(readdirSync(s.sys32).sort()).toEqual(['catroot2', 'qmgr.dll', 'wuapi.dll']);
    expect(existsSync(join(s.win, 'SoftwareDistribution/DataStore/DataStore.edb'))).toBe(true);
    // opt-in steps stayed off; DLLs went to regsvr32 as separate arguments
    expect(argvOf(r.calls, 'netsh.exe')).toEqual([]);
    expect(argvOf(r.calls, 'regsvr32.exe')).toEqual([['/s', join(s.sys32, 'wuapi.dll')], ['/s', join(s.sys32, 'qmgr.dll')]]);
    expect(argvOf(r.calls, 'usoclient.exe')).toEqual([['StartScan']]);
  }, 120_000);

  it('disabled service with winsock and proxy opt-ins → reboot flagged, proxy recorded before reset → rollback restores proxy and start type', async () => {
    const s = scratch(1024);
    const initial = {
      Services: services(['Stopped', 'Disabled']),
      Registry: {},
      WindowsUpdate: { Events: [], Proxy: { Server: 'proxy.clinic.local:8080', Bypass: '<local>;*.clinic.local' }, WinsockResets: 0, DetectSucceeds: true },
    };
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'rollback'], {
      standins: ['WinC-WindowsUpdate.ps1'], state: initial, params: { ...s.params, reset_winsock: true, reset_winhttp_proxy: true, reregister_dlls: [] },
    });
    expect(r.results[0]!.result).toMatchObject({ status: 'fail', observed: { wu_start_type: 'Disabled', recent_error_count: 0 } });
    expect(r.results[1]!.result).toMatchObject({ status: 'pass', observed: { reboot_required: true, dlls_registered: 0 } });
    expect(r.results[1]!.result?.observed['changes']).toEqual(expect.arrayContaining(['start_type=Manual', 'winsock reset', 'winhttp proxy reset']));
    expect(r.results[2]!.result).toMatchObject({ status: 'pass', observed: { wu_start_type: 'Manual' } });
    expect(r.results[3]!.result).toMatchObject({ status: 'pass', observed: { not_undone: ['winsock_reset'] } });
    const wu = r.state['WindowsUpdate'] as { Proxy: unknown; WinsockResets: number };
    expect(wu.Proxy).toEqual(initial.WindowsUpdate.Proxy);
    expect(wu.WinsockResets).toBe(1);
    expect(r.state['Services']).toEqual(initial.Services);
    const netsh = argvOf(r.calls, 'netsh.exe');
    expect(netsh).toEqual([
      ['winhttp', 'show', 'proxy'], ['winsock', 'reset'], ['winhttp', 'reset', 'proxy'],
      ['winhttp', 'set', 'proxy', 'proxy-server=proxy.clinic.local:8080', 'bypass-list=<local>;*.clinic.local'],
    ]);
  }, 120_000);

  it('an unreadable update log is an error, never pass; path-like DLL names are refused before anything stops', async () => {
    const s = scratch(1024);
    const state = { Services: services(['Running', 'Manual']), Registry: {}, WindowsUpdate: { Events: [], MissingLogs: [LOG] } };
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'rollback'], {
      standins: ['WinC-WindowsUpdate.ps1'], state, params: { ...s.params, reregister_dlls: ['..\\..\\evil.dll', 'wuapi.dll /u'] },
    });
    expect(r.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'EVENT_LOG_UNAVAILABLE', observed: { recent_error_count: null } });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'INVALID_PARAMETER' } });
    expect(r.results[2]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NO_ROLLBACK_STATE' } });
    expect(r.calls.filter((c) => c.cmdlet === 'Stop-Service' || c.cmdlet === 'regsvr32.exe')).toEqual([]);
  }, 120_000);
});
