import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-SEC-005');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const standins = ['WinA-BitLocker.ps1'];
const vol = (VolumeStatus: string, ProtectionStatus: string, KeyProtectors = ['Tpm', 'RecoveryPassword']) => ({
  VolumeType: 'Data', VolumeStatus, ProtectionStatus, EncryptionPercentage: VolumeStatus === 'FullyEncrypted' ? 100 : 0, EncryptionMethod: 'XtsAes256', KeyProtectors,
});
const bitlocker = (volumes: Record<string, ReturnType<typeof vol>>) => ({ BitLocker: { Volumes: volumes } });
const changes = (calls: { cmdlet: string }[]) => calls.filter((c) => /^(Resume|Suspend)-BitLocker$/.test(c.cmdlet));

describe('RB-WIN-SEC-005 under pwsh with stand-in BitLocker cmdlets', { timeout: 240_000 }, () => {
  it('protected volumes pass; remediation changes nothing', async () => {
    const initial = bitlocker({ 'C:': vol('FullyEncrypted', 'On'), 'D:': vol('FullyEncrypted', 'On') });
    const r = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: structuredClone(initial), params: { volumes: ['C:', 'D:'], state_dir: stateDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { volume_count: 2, suspended_count: 0, unencrypted_count: 0 } });
    expect(r.results[1]!.result).toMatchObject({ status: 'pass', observed: { resumed_volumes: [] } });
    expect(changes(r.calls)).toEqual([]);
    expect(r.state).toEqual(initial);
  });

  it('suspended → resumed → passes → second remediation changes nothing → rollback suspends again', async () => {
    const dir = stateDir();
    const initial = bitlocker({ 'C:': vol('FullyEncrypted', 'Off'), 'D:': vol('FullyEncrypted', 'On') });
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins, state: structuredClone(initial), params: { volumes: ['C:', 'D:'], state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({ status: 'fail', observed: { suspended_volumes: ['C:'], suspended_count: 1, unencrypted_count: 0, volume_states: ['C:=FullyEncrypted/Off', 'D:=FullyEncrypted/On'] } });
    expect(fix1!.result).toMatchObject({ status: 'pass', observed: { resumed_volumes: ['C:'] } });
    expect(check2!.result?.status).toBe('pass');
    expect(fix2!.result).toMatchObject({ status: 'pass', observed: { resumed_volumes: [] } });
    expect(rollback!.result).toMatchObject({ status: 'pass', observed: { suspended_volumes: ['C:'] } });
    expect(check3!.result).toMatchObject({ status: 'fail', observed: { suspended_volumes: ['C:'] } });
    expect(r.state).toEqual(initial);
    expect(existsSync(join(dir, 'RB-WIN-SEC-005.json'))).toBe(false);
    expect(changes(r.calls)).toEqual([
      { cmdlet: 'Resume-BitLocker', args: { MountPoint: ['C:'] } },
      { cmdlet: 'Suspend-BitLocker', args: { MountPoint: ['C:'], RebootCount: 0 } },
    ]);
  });

  it('an unencrypted volume is alert-only: remediation changes nothing, even on the suspended one', async () => {
    const initial = bitlocker({ 'C:': vol('FullyEncrypted', 'Off'), 'D:': vol('FullyDecrypted', 'Off', []) });
    const r = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: structuredClone(initial), params: { volumes: ['C:', 'D:'], state_dir: stateDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'fail', observed: { unencrypted_volumes: ['D:'], suspended_volumes: ['C:'], unencrypted_count: 1 } });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NOT_ENCRYPTED' } });
    expect(changes(r.calls)).toEqual([]);
    expect(r.state).toEqual(initial);
  });

  it('a volume without key protectors cannot be resumed and missing BitLocker is an error — never a pass', async () => {
    const r = await runWindowsScenario(rb, ['remediate'], { standins, state: bitlocker({ 'C:': vol('FullyEncrypted', 'Off', []) }), params: { state_dir: stateDir() } });
    expect(r.results[0]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'RESUME_FAILED' } });
    const none = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: {}, params: { state_dir: stateDir() } });
    expect(none.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'BITLOCKER_UNAVAILABLE' });
    expect(none.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'BITLOCKER_UNAVAILABLE' } });
  });
});
