import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-STG-002');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const GiB = 1024 ** 3;
const writer = (Name: string, ok = true) => ({ Name, State: ok ? '[1] Stable' : '[8] Failed', LastError: ok ? 'No error' : 'Retryable error' });
const host = (o: { startType: string; serverSku?: boolean; writers?: ReturnType<typeof writer>[] }) => ({
  Services: { VSS: { Status: 'Stopped', StartType: o.startType, DisplayName: 'Volume Shadow Copy' } },
  Cim: { Win32_LogicalDisk: [{ DeviceID: 'C:', DriveType: 3, Size: 100 * GiB, FreeSpace: 40 * GiB }] },
  Vss: { Writers: o.writers ?? [writer('System Writer'), writer('SqlServerWriter')], Storage: [], Shadows: [], ServerSku: o.serverSku ?? true },
});

describe('RB-WIN-STG-002 under pwsh with stand-in cmdlets', () => {
  it('VSS disabled, no shadow copy → fail → re-enabled, 10 % storage, one copy → pass → no-op → rolled back exactly', async () => {
    const initial = host({ startType: 'Disabled' });
    const dir = stateDir();
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { standins: ['WinC-Vss.ps1'], state: initial, params: { state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({ status: 'fail', observed: { vss_start_type: 'Disabled', failed_writer_count: null, shadow_copy_count: null } });
    expect(fix1!.result).toMatchObject({ status: 'pass', observed: { changes: ['start_type=Manual', 'shadow_storage=10%', 'shadow_copy_created'], shadow_copy_count: 1, failed_writer_count: 0 } });
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { vss_start_type: 'Manual', failed_writer_count: 0, failed_writers: [], shadow_storage_configured: true, shadow_copy_count: 1 } });
    expect(fix2!.result).toMatchObject({ status: 'pass', observed: { changes: [] } });
    expect(rollback!.result).toMatchObject({ status: 'pass', observed: { changes: ['deleted shadow copy', 'deleted shadow storage', 'start_type=Disabled'] } });
    expect(check3!.result?.status).toBe('fail');
    expect(r.state).toEqual(initial);
    expect(readdirSync(dir)).toEqual([]);
    const creates = r.calls.filter((c) => c.cmdlet === 'Invoke-CimMethod');
    expect(creates.map((c) => c.args)).toEqual([
      { ClassName: 'Win32_ShadowStorage', MethodName: 'Create', Arguments: { Volume: 'C:\\', DiffVolume: 'C:\\', MaxSpace: 10 * GiB } },
      { ClassName: 'Win32_ShadowCopy', MethodName: 'Create', Arguments: { Volume: 'C:\\', Context: 'ClientAccessible' } },
    ]);
  }, 120_000);

  it('a failed writer fails the check and is left to a person; on a client edition rollback reports what it could not undo', async () => {
    const initial = host({ startType: 'Manual', serverSku: false, writers: [writer('System Writer'), writer('SqlServerWriter', false)] });
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'rollback'], { standins: ['WinC-Vss.ps1'], state: initial, params: { state_dir: stateDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'fail', observed: { failed_writer_count: 1, failed_writers: ['SqlServerWriter'], shadow_storage_configured: false, shadow_copy_count: 0 } });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'WRITERS_FAILED', observed: { failed_writer_count: 1, shadow_copy_count: 1 } } });
    expect(r.results[2]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'ROLLBACK_INCOMPLETE', observed: { shadow_storage_left: true, shadows_left: 0 } } });
    expect((r.state['Vss'] as { Shadows: unknown[] }).Shadows).toEqual([]);
  }, 120_000);

  it('without vssadmin the check is an error; a hostile drive letter never reaches vssadmin; rollback needs a record', async () => {
    const missing = await runWindowsScenario(rb, ['check', 'rollback'], { state: host({ startType: 'Manual' }), params: { state_dir: stateDir() } });
    expect(missing.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'VSSADMIN_UNAVAILABLE', observed: { vss_start_type: 'Manual' } });
    expect(missing.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NO_ROLLBACK_STATE' } });

    const hostile = await runWindowsScenario(rb, ['check', 'remediate'], { standins: ['WinC-Vss.ps1'], state: host({ startType: 'Manual' }), params: { system_drive_letter: 'C: /all /quiet', state_dir: stateDir() } });
    expect(hostile.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'INVALID_PARAMETER' });
    expect(hostile.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'INVALID_PARAMETER' } });
    expect(hostile.calls.filter((c) => c.cmdlet === 'vssadmin.exe' || c.cmdlet === 'Invoke-CimMethod')).toEqual([]);
  }, 120_000);
});
