import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-SEC-009');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-win-state-'));
  dirs.push(d);
  return d;
};

const ADMINS = 'S-1-5-32-544';
const M = 'S-1-5-21-1000-2000-3000';
const D = 'S-1-5-21-7777-8888-9999';
// Whole seconds: the harness reads ISO strings as dates and writes them back without milliseconds.
const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A workstation whose Administrators group holds the given members (SID → local user name or domain principal). */
function accounts(extraUsers: Record<string, { Name: string; Enabled: boolean; PasswordLastSet: string }>, extraMembers: Record<string, { Name: string; ObjectClass: string; PrincipalSource: string }>) {
  const users = {
    [`${M}-500`]: { Name: 'Administrator', Enabled: true, PasswordLastSet: '2024-01-10T08:00:00Z' },
    [`${M}-1001`]: { Name: 'svc.backup', Enabled: true, PasswordLastSet: '2024-02-10T08:00:00Z' },
    ...extraUsers,
  };
  return {
    LocalAccounts: {
      ComputerName: 'CLINIC-PC1',
      Users: users,
      Groups: {
        [ADMINS]: {
          Name: 'Administrators',
          Members: {
            [`${M}-500`]: { Name: 'CLINIC-PC1\\Administrator', ObjectClass: 'User', PrincipalSource: 'Local' },
            [`${M}-1001`]: { Name: 'CLINIC-PC1\\svc.backup', ObjectClass: 'User', PrincipalSource: 'Local' },
            [`${D}-512`]: { Name: 'CONTOSO\\Domain Admins', ObjectClass: 'Group', PrincipalSource: 'ActiveDirectory' },
            ...extraMembers,
          },
        },
      },
      Directory: {
        [`${D}-512`]: { Name: 'CONTOSO\\Domain Admins', ObjectClass: 'Group', PrincipalSource: 'ActiveDirectory' },
        [`${D}-4242`]: { Name: 'CONTOSO\\jdoe', ObjectClass: 'User', PrincipalSource: 'ActiveDirectory' },
      },
    },
  };
}

describe('RB-WIN-SEC-009 under pwsh with stand-in cmdlets', () => {
  it('passes when every administrator is allow-listed', async () => {
    const r = await runWindowsScenario(rb, ['check'], { standins: ['WinB-LocalAccounts.ps1'], state: accounts({}, {}), params: { state_dir: tempDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { admin_count: 3, flagged_count: 0, flagged_accounts: [] } });
  });

  it('flags, disables and removes (never deletes), is idempotent, and rolls back; hostile names stay data', async () => {
    const dir = tempDir();
    const marker = join(dir, 'pwned');
    const hostile = `ev"il';$(Set-Content -Path '${marker}' -Value 1)\`;x`;
    const initial = accounts(
      {
        [`${M}-1002`]: { Name: 'helpdesk2', Enabled: true, PasswordLastSet: hoursAgo(2) },
        [`${M}-1003`]: { Name: hostile, Enabled: true, PasswordLastSet: '2024-03-01T08:00:00Z' },
        [`${M}-1004`]: { Name: 'olduser', Enabled: false, PasswordLastSet: '2023-03-01T08:00:00Z' },
      },
      {
        [`${M}-1002`]: { Name: 'CLINIC-PC1\\helpdesk2', ObjectClass: 'User', PrincipalSource: 'Local' },
        [`${M}-1003`]: { Name: `CLINIC-PC1\\${hostile}`, ObjectClass: 'User', PrincipalSource: 'Local' },
        [`${M}-1004`]: { Name: 'CLINIC-PC1\\olduser', ObjectClass: 'User', PrincipalSource: 'Local' },
        [`${D}-4242`]: { Name: 'CONTOSO\\jdoe', ObjectClass: 'User', PrincipalSource: 'ActiveDirectory' },
      },
    );
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate', 'rollback', 'check'], {
      standins: ['WinB-LocalAccounts.ps1'],
      state: structuredClone(initial),
      params: { state_dir: dir, allowed_admins: ['Administrator', 'CONTOSO\\Domain Admins', 'svc.*', 'ev"[i]l*'] },
    });
    const [check1, fix1, check2, fix2, rollback, check3] = r.results;
    expect(check1!.result).toMatchObject({
      status: 'fail',
      observed: {
        admin_count: 7, flagged_count: 4, flagged_enabled_local_count: 2, recent_password_count: 1,
        flagged_accounts: [`CLINIC-PC1\\${hostile}`, 'CLINIC-PC1\\helpdesk2', 'CLINIC-PC1\\olduser', 'CONTOSO\\jdoe'].sort(),
      },
    });
    expect(fix1!.result?.observed).toMatchObject({ disabled_count: 2, removed_count: 4 });
    expect(check2!.result).toMatchObject({ status: 'pass', observed: { admin_count: 3, flagged_count: 0 } });
    expect(fix2!.result?.observed).toMatchObject({ disabled_count: 0, removed_count: 0 });
    expect(rollback!.result).toMatchObject({ status: 'pass', observed: { readded_count: 4, enabled_count: 2 } });
    expect(check3!.result?.status).toBe('fail');
    expect(r.state).toEqual(initial);
    expect(existsSync(marker)).toBe(false);
    expect(r.calls.some((c) => c.cmdlet === 'Remove-LocalUser')).toBe(false);
    const disabled = r.calls.filter((c) => c.cmdlet === 'Disable-LocalUser').map((c) => c.args['SID']);
    expect(disabled.sort()).toEqual([`${M}-1002`, `${M}-1003`]);
    const removed = r.calls.filter((c) => c.cmdlet === 'Remove-LocalGroupMember').map((c) => c.args['Member']);
    expect(removed.flat().sort()).toEqual([`${D}-4242`, `${M}-1002`, `${M}-1003`, `${M}-1004`].sort());
  });

  it('leaves domain members alone when told, and refuses to remove the last enabled administrator', async () => {
    const initial = accounts(
      { [`${M}-1002`]: { Name: 'clinicadmin', Enabled: true, PasswordLastSet: '2024-03-01T08:00:00Z' } },
      { [`${M}-1002`]: { Name: 'CLINIC-PC1\\clinicadmin', ObjectClass: 'User', PrincipalSource: 'Local' } },
    );
    const la = initial.LocalAccounts;
    la.Users[`${M}-500`]!.Enabled = false;
    delete (la.Groups[ADMINS].Members as Record<string, unknown>)[`${M}-1001`];
    delete (la.Groups[ADMINS].Members as Record<string, unknown>)[`${D}-512`];
    const r = await runWindowsScenario(rb, ['check', 'remediate'], {
      standins: ['WinB-LocalAccounts.ps1'], state: structuredClone(initial), params: { state_dir: tempDir(), include_domain_members: false },
    });
    expect(r.results[0]!.result).toMatchObject({ status: 'fail', observed: { flagged_count: 1, flagged_accounts: ['CLINIC-PC1\\clinicadmin'] } });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'LAST_ADMIN_PROTECTED' } });
    expect(r.state).toEqual(initial);
  });

  it('reports error, never pass, when the LocalAccounts cmdlets are missing; rollback without a record is an error', async () => {
    const r = await runWindowsScenario(rb, ['check', 'rollback'], { state: accounts({}, {}), params: { state_dir: tempDir() } });
    expect(r.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'LOCAL_ACCOUNTS_UNAVAILABLE' });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'NO_ROLLBACK_STATE' } });
  });
});
