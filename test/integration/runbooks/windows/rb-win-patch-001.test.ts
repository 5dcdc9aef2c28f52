import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-PATCH-001');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const standins = ['WinA-WindowsUpdate.ps1'];
const upd = (KB: string, MsrcSeverity: string, extra: Record<string, unknown> = {}) => ({
  Title: `Update for KB${KB}`, KB, MsrcSeverity, Installed: false, Hidden: false, Type: 'Software', RebootBehavior: 1, EulaAccepted: true, InstallFails: false, Downloaded: false, ...extra,
});
const wu = (updates: ReturnType<typeof upd>[], extra: Record<string, unknown> = {}) => ({ WindowsUpdate: { SearchFails: false, InstallDenied: false, RebootRequired: false, Updates: updates, ...extra } });
const installs = (calls: { cmdlet: string }[]) => calls.filter((c) => /^(IUpdateDownloader\.Download|IUpdateInstaller\.Install|IUpdate\.AcceptEula)$/.test(c.cmdlet));

describe('RB-WIN-PATCH-001 under pwsh with a stand-in Windows Update Agent', { timeout: 240_000 }, () => {
  it('runbook is flagged disruptive and reboot-requiring, and has no rollback', () => {
    expect(rb).toMatchObject({ disruptive: true, requires_reboot: true });
    expect(rb.scripts.rollback).toBeUndefined();
  });

  it('only non-critical updates pending: passes and reports them', async () => {
    const r = await runWindowsScenario(rb, ['check'], { standins, state: wu([upd('5036892', 'Important'), upd('5001', 'Critical', { Installed: true })]) });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { pending_total: 1, pending_critical: 0, pending_important: 1, failing_count: 0, reboot_pending: false } });
    expect(installs(r.calls)).toEqual([]);
  });

  it('critical pending → Critical+Important installed (EULA accepted) → passes with reboot pending → second run installs nothing', async () => {
    const dir = stateDir();
    const state = wu([
      upd('5037771', 'Critical'),
      upd('5036892', 'Important', { EulaAccepted: false }),
      upd('890830', 'Moderate'),
      upd('5002', 'Critical', { Hidden: true }),
    ]);
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate'], { standins, state, params: { state_dir: dir } });
    const [check1, fix1, check2, fix2] = r.results;
    expect(check1!.result).toMatchObject({ status: 'fail', observed: { pending_total: 3, pending_critical: 1, pending_important: 1, failing_count: 1, failing_kbs: ['5037771'] } });
    expect(fix1!.result).toMatchObject({ status: 'pass', observed: { installed_kbs: ['5037771', '5036892'], result_code: 2, reboot_required: true } });
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { pending_total: 1, failing_count: 0, reboot_pending: true } });
    expect(fix2!.result).toMatchObject({ status: 'pass', observed: { installed_kbs: [] } });
    expect(installs(r.calls)).toEqual([
      { cmdlet: 'IUpdate.AcceptEula', args: { KB: '5036892' } },
      { cmdlet: 'IUpdateDownloader.Download', args: { KB: ['5037771', '5036892'] } },
      { cmdlet: 'IUpdateInstaller.Install', args: { KB: ['5037771', '5036892'] } },
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'RB-WIN-PATCH-001.json'), 'utf8').replace(/^\uFEFF/, ''))).toMatchObject({ kbs_to_install: ['5037771', '5036892'] });
  });

  it('no agent, a failed search, an install refused in a remote session: errors, never pass; hostile KB text is data', async () => {
    const none = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: {}, params: { state_dir: stateDir() } });
    expect(none.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'WU_UNAVAILABLE' });
    expect(none.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'WU_UNAVAILABLE' } });
    const offline = await runWindowsScenario(rb, ['check'], { standins, state: wu([upd('5037771', 'Critical')], { SearchFails: true }) });
    expect(offline.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'WU_SEARCH_FAILED' });
    expect(offline.results[0]!.result?.message).toContain('0x8024402C');
    const hostile = "$(Set-Content -Path /tmp/writ-pwned-wu -Value x)`;'\"";
    const denied = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: wu([upd(hostile, 'Critical', { Title: hostile })], { InstallDenied: true }), params: { state_dir: stateDir() } });
    expect(denied.results[0]!.result).toMatchObject({ status: 'fail', observed: { failing_kbs: [hostile] } });
    expect(denied.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'WU_INSTALL_DENIED' } });
    expect(existsSync('/tmp/writ-pwned-wu')).toBe(false);
  });
});
