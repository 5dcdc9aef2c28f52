import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadWindowsRunbook, runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

const rb = loadWindowsRunbook('RB-WIN-AD-001');
const standins = ['WinA-ActiveDirectory.ps1'];
const link = (SourceDsa: string, Failures = 0, LastStatus = 0) => ({ NamingContext: 'DC=corp,DC=example', SourceDsa, Failures, LastStatus });
const dc = (ad: Record<string, unknown>, DomainRole = 5) => ({
  Cim: { Win32_ComputerSystem: [{ PartOfDomain: true, DomainRole, Domain: 'corp.example' }] },
  Ad: { Links: [link('DC02'), link('DC03')], SyncClearsFailures: true, LockedOutUsers: [], AdModule: true, AdwsDown: false, Repadmin: true, DnsResolves: true, ...ad },
});
const syncs = (calls: { cmdlet: string; args: Record<string, unknown> }[]) => calls.filter((c) => c.cmdlet === 'repadmin.exe' && (c.args['argv'] as string[])[0] === '/syncall');

describe('RB-WIN-AD-001 under pwsh with stand-in repadmin.exe and AD cmdlets', { timeout: 240_000 }, () => {
  it('healthy DC passes; remediation changes nothing', async () => {
    const r = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: dc({ LockedOutUsers: ['a', 'b'] }) });
    expect(r.results[0]!.result).toMatchObject({ status: 'pass', observed: { replication_link_count: 2, replication_failure_count: 0, locked_account_count: 2, dns_resolves: true, issues: [] } });
    expect(r.results[1]!.result).toMatchObject({ status: 'pass', observed: { replication_forced: false } });
    expect(syncs(r.calls)).toEqual([]);
  });

  it('replication failures → /syncall forced once → passes → second remediation changes nothing', async () => {
    const r = await runWindowsScenario(rb, ['check', 'remediate', 'check', 'remediate'], { standins, state: dc({ Links: [link('DC02', 4, 1722), link('DC03')] }) });
    const [check1, fix1, check2, fix2] = r.results;
    expect(check1!.result).toMatchObject({ status: 'fail', observed: { replication_failure_count: 1, issues: ['replication_failures'] } });
    expect(fix1!.result).toMatchObject({ status: 'pass', observed: { replication_forced: true, replication_failure_count: 0 } });
    expect(check2!.result?.status).toBe('pass');
    expect(fix2!.result).toMatchObject({ status: 'pass', observed: { replication_forced: false } });
    expect(syncs(r.calls).map((c) => c.args['argv'])).toEqual([['/syncall', '/A', '/e', '/d']]);
  });

  it('many lockouts: reported as a count only, never unlocked, escalated with a reason — hostile names stay inert', async () => {
    const hostile = "$(Set-Content -Path /tmp/writ-pwned-ad -Value x)`;'\"";
    const users = ['jdoe', 'asmith', 'mjones', 'frontdesk', 'nurse1', 'nurse2', hostile];
    const r = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: dc({ LockedOutUsers: users }) });
    expect(r.results[0]!.result).toMatchObject({ status: 'fail', observed: { locked_account_count: 7, issues: ['many_locked_accounts'] } });
    expect(r.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'LOCKOUTS_NEED_REVIEW', observed: { locked_account_count: 7 } } });
    const out = JSON.stringify(r.results.map((x) => x.stdout));
    for (const u of ['jdoe', 'asmith', 'frontdesk', 'Set-Content']) expect(out).not.toContain(u);
    expect(r.calls.filter((c) => /unlock/i.test(c.cmdlet))).toEqual([]);
    expect(syncs(r.calls)).toEqual([]);
    expect(existsSync('/tmp/writ-pwned-ad')).toBe(false);
  });

  it('not a DC is not_applicable; missing repadmin is an error, never a pass', async () => {
    const member = await runWindowsScenario(rb, ['check'], { standins, state: dc({}, 1) });
    expect(member.results[0]!.result).toMatchObject({ status: 'not_applicable', reason_code: 'NOT_DOMAIN_CONTROLLER' });
    const noTools = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: dc({ Repadmin: false }) });
    expect(noTools.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'REPADMIN_UNAVAILABLE' });
    expect(noTools.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'REPADMIN_UNAVAILABLE' } });
  });

  it('unreachable AD Web Services is an error; replication that stays broken after /syncall is escalated', async () => {
    const adws = await runWindowsScenario(rb, ['check'], { standins, state: dc({ AdwsDown: true }) });
    expect(adws.results[0]!.result).toMatchObject({ status: 'error', reason_code: 'AD_UNREADABLE' });
    const broken = await runWindowsScenario(rb, ['check', 'remediate'], { standins, state: dc({ SyncClearsFailures: false, Links: [link('DC02', 9, 1722)] }) });
    expect(broken.results[0]!.result).toMatchObject({ status: 'fail', observed: { replication_failure_count: 1 } });
    expect(broken.results[1]).toMatchObject({ code: 1, result: { status: 'error', reason_code: 'REPLICATION_STILL_FAILING', observed: { replication_forced: true } } });
  });
});
