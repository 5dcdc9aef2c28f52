import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-ENCRYPTION-001');
const standins = ['WinA-BitLocker.ps1'];
const vol = (VolumeStatus: string, ProtectionStatus: string, EncryptionMethod: string) => ({
  VolumeType: 'OperatingSystem', VolumeStatus, ProtectionStatus, EncryptionPercentage: 100, EncryptionMethod, KeyProtectors: ['Tpm'],
});

describe('RB-WIN-ENCRYPTION-001 (alert only) under pwsh with stand-in BitLocker cmdlets', { timeout: 240_000 }, () => {
  it('is detect-only: no remediate or rollback script', () => {
    expect(Object.keys(rb.scripts)).toEqual(['check']);
    expect(rb.standalone).toBeTruthy();
  });

  it('encrypted with an accepted method passes; unencrypted, hardware-encrypted and suspended volumes fail without any change', async () => {
    const ok = await runWindowsScenario(rb, ['check'], { standins, state: { BitLocker: { Volumes: { 'C:': vol('FullyEncrypted', 'On', 'XtsAes256') } } } });
    expect(ok.results[0]!.result).toMatchObject({ status: 'pass', observed: { volume_count: 1, encryption_methods: ['C:=XtsAes256'] } });
    const state = {
      BitLocker: {
        Volumes: {
          'C:': vol('EncryptionInProgress', 'Off', 'XtsAes256'),
          'D:': vol('FullyEncrypted', 'On', 'Hardware'),
          'E:': vol('FullyEncrypted', 'Off', 'XtsAes128'),
        },
      },
    };
    const bad = await runWindowsScenario(rb, ['check'], { standins, state: structuredClone(state), params: { volumes: ['C:', 'd:', 'E:'] } });
    expect(bad.results[0]!.result).toMatchObject({
      status: 'fail',
      observed: { unencrypted_volumes: ['C:'], weak_method_volumes: ['D:'], protection_off_volumes: ['E:'], encryption_methods: ['C:=XtsAes256', 'D:=Hardware', 'E:=XtsAes128'] },
    });
    expect(bad.calls.filter((c) => c.cmdlet !== 'Get-BitLockerVolume')).toEqual([]);
    expect(bad.state).toEqual(state);
  });

  it('missing BitLocker, a missing volume and a hostile mount point are errors, never pass', async () => {
    const none = await runWindowsScenario(rb, ['check'], { standins, state: {} });
    expect(none.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'BITLOCKER_UNAVAILABLE' });
    const hostile = "$(Set-Content -Path /tmp/writ-pwned-bl -Value x)`;'\"";
    const r = await runWindowsScenario(rb, ['check'], { standins, state: { BitLocker: { Volumes: { 'C:': vol('FullyEncrypted', 'On', 'XtsAes256') } } }, params: { volumes: ['C:', hostile] } });
    expect(r.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'VOLUME_UNREADABLE', observed: { volume: hostile.toUpperCase() } });
    expect(existsSync('/tmp/writ-pwned-bl')).toBe(false);
  });
});
