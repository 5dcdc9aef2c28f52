import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-SEC-011');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const KEY = 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System';

describe('RB-WIN-SEC-011 under pwsh with stand-in cmdlets', () => {
  it('passes with Windows defaults (a stricter admin prompt is kept)', async () => {
    const state = { Registry: { [KEY]: { EnableLUA: 1, ConsentPromptBehaviorAdmin: 1, PromptOnSecureDesktop: 1, EnableVirtualization: 1 } } };
    const r = await runWindowsScenario(rb, ['check'], { state, params: { state_dir: tempDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { uac_enabled: 1, admin_prompt_behavior: 1, issues: [] } });
  });

  it('drifted → remediated → idempotent → rolled back; a hostile registry string stays data', async () => {
    const dir = tempDir();
    const marker = join(dir, 'pwned');
    const hostile = `1"; $(Set-Content -Path '${marker}' -Value 1) #\``;
    const initial = { Registry: { [KEY]: { EnableLUA: 0, ConsentPromptBehaviorAdmin: 0, PromptOnSecureDesktop: hostile, InactivityTimeoutSecs: 900 } } };
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { state: structuredClone(initial), params: { state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({
      status: 'fail',
      observed: { uac_enabled: 0, admin_prompt_behavior: 0, secure_desktop: hostile, virtualization: null, issues: ['UAC_DISABLED', 'ADMIN_PROMPT_DISABLED', 'SECURE_DESKTOP_OFF', 'VIRTUALIZATION_OFF'] },
    });
    expect(fix1!.result?.observed).toEqual({ changed_values: ['EnableLUA', 'ConsentPromptBehaviorAdmin', 'PromptOnSecureDesktop', 'EnableVirtualization'], reboot_required: true });
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { uac_enabled: 1, admin_prompt_behavior: 2, secure_desktop: 1, virtualization: 1 } });
    expect(fix2!.result?.observed).toEqual({ changed_values: [], reboot_required: false });
    expect(rollback!.result?.status).toBe('pass');
    expect(check3!.result?.status).toBe('fail');
    expect(r.state).toEqual(initial);
    expect(existsSync(marker)).toBe(false);
  });

  it('reports error, never pass, when the policy key is unreadable; rollback without a record is an error', async () => {
    const r = await runWindowsScenario(rb, ['check', 'rollback'], { state: { Registry: {} }, params: { state_dir: tempDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'REGISTRY_UNREADABLE' });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NO_ROLLBACK_STATE' } });
  });
});
