import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-UPD-002');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const LOG = 'Microsoft-Windows-WindowsUpdateClient/Operational';
const POLICY = 'HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate';
const CLIENT = 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate';

// A real TCP listener plays the WSUS server; a port that was bound and released plays one that is down.
let wsus: Server;
let openPort = 0;
let closedPort = 0;
const listen = () => new Promise<Server>((resolve) => { const s = createServer((c) => c.end()); s.listen(0, '127.0.0.1', () => resolve(s)); });
beforeAll(async () => {
  wsus = await listen();
  openPort = (wsus.address() as { port: number }).port;
  const gone = await listen();
  closedPort = (gone.address() as { port: number }).port;
  await new Promise((r) => gone.close(r));
});
afterAll(() => new Promise((r) => wsus.close(r)));

const host = (o: { wuServer?: string; useWu?: number; client: Record<string, unknown>; detectDaysAgo?: number }) => ({
  Services: { wuauserv: { Status: 'Running', StartType: 'Manual', DisplayName: 'Windows Update' } },
  Registry: {
    ...(o.wuServer !== undefined ? { [POLICY]: { WUServer: o.wuServer, WUStatusServer: o.wuServer }, [`${POLICY}\\AU`]: { UseWUServer: o.useWu ?? 1 } } : {}),
    [CLIENT]: o.client,
  },
  WindowsUpdate: { Events: o.detectDaysAgo === undefined ? [] : [{ LogName: LOG, Id: 26, Level: 4, DaysAgo: o.detectDaysAgo }], DetectSucceeds: true },
});

describe('RB-WIN-UPD-002 under pwsh with stand-in cmdlets and a real TCP listener', () => {
  it('no client id, stale detection → fail → id reset and detection → pass → no-op → rollback restores the old values', async () => {
    const initial = host({ wuServer: `http://127.0.0.1:${openPort}`, client: { AccountDomainSid: 'S-1-5-21-1-2-3', PingID: 'a1b2', SusClientIdValidation: [6, 2, 0, 1, 9] }, detectDaysAgo: 10 });
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins: ['WinC-WindowsUpdate.ps1'], state: initial, params: { state_dir: stateDir() } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({
      status: 'fail',
      observed: { wsus_configured: true, wsus_server: `http://127.0.0.1:${openPort}`, wsus_reachable: true, sus_client_id_present: false, days_since_last_detect: 10 },
    });
    expect(fix1!.result).toMatchObject({
      status: 'pass',
      observed: { changes: ['stopped wuauserv', 'removed AccountDomainSid,PingID,SusClientIdValidation', 'started wuauserv', 'wuauclt detectnow', 'usoclient StartScan'] },
    });
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { sus_client_id_present: true, days_since_last_detect: 0 } });
    expect(fix2!.result).toMatchObject({ status: 'pass', observed: { changes: [] } });
    expect(rollback!.result?.status).toBe('pass');
    expect(check3!.result).toMatchObject({ status: 'fail', observed: { sus_client_id_present: false, days_since_last_detect: 0 } });
    expect(r.state['Registry']).toEqual(initial.Registry);
    expect(r.state['Services']).toEqual(initial.Services);
    expect(r.calls.find((c) => c.cmdlet === 'wuauclt.exe')?.args).toEqual({ argv: ['/resetauthorization', '/detectnow'] });
  }, 120_000);

  it('is not applicable without the WSUS policy, or with UseWUServer 0, and then changes nothing', async () => {
    const none = await runWindowsScenario(rb, ['check', 'remediate'], { standins: ['WinC-WindowsUpdate.ps1'], state: host({ client: {} }), params: { state_dir: stateDir() } });
    expect(none.results[0]!.result).toMatchObject({ status: 'not_applicable', reason_code: 'WSUS_NOT_CONFIGURED', observed: { wsus_configured: false } });
    expect(none.results[1]!.result).toMatchObject({ status: 'not_applicable', reason_code: 'WSUS_NOT_CONFIGURED' });

    const off = await runWindowsScenario(rb, ['check'], { standins: ['WinC-WindowsUpdate.ps1'], state: host({ wuServer: `http://127.0.0.1:${openPort}`, useWu: 0, client: {} }), params: { state_dir: stateDir() } });
    expect(off.results[0]!.result).toMatchObject({ status: 'not_applicable', reason_code: 'WSUS_NOT_CONFIGURED' });
    expect([...none.calls, ...off.calls].filter((c) => ['Stop-Service', 'Remove-ItemProperty'].includes(c.cmdlet))).toEqual([]);
  }, 120_000);

  it('an unreachable server fails the check and is not "fixed" by resetting the id; a hostile WUServer value stays data', async () => {
    const down = host({ wuServer: `http://127.0.0.1:${closedPort}`, client: { SusClientId: 'c0ffee00-0000-0000-0000-000000000001' }, detectDaysAgo: 1 });
    const r = await runWindowsScenario(rb, ['check', 'remediate'], { standins: ['WinC-WindowsUpdate.ps1'], state: down, params: { state_dir: stateDir(), connect_timeout_seconds: 2 } });
    expect(r.results[0]!.result).toMatchObject({ status: 'fail', observed: { wsus_reachable: false, sus_client_id_present: true, days_since_last_detect: 1 } });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'WSUS_UNREACHABLE' } });
    expect(r.state).toEqual(down);

    const hostile = host({ wuServer: "x'; Remove-Item -Recurse C:\\ #", client: {} });
    const h = await runWindowsScenario(rb, ['check', 'remediate'], { standins: ['WinC-WindowsUpdate.ps1'], state: hostile, params: { state_dir: stateDir() } });
    expect(h.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'WSUS_URL_INVALID' });
    expect(h.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'WSUS_URL_INVALID' } });
  }, 120_000);
});
