import { describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-AD-002');
const CUPD = 'HKLM:\\SECURITY\\Policy\\Secrets\\$MACHINE.ACC\\CupdTime';
/** The 8 little-endian FILETIME bytes of a moment `days` ago, as the LSA secret stores them. */
const filetimeBytes = (days: number) => {
  let ft = BigInt(Date.now() - days * 86_400_000) * 10_000n + 116_444_736_000_000_000n;
  const out: number[] = [];
  for (let i = 0; i < 8; i++) { out.push(Number(ft & 0xffn)); ft >>= 8n; }
  return out;
};
const host = (o: { joined?: boolean; domain?: string; channel?: boolean; reachable?: boolean; repairFails?: boolean; ageDays?: number }) => ({
  Cim: { Win32_ComputerSystem: [{ PartOfDomain: o.joined ?? true, Domain: o.domain ?? 'clinic.local', DomainRole: 1 }] },
  Registry: { [CUPD]: { '(default)': filetimeBytes(o.ageDays ?? 10) } },
  Domain: { DomainName: 'clinic.local', DcName: 'dc01.clinic.local', DcReachable: o.reachable ?? true, SecureChannel: o.channel ?? true, RepairFails: o.repairFails ?? false },
});
type Call = { cmdlet: string; args: Record<string, unknown> };
const credentialUsed = (calls: Call[]) => calls.some((c) => c.args['CredentialGiven'] === true);

describe('RB-WIN-AD-002 under pwsh with stand-in cmdlets', () => {
  it('broken channel and a 60-day password → fail → repaired and reset with the computer\'s own credentials → pass → no-op', async () => {
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate'], { standins: ['WinC-Domain.ps1'], state: host({ channel: false, ageDays: 60 }) });
    const [check1, fix1, check2, fix2] = r.results;
    expect(check1!.result).toMatchObject({
      status: 'fail',
      observed: { domain_joined: true, dc_reachable: true, secure_channel_valid: false, password_age_days: 60, drift_reason: 'secure_channel_broken,password_too_old' },
    });
    expect(fix1!.result).toMatchObject({ status: 'pass', observed: { changes: ['secure channel repaired', 'machine password reset'] } });
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { secure_channel_valid: true, password_age_days: 0, drift_reason: null } });
    expect(fix2!.result).toMatchObject({ status: 'pass', observed: { changes: [] } });
    expect(r.calls.filter((c) => c.cmdlet === 'Reset-ComputerMachinePassword')).toHaveLength(1);
    expect(credentialUsed(r.calls)).toBe(false);
    expect(r.calls.find((c) => c.cmdlet === 'nltest.exe')?.args).toEqual({ argv: ['/dsgetdc:clinic.local'] });
  }, 120_000);

  it('a failed repair reports the manual steps and prints no credential; a workgroup host is not applicable', async () => {
    const r = await runWindowsScenario(rb, ['check', 'remediate'], { standins: ['WinC-Domain.ps1'], state: host({ channel: false, repairFails: true }), params: { domain_controller: 'dc01.clinic.local' } });
    expect(r.results[0]!.result).toMatchObject({ status: 'fail', observed: { secure_channel_valid: false, password_age_days: 10, drift_reason: 'secure_channel_broken' } });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'REPAIR_FAILED' } });
    expect(r.results[1]!.result?.message).toMatch(/rejoin the domain/);
    expect(r.calls.find((c) => c.cmdlet === 'Test-ComputerSecureChannel' && c.args['Repair'])?.args).toEqual({ Repair: true, Server: 'dc01.clinic.local', CredentialGiven: false });
    expect(r.calls.filter((c) => c.cmdlet === 'Reset-ComputerMachinePassword')).toEqual([]);

    const ws = await runWindowsScenario(rb, ['check', 'remediate'], { standins: ['WinC-Domain.ps1'], state: host({ joined: false }) });
    expect(ws.results[0]!.result).toMatchObject({ status: 'not_applicable', reason_code: 'NOT_DOMAIN_JOINED', observed: { domain_joined: false } });
    expect(ws.results[1]!.result).toMatchObject({ status: 'not_applicable', reason_code: 'NOT_DOMAIN_JOINED' });
  }, 120_000);

  it('no reachable DC is an error, never pass (a hostile domain name stays one nltest argument); PowerShell 7 without the cmdlets is an error', async () => {
    const hostileDomain = 'clinic.local /sc_reset:clinic.local\\evil';
    const r = await runWindowsScenario(rb, ['check', 'remediate'], { standins: ['WinC-Domain.ps1'], state: host({ domain: hostileDomain, reachable: false, ageDays: 3 }) });
    expect(r.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'DC_UNREACHABLE', observed: { dc_reachable: false, secure_channel_valid: null, password_age_days: 3 } });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'DC_UNREACHABLE' } });
    expect(r.calls.find((c) => c.cmdlet === 'nltest.exe')?.args).toEqual({ argv: [`/dsgetdc:${hostileDomain}`] });

    const ps7 = await runWindowsScenario(rb, ['check', 'remediate'], { state: host({}) });
    expect(ps7.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'SECURE_CHANNEL_CMDLET_UNAVAILABLE' });
    expect(ps7.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'SECURE_CHANNEL_CMDLET_UNAVAILABLE' } });
  }, 120_000);
});
