import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-SEC-007');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const standins = ['WinA-Smb.ps1'];
const KEY = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters';
const host = (server: { RequireSecuritySignature: boolean; EnableSecuritySignature: boolean }, client: Record<string, unknown>) => ({
  Smb: { ServerRunning: true, Server: { ...server, EnableSMB1Protocol: false, EncryptData: false } },
  Registry: { [KEY]: { OtherSetting: 7, ...client } },
});
const writes = (calls: { cmdlet: string }[]) => calls.filter((c) => /^(Set-SmbServerConfiguration|Set-ItemProperty|New-ItemProperty|Remove-ItemProperty|New-Item)$/.test(c.cmdlet));

describe('RB-WIN-SEC-007 under pwsh with stand-in SMB cmdlets and registry', { timeout: 240_000 }, () => {
  it('signing required everywhere passes; remediation changes nothing', async () => {
    const initial = host({ RequireSecuritySignature: true, EnableSecuritySignature: true }, { RequireSecuritySignature: 1, EnableSecuritySignature: 1 });
    const r = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: structuredClone(initial), params: { state_dir: stateDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { server_require_signing: true, client_require_signing: 1, issues: [] } });
    expect(r.results[1]!.result).toMatchObject({ status: 'pass', observed: { changed: [] } });
    expect(writes(r.calls)).toEqual([]);
    expect(r.state).toEqual(initial);
  });

  it('drifted → remediated → passes → second remediation changes nothing → rolled back to the exact prior values', async () => {
    const dir = stateDir();
    const initial = host({ RequireSecuritySignature: false, EnableSecuritySignature: false }, { RequireSecuritySignature: 0 });
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins, state: structuredClone(initial), params: { state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({
      status: 'fail',
      observed: { server_require_signing: false, server_enable_signing: false, client_require_signing: 0, client_enable_signing: null, issues: ['server_signing_not_required', 'server_signing_not_enabled', 'client_signing_not_required', 'client_signing_not_enabled'] },
    });
    expect(fix1!.result?.observed['changed']).toEqual(['server:RequireSecuritySignature', 'server:EnableSecuritySignature', 'client:RequireSecuritySignature', 'client:EnableSecuritySignature']);
    expect(check2!.result?.status).toBe('pass');
    expect(fix2!.result?.observed['changed']).toEqual([]);
    expect(rollback!.result).toMatchObject({ status: 'pass' });
    expect(check3!.result?.status).toBe('fail');
    expect(r.state).toEqual(initial);
    expect(existsSync(join(dir, 'RB-WIN-SEC-007.json'))).toBe(false);
    expect(writes(r.calls).slice(0, 3)).toEqual([
      { cmdlet: 'Set-SmbServerConfiguration', args: { RequireSecuritySignature: true, EnableSecuritySignature: true } },
      { cmdlet: 'Set-ItemProperty', args: { Path: KEY, Name: 'RequireSecuritySignature', Value: 1 } },
      { cmdlet: 'Set-ItemProperty', args: { Path: KEY, Name: 'EnableSecuritySignature', Value: 1 } },
    ]);
    expect(writes(r.calls)).toHaveLength(6); // 3 changes, then 3 restores (server, client value, removal)
  });

  it('a hostile string in the client value is reported as data, replaced, and restored as the same string', async () => {
    const hostile = "$(Set-Content -Path /tmp/writ-pwned-smb -Value x)`;'\" & calc";
    const initial = host({ RequireSecuritySignature: true, EnableSecuritySignature: true }, { RequireSecuritySignature: hostile, EnableSecuritySignature: 1 });
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'rollback'], { standins, state: structuredClone(initial), params: { state_dir: stateDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'fail', observed: { client_require_signing: hostile, issues: ['client_signing_not_required'] } });
    expect(r.results[1]!.result?.observed['changed']).toEqual(['client:RequireSecuritySignature']);
    expect(r.results[2]!.result?.status).toBe('pass');
    expect(r.state).toEqual(initial);
    expect(existsSync('/tmp/writ-pwned-smb')).toBe(false);
  });

  it('SMB cmdlets missing or the Server service stopped: error, never pass', async () => {
    const none = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: { Registry: { [KEY]: { RequireSecuritySignature: 1, EnableSecuritySignature: 1 } } }, params: { state_dir: stateDir() } });
    expect(none.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'SMB_UNAVAILABLE' });
    expect(none.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'SMB_UNAVAILABLE' } });
    const stopped = host({ RequireSecuritySignature: true, EnableSecuritySignature: true }, { RequireSecuritySignature: 1, EnableSecuritySignature: 1 });
    stopped.Smb.ServerRunning = false;
    const r = await runWindowsScenario(rb, ['check'], { standins, state: stopped, params: { state_dir: stateDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'SMB_SERVER_UNREADABLE' });
  });
});
