import { describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-STG-003');
const GiB = 1024 ** 3;
const disk = (DeviceId: string, extra: Record<string, unknown> = {}) => ({
  DeviceId, FriendlyName: `Disk ${DeviceId}`, MediaType: 'SSD', HealthStatus: 'Healthy', OperationalStatus: 'OK',
  Temperature: 38, ReadErrorsUncorrected: 0, WriteErrorsUncorrected: 0, PowerOnHours: 9000, ...extra,
});
const volume = (DriveLetter: string, extra: Record<string, unknown> = {}) => ({
  DriveLetter, DriveType: 'Fixed', FileSystem: 'NTFS', FileSystemLabel: 'Dr Example records', Size: 100 * GiB, Used: 50 * GiB,
  HealthStatus: 'Healthy', OperationalStatus: 'OK', Dirty: false, ...extra,
});
const healthy = {
  Storage: {
    PhysicalDisks: [disk('0', { Temperature: 41, PowerOnHours: 12000 }), disk('1', { ReadErrorsUncorrected: 2, WriteErrorsUncorrected: 1 }), disk('2', { ReliabilityUnsupported: true })],
    Volumes: [volume('C', { DirtyQueryDenied: true }), volume('D'), { ...volume(''), DriveLetter: null, Size: 500 * 1024 ** 2 }, volume('E', { DriveType: 'Removable', Dirty: true })],
  },
};

describe('RB-WIN-STG-003 under pwsh with stand-in cmdlets (detect only)', () => {
  it('an unreadable dirty bit is an error, never pass; without the dirty-bit query the same host passes with its counters', async () => {
    const r = await runWindowsScenario(rb, ['check'], { standins: ['WinC-Storage.ps1'], state: healthy });
    expect(r.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'DIRTY_BIT_UNREADABLE', observed: { disk_count: 3, volume_count: 2, dirty_volumes: [] } });

    const off = await runWindowsScenario(rb, ['check'], { standins: ['WinC-Storage.ps1'], state: healthy, params: { check_dirty_bit: false } });
    expect(off.results[0]!.result).toMatchObject({
      status: 'pass',
      observed: { disk_count: 3, unhealthy_disks: [], volume_count: 2, unhealthy_volumes: [], dirty_volumes: [], max_temperature_c: 41, uncorrected_errors: 3, max_power_on_hours: 12000 },
    });
    expect(off.calls.filter((c) => c.cmdlet === 'fsutil.exe')).toEqual([]);
    // volume labels never reach the result
    expect(JSON.stringify(off.results[0]!.result)).not.toContain('Dr Example');
  }, 120_000);

  it('a failing disk, an unhealthy volume and a dirty volume fail the check with each one named', async () => {
    const state = {
      Storage: {
        PhysicalDisks: [disk('0'), disk('1', { MediaType: 'HDD', HealthStatus: 'Warning', OperationalStatus: ['Predictive Failure'] })],
        Volumes: [volume('C'), volume('D', { Dirty: true }), volume('E', { HealthStatus: 'Unhealthy', OperationalStatus: 'Full Repair Needed' })],
      },
    };
    const r = await runWindowsScenario(rb, ['check'], { standins: ['WinC-Storage.ps1'], state });
    expect(r.results[0]!.result).toMatchObject({
      status: 'fail',
      observed: { unhealthy_disks: ['disk 1 (HDD): Warning/Predictive Failure'], unhealthy_volumes: ['E: Unhealthy/Full Repair Needed'], dirty_volumes: ['D:'] },
    });
    expect(rb.scripts.remediate).toBeUndefined();
  });

  it('without the Storage module the check is an error', async () => {
    const r = await runWindowsScenario(rb, ['check'], { state: {} });
    expect(r.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'STORAGE_QUERY_UNAVAILABLE' });
  });
});
