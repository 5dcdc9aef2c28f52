import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-SEC-001');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const standins = ['NetSecurity.ps1'];
const fw = (d: [string, string], p: [string, string], u: [string, string]) => ({
  FirewallProfiles: {
    Domain: { Enabled: d[0], DefaultInboundAction: d[1] },
    Private: { Enabled: p[0], DefaultInboundAction: p[1] },
    Public: { Enabled: u[0], DefaultInboundAction: u[1] },
  },
});
const sets = (calls: { cmdlet: string }[]) => calls.filter((c) => c.cmdlet === 'Set-NetFirewallProfile');

describe('RB-WIN-SEC-001 under pwsh with the stand-in firewall cmdlets', { timeout: 240_000 }, () => {
  it('all profiles on passes even with an inbound Allow default (reported only); remediation changes nothing', async () => {
    const initial = fw(['True', 'Block'], ['True', 'Allow'], ['True', 'Block']);
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'rollback'], { standins, state: structuredClone(initial), params: { state_dir: stateDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { disabled_count: 0, allow_inbound_profiles: ['Private'] } });
    expect(r.results[1]!.result).toMatchObject({ status: 'pass', observed: { enabled_profiles: [] } });
    expect(r.results[2]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NO_ROLLBACK_STATE' } });
    expect(sets(r.calls)).toEqual([]);
    expect(r.state).toEqual(initial);
  });

  it('disabled profiles → only those enabled (inbound default untouched) → passes → idempotent → rolled back', async () => {
    const dir = stateDir();
    const initial = fw(['False', 'Allow'], ['True', 'Block'], ['False', 'Block']);
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins, state: structuredClone(initial), params: { state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({ status: 'fail', observed: { disabled_profiles: ['Domain', 'Public'], disabled_count: 2, allow_inbound_profiles: ['Domain'] } });
    expect(fix1!.result?.observed['enabled_profiles']).toEqual(['Domain', 'Public']);
    expect(check2!.result?.status).toBe('pass');
    expect(fix2!.result?.observed['enabled_profiles']).toEqual([]);
    expect(rollback!.result?.observed['restored_profiles']).toEqual(['Domain', 'Public']);
    expect(check3!.result?.status).toBe('fail');
    expect(r.state).toEqual(initial);
    expect(existsSync(join(dir, 'RB-WIN-SEC-001.json'))).toBe(false);
    expect(sets(r.calls)).toEqual([
      { cmdlet: 'Set-NetFirewallProfile', args: { Name: ['Domain'], Enabled: 'True' } },
      { cmdlet: 'Set-NetFirewallProfile', args: { Name: ['Public'], Enabled: 'True' } },
      { cmdlet: 'Set-NetFirewallProfile', args: { Name: ['Domain'], Enabled: 'False' } },
      { cmdlet: 'Set-NetFirewallProfile', args: { Name: ['Public'], Enabled: 'False' } },
    ]);
  });

  it('unreadable profiles or a hostile profile name are errors, never pass; cmdlets missing too', async () => {
    const hostile = "Public$(Set-Content -Path /tmp/writ-pwned-fw -Value x)`;'\"";
    const r = await runWindowsScenario(rb, ['check'], { standins, state: fw(['True', 'Block'], ['True', 'Block'], ['True', 'Block']), params: { profiles: ['Domain', hostile], state_dir: stateDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'FIREWALL_UNREADABLE' });
    expect(existsSync('/tmp/writ-pwned-fw')).toBe(false);
    const none = await runWindowsScenario(rb, ['check', 'remediate'], { standins: [], state: {}, params: { state_dir: stateDir() } });
    expect(none.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'FIREWALL_UNAVAILABLE' });
    expect(none.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'FIREWALL_UNAVAILABLE' } });
  });
});
