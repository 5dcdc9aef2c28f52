import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-STG-001');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const DAY = 86_400_000;

/** A scratch "C:" with (sparse) files of given size and age in days. */
function scratch() {
  const root = mkdtempSync(join(tmpdir(), 'writ-stg001-'));
  dirs.push(root);
  const file = (rel: string, bytes: number, ageDays: number) => {
    const p = join(root, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, '');
    truncateSync(p, bytes);
    const t = new Date(Date.now() - ageDays * DAY);
    utimesSync(p, t, t);
    return p;
  };
  return { root, file, p: (rel: string) => join(root, rel) };
}
/** Stand-in volume C: backed by the scratch folder: its files count as used space. */
const volumeState = (root: string, size: number, used: number) => ({
  Services: { wuauserv: { Status: 'Running', StartType: 'Manual', DisplayName: 'Windows Update' } },
  Storage: { Volumes: [{ DriveLetter: 'C', DriveType: 'Fixed', FileSystem: 'NTFS', Size: size, Used: used, Root: root, HealthStatus: 'Healthy', OperationalStatus: 'OK' }] },
});

describe('RB-WIN-STG-001 under pwsh with stand-in cmdlets and real files', () => {
  it('C: below 10 GB free → fail → old temp and WU cache files deleted, MB freed reported → pass → second run deletes nothing → verify passes', async () => {
    const s = scratch();
    s.file('Windows/Temp/old1.tmp', 300 * MiB, 10);
    s.file('Windows/Temp/sub/old2.tmp', 100 * MiB, 3);
    const recent = s.file('Windows/Temp/in-use.tmp', 4096, 0);
    s.file('SD/Download/pkg.cab', 112 * MiB, 5);
    const auditLog = s.file('Windows/Logs/CBS/CBS.log', 8192, 400);
    const outside = s.file('outside/keep.dat', 4096, 400);
    symlinkSync(s.p('outside'), s.p('Windows/Temp/link-to-outside'));
    const keptBytes = 4096 + 8192 + 4096;
    const size = 50 * GiB;
    // free space is 9.5 GiB, and 10 GiB exactly once the 512 MiB of old files are gone
    const state = volumeState(s.root, size, size - 10 * GiB - keptBytes);
    const params = {
      cleanup_paths: [s.p('Windows/Temp')], wu_download_path: s.p('SD/Download'),
      windows_logs_path: s.p('Windows/Logs'), protected_paths: [s.p('Windows/Logs')],
    };
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'verify'], { standins: ['WinC-Storage.ps1'], state, params });
    const [check1, fix1, check2, fix2, verify] = r.results;
    expect(check1!.result).toMatchObject({ status: 'fail', observed: { fixed_volume_count: 1, low_volumes: ['C:'], highest_used_percent: 81, lowest_free_gb: 9.5, reclaimable_mb: 512 } });
    expect(fix1!.result).toMatchObject({ status: 'pass', observed: { freed_mb: 512, deleted_files: 3, failed_files: 0, refused_paths: 0, wu_cache_cleaned: true, logs_cleaned: false } });
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { low_volumes: [], lowest_free_gb: 10, reclaimable_mb: 0 } });
    expect(fix2!.result).toMatchObject({ status: 'pass', observed: { freed_mb: 0, deleted_files: 0, wu_cache_cleaned: false } });
    expect(verify!.result).toMatchObject({ status: 'pass', observed: { system_drive: 'C:', free_gb: 10 } });
    // recent files, files behind a link and OS logs survive
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(outside)).toBe(true);
    expect(existsSync(auditLog)).toBe(true);
    expect(existsSync(s.p('Windows/Temp/old1.tmp'))).toBe(false);
    // the update service was stopped for the cache and started again, once
    expect(r.calls.filter((c) => ['Stop-Service', 'Start-Service'].includes(c.cmdlet)).map((c) => c.cmdlet)).toEqual(['Stop-Service', 'Start-Service']);
    expect(r.state['Services']).toEqual(state.Services);
  }, 120_000);

  it('OS logs only with the opt-in; protected, containing, root and relative cleanup paths are refused', async () => {
    const s = scratch();
    const oldLog = s.file('Windows/Logs/DISM/dism.log', 1 * MiB, 45);
    const newLog = s.file('Windows/Logs/DISM/dism-new.log', 1 * MiB, 5);
    const notLog = s.file('Windows/Logs/WindowsUpdate/etl.etl', 1 * MiB, 90);
    const evt = s.file('Windows/System32/winevt/Logs/Security.evtx', 1 * MiB, 90);
    const state = volumeState(s.root, 100 * GiB, 10 * GiB);
    const base = { wu_download_path: '', windows_logs_path: s.p('Windows/Logs'), protected_paths: [s.p('Windows/Logs'), s.p('Windows/System32/winevt')] };
    const hostile = [s.p('Windows/System32/winevt/Logs'), s.p('Windows'), '/', 'Windows/Temp', `${s.p('Windows/Temp')}/*`];
    const r = await runWindowsScenario(rb, ['remediate'], { standins: ['WinC-Storage.ps1'], state, params: { ...base, cleanup_paths: hostile } });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { deleted_files: 0, refused_paths: 4, logs_cleaned: false } });
    expect([oldLog, newLog, notLog, evt].every((f) => existsSync(f))).toBe(true);

    const optIn = await runWindowsScenario(rb, ['check', 'remediate'], { standins: ['WinC-Storage.ps1'], state, params: { ...base, cleanup_paths: [], clean_windows_logs: true } });
    expect(optIn.results[0]!.result).toMatchObject({ status: 'pass', observed: { reclaimable_mb: 1 } });
    expect(optIn.results[1]!.result).toMatchObject({ status: 'pass', observed: { freed_mb: 1, deleted_files: 1, logs_cleaned: true } });
    expect(existsSync(oldLog)).toBe(false);
    expect([newLog, notLog, evt].every((f) => existsSync(f))).toBe(true);
  }, 120_000);

  it('without the Storage module the check and verify report an error, never pass', async () => {
    const r = await runWindowsScenario(rb, ['check', 'verify'], { state: { Services: {} } });
    expect(r.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'STORAGE_QUERY_UNAVAILABLE' });
    expect(r.results[1]!.result).toMatchObject({ status: 'error', reason_code: 'STORAGE_QUERY_UNAVAILABLE' });
  });
});
