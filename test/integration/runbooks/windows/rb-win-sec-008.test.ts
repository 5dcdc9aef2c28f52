import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-SEC-008');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};
const LSA = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa';
const MSV = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\MSV1_0';

describe('RB-WIN-SEC-008 under pwsh with stand-in cmdlets', () => {
  it('passes on a hardened host (stricter session-security bits are fine)', async () => {
    const state = { Registry: { [LSA]: { LmCompatibilityLevel: 5, NoLMHash: 1 }, [MSV]: { NtlmMinClientSec: 537395248, NtlmMinServerSec: 537395200 } } };
    const r = await runWindowsScenario(rb, ['check'], { state, params: { state_dir: tempDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { lm_compatibility_level: 5, issues: [] } });
  });

  it('drifted → remediated under MSV1_0 → idempotent → rolled back; a hostile registry string stays data', async () => {
    const dir = tempDir();
    const marker = join(dir, 'pwned');
    const hostile = `$(Set-Content -Path '${marker}' -Value 1); \`"'`;
    const initial = {
      Registry: {
        // The old runbook's misplaced values under Lsa, a neighbouring value, and a REG_SZ where a DWORD belongs.
        [LSA]: { LmCompatibilityLevel: 1, NoLMHash: hostile, NtlmMinClientSec: 537395200, 'Security Packages': '""' },
        [MSV]: { NtlmMinClientSec: 48, RestrictSendingNTLMTraffic: 0 },
      },
    };
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], { state: structuredClone(initial), params: { state_dir: dir } });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({
      status: 'fail',
      observed: {
        lm_compatibility_level: 1, no_lm_hash: hostile, ntlm_min_client_sec: 48, ntlm_min_server_sec: null,
        legacy_lsa_values: ['NtlmMinClientSec'], issues: ['LM_COMPATIBILITY_LEVEL', 'NO_LM_HASH', 'NTLM_MIN_CLIENT_SEC', 'NTLM_MIN_SERVER_SEC'],
      },
    });
    expect(fix1!.result?.observed).toEqual({ changed_values: ['LmCompatibilityLevel', 'NoLMHash', 'NtlmMinClientSec', 'NtlmMinServerSec'], reboot_required: true });
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { lm_compatibility_level: 5, no_lm_hash: 1, ntlm_min_client_sec: 537395248, ntlm_min_server_sec: 537395200 } });
    expect(fix2!.result?.observed).toEqual({ changed_values: [], reboot_required: false });
    expect(rollback!.result?.status).toBe('pass');
    expect(check3!.result?.status).toBe('fail');
    expect(r.state).toEqual(initial);
    expect(existsSync(marker)).toBe(false);
    // The session-security values go where Windows reads them; the misplaced Lsa copy is left alone.
    const writes = r.calls.filter((c) => c.cmdlet === 'New-ItemProperty').slice(0, 4).map((c) => `${c.args['Path']}|${c.args['Name']}`);
    expect(writes).toEqual([`${LSA}|LmCompatibilityLevel`, `${LSA}|NoLMHash`, `${MSV}|NtlmMinClientSec`, `${MSV}|NtlmMinServerSec`]);
  });

  it('reports error, never pass, without the Lsa key; rollback without a record is an error', async () => {
    const r = await runWindowsScenario(rb, ['check', 'rollback'], { state: { Registry: {} }, params: { state_dir: tempDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'LSA_KEY_MISSING' });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NO_ROLLBACK_STATE' } });
  });
});
