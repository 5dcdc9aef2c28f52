import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-FIREWALL-001');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const profiles = (domain: [string, string], priv: [string, string], pub: [string, string]) => ({
  FirewallProfiles: {
    Domain: { Enabled: domain[0], DefaultInboundAction: domain[1] },
    Private: { Enabled: priv[0], DefaultInboundAction: priv[1] },
    Public: { Enabled: pub[0], DefaultInboundAction: pub[1] },
  },
});

describe('RB-WIN-FIREWALL-001 under pwsh with stand-in cmdlets', () => {
  it('passes when every profile is on and blocks inbound', async () => {
    const r = await runWindowsScenario(rb, ['check'], { standins: ['NetSecurity.ps1'], state: profiles(['True', 'Block'], ['True', 'Block'], ['True', 'Block']), params: { state_dir: stateDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass' });
  });

  it('drifted → remediated → verified → second remediation changes nothing → rolled back', async () => {
    const initial = profiles(['True', 'Block'], ['False', 'Block'], ['True', 'Allow']);
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins: ['NetSecurity.ps1'], state: initial, params: { state_dir: stateDir() } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({ status: 'fail', observed: { disabled_profiles: ['Private'], allow_inbound_profiles: ['Public'] } });
    expect(fix1!.result?.observed['changed_profiles']).toEqual(['Private', 'Public']);
    expect(check2!.result?.status).toBe('pass');
    expect(fix2!.result?.observed['changed_profiles']).toEqual([]);
    expect(rollback!.result?.status).toBe('pass');
    expect(check3!.result?.status).toBe('fail');
    expect(r.state).toEqual(initial);
    const sets = r.calls.filter((c) => c.cmdlet === 'Set-NetFirewallProfile');
    expect(sets.slice(0, 2)).toEqual([
      { cmdlet: 'Set-NetFirewallProfile', args: { Name: ['Private'], Enabled: 'True' } },
      { cmdlet: 'Set-NetFirewallProfile', args: { Name: ['Public'], DefaultInboundAction: 'Block' } },
    ]);
  });

  it('reports error, never pass, when the profiles cannot be read', async () => {
    const r = await runWindowsScenario(rb, ['check'], { standins: ['NetSecurity.ps1'], state: { FirewallProfiles: {} }, params: { state_dir: stateDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'FIREWALL_UNREADABLE' });
  });

  it('rollback without a saved state is an error', async () => {
    const r = await runWindowsScenario(rb, ['rollback'], { standins: ['NetSecurity.ps1'], state: profiles(['True', 'Block'], ['True', 'Block'], ['True', 'Block']), params: { state_dir: stateDir() } });
    expect(r.results[0]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NO_ROLLBACK_STATE' } });
  });
});
