import { describe, expect, it } from 'vitest';
import { planChange, type HostPlan, type Plan, type RulePlan, type SitePlan } from '../../../../core/plan/plan-change.js';
import { loadRepo } from '../../../../core/validate/load-repo.js';
import { editYaml, linuxHost, loaded, LINUX_RULE, LINUX_RUNBOOK, SITE, windowsHost, type Doc } from '../../../helpers/edit-repo.js';
import { miniRepo, sourceFiles, TEST_NOW, type RepoFiles } from '../../../helpers/mini-repo.js';

const META = { baseRev: 'a'.repeat(40), headRev: 'b'.repeat(40) };

/** Plans the mini repository (possibly edited) against an edited copy. */
function plan(head: (f: RepoFiles) => RepoFiles, base: (f: RepoFiles) => RepoFiles = (f) => f): Plan {
  return planChange(loaded(base(miniRepo())), loaded(head(base(miniRepo()))), TEST_NOW, META);
}
const site = (f: RepoFiles, edit: (s: Doc) => void) => editYaml(f, SITE, edit);
const siteOf = (p: Plan, id = 'clinic-test'): SitePlan => p.sites.find((s) => s.siteId === id)!;
const hostOf = (p: Plan, id = 'db-01', siteId = 'clinic-test'): HostPlan => siteOf(p, siteId).hosts.find((h) => h.hostId === id)!;
const entry = (p: Plan, rule = 'L1-TEST-001', host = 'db-01'): RulePlan => hostOf(p, host).rules.find((r) => r.ruleId === rule)!;
const kinds = (xs: { kind: string }[]) => xs.map((x) => x.kind);
const waiver = (extra: Doc = {}) => ({ rule: 'L1-TEST-001', owner: 'it@clinic.example', justification: 'Vendor appliance cannot change this until the upgrade.', expires: '2027-03-31', ...extra });
const withWindow = (s: Doc) => { s.maintenance_windows = [{ name: 'nightly', days: ['sat'], start: '02:00', end: '04:00' }]; };
const disruptiveRunbook = (f: RepoFiles) => editYaml(f, LINUX_RUNBOOK, (rb) => { rb.disruptive = true; });

describe('planChange: nothing changed', () => {
  it('reports every site, host and rule as unchanged, with no flags', () => {
    const p = plan((f) => f);
    expect(p.sites.map((s) => [s.siteId, s.status])).toEqual([['clinic-test', 'unchanged']]);
    expect(hostOf(p).rules.map((r) => [r.ruleId, r.action])).toEqual([['L1-TEST-001', 'unchanged']]);
    expect(p.flags).toEqual([]);
    expect(p.summary).toMatchObject({ sitesAffected: 0, hostsAffected: 0, rulesAffected: 0, controlsTouched: [], disruptive: 0, widensAccess: 0 });
    expect(p.repository).toEqual({ rules: [], runbooks: [] });
    expect(p.now).toBe('2026-11-28T09:00:00.000Z');
  });
});

describe('planChange: host rule entries', () => {
  it('param override: old → new per name', () => {
    const p = plan((f) => site(f, (s) => { s.rules[0].params.max_tries = 5; }));
    const e = entry(p);
    expect(e.action).toBe('changed');
    expect(e.changes).toEqual([{ kind: 'param', subject: 'max_tries', from: 3, to: 5 }]);
    expect(e.before?.params).toEqual({ max_tries: 3 });
    expect(e.after?.params).toEqual({ max_tries: 5 });
    expect(e.flags).toEqual([]);
    expect(p.summary).toMatchObject({ sitesAffected: 1, hostsAffected: 1, rulesAffected: 1, controlsTouched: ['hipaa:164.312(b)'], controlsByFramework: { hipaa: 1 } });
  });

  it('a removed override falls back to the rule\'s value', () => {
    const e = entry(plan((f) => site(f, (s) => { delete s.rules[0].params; })));
    expect(e.changes).toEqual([{ kind: 'param', subject: 'max_tries', from: 3, to: 4 }]);
  });

  it('mode audit → enforce is a change; enforce → audit widens access', () => {
    const up = entry(plan((f) => site(f, (s) => { s.rules[0].mode = 'enforce'; })));
    expect(up.changes).toEqual([{ kind: 'mode', from: 'audit', to: 'enforce', note: "set by the site's rule entry" }]);
    expect(up.flags).toEqual([]);
    const down = entry(plan((f) => site(f, (s) => { s.rules[0].mode = 'audit'; }), (f) => site(f, (s) => { s.rules[0].mode = 'enforce'; })));
    expect(down.flags).toEqual([{ kind: 'widens-access', reason: "enforce → audit (the site's rule entry)" }]);
  });

  it('rule disabled at the site: removed, and it widens access', () => {
    const p = plan((f) => site(f, (s) => { s.rules[0].enabled = false; }));
    const e = entry(p);
    expect(e.action).toBe('removed');
    expect(e.changes).toEqual([{ kind: 'disabled', from: 'audit', note: 'disabled at the site' }]);
    expect(e.flags).toEqual([{ kind: 'widens-access', reason: 'no longer runs on this host (disabled at the site)' }]);
    expect(p.flags).toEqual([{ kind: 'widens-access', reason: 'no longer runs on this host (disabled at the site)', site: 'clinic-test', host: 'db-01', rule: 'L1-TEST-001' }]);
  });

  it('rule disabled on one host; enabled on a host again', () => {
    const off = entry(plan((f) => site(f, (s) => { s.hosts[0].rules = [{ rule: 'L1-TEST-001', enabled: false }]; })));
    expect([off.action, off.changes[0]?.note]).toEqual(['removed', 'disabled on the host']);
    const on = entry(plan((f) => site(f, (s) => { delete s.hosts[0].rules; }), (f) => site(f, (s) => { s.hosts[0].rules = [{ rule: 'L1-TEST-001', enabled: false }]; })));
    expect(on.action).toBe('created');
    expect(on.changes).toEqual([{ kind: 'enabled', to: 'audit', note: 'enabled on the host' }]);
  });

  it('rule deleted from the repository: removed on hosts, listed repository-wide', () => {
    const p = plan((f) => {
      const { [LINUX_RULE]: _gone, ...rest } = site(f, (s) => { s.rules = [s.rules[1]]; });
      return rest;
    });
    expect(entry(p).action).toBe('removed');
    expect(p.repository.rules).toEqual([{ id: 'L1-TEST-001', name: 'Test rule', status: 'removed', changes: [], hostsUsing: 1 }]);
  });

  it('script text change: names the step and both digests, on the host and repository-wide', () => {
    const p = plan((f) => editYaml(f, LINUX_RUNBOOK, (rb) => { rb.scripts.remediate.inline += 'true\n'; }));
    const e = entry(p);
    expect(e.action).toBe('changed');
    expect(e.changes).toHaveLength(1);
    expect(e.changes[0]).toMatchObject({ kind: 'script', subject: 'remediate', note: 'runbook LIN-TEST-001' });
    expect(e.changes[0]!.from).toMatch(/^[0-9a-f]{64}$/);
    expect(e.changes[0]!.to).toMatch(/^[0-9a-f]{64}$/);
    expect(e.changes[0]!.from).not.toBe(e.changes[0]!.to);
    expect(p.repository.runbooks).toEqual([{ id: 'LIN-TEST-001', name: 'Test runbook', status: 'changed', hostsUsing: 1, changes: [{ kind: 'script', subject: 'remediate', from: e.changes[0]!.from, to: e.changes[0]!.to }] }]);
  });

  it('moving an inline script to a file with the same text is no change', () => {
    const p = plan((f) => {
      const text = (loadRepo(sourceFiles(f)).repo.runbooks.find((r) => r.value.id === 'LIN-TEST-001')!.value.scripts.remediate!.inline)!;
      return { ...editYaml(f, LINUX_RUNBOOK, (rb) => { rb.scripts.remediate = { file: 'LIN-TEST-001/remediate.sh' }; }), 'runbooks/linux/LIN-TEST-001/remediate.sh': text };
    });
    expect(entry(p).action).toBe('unchanged');
    expect(p.repository.runbooks).toEqual([]);
  });

  it('runbook version change', () => {
    const p = plan((f) => editYaml(f, LINUX_RUNBOOK, (rb) => { rb.version = '1.1.0'; }), (f) => editYaml(f, LINUX_RUNBOOK, (rb) => { rb.version = '1.0.0'; }));
    expect(entry(p).changes).toEqual([{ kind: 'runbook-version', subject: 'LIN-TEST-001', from: '1.0.0', to: '1.1.0' }]);
  });

  it('a disruptive runbook now healing in enforce mode inside a window is flagged; in audit it is not', () => {
    const enforce = (f: RepoFiles) => site(f, (s) => { withWindow(s); s.rules[0].mode = 'enforce'; });
    const p = plan(disruptiveRunbook, enforce);
    const e = entry(p);
    expect(e.changes).toEqual([{ kind: 'disruptive', from: false, to: true }]);
    expect(e.flags).toEqual([{ kind: 'disruptive', reason: 'disruptive runbook LIN-TEST-001 now heals in enforce mode (runbook became disruptive)' }]);
    expect(p.summary.disruptive).toBe(1);
    // audit → enforce of an already disruptive runbook
    const flip = plan((f) => site(f, (s) => { s.rules[0].mode = 'enforce'; }), (f) => site(disruptiveRunbook(f), withWindow));
    expect(entry(flip).flags).toEqual([{ kind: 'disruptive', reason: 'disruptive runbook LIN-TEST-001 now heals in enforce mode (audit → enforce)' }]);
    // in audit mode, or without a maintenance window, it only plans
    expect(entry(plan(disruptiveRunbook, (f) => site(f, withWindow))).flags).toEqual([]);
    expect(entry(plan(disruptiveRunbook, (f) => site(f, (s) => { s.rules[0].mode = 'enforce'; }))).flags).toEqual([]);
  });

  it('waivers reach the host entry: added, expiry moved, removed', () => {
    const added = entry(plan((f) => site(f, (s) => { s.waivers = [waiver()]; })));
    expect(added.changes).toEqual([{ kind: 'waiver-added', to: '2027-03-31', note: 'waived, owner it@clinic.example' }]);
    expect(added.after?.waivedUntil).toBe('2027-03-31');
    const moved = entry(plan((f) => site(f, (s) => { s.waivers = [waiver({ expires: '2027-05-01' })]; }), (f) => site(f, (s) => { s.waivers = [waiver()]; })));
    expect(moved.changes).toEqual([{ kind: 'waiver-expiry', from: '2027-03-31', to: '2027-05-01' }]);
    const removed = entry(plan((f) => site(f, (s) => { delete s.waivers; }), (f) => site(f, (s) => { s.waivers = [waiver()]; })));
    expect(removed.changes).toEqual([{ kind: 'waiver-removed', from: '2027-03-31', note: 'enforced again' }]);
  });

  it('rule settings and controls that change behaviour on the host', () => {
    const e = entry(plan((f) => editYaml(f, LINUX_RULE, (r) => { r.priority = 5; r.controls = ['hipaa:164.312(d)']; })));
    expect(e.changes).toEqual([
      { kind: 'controls', from: ['hipaa:164.312(b)'], to: ['hipaa:164.312(b)', 'hipaa:164.312(d)'] },
      { kind: 'rule-setting', subject: 'priority', to: 5 },
    ]);
    expect(e.controls).toEqual(['hipaa:164.312(b)', 'hipaa:164.312(d)']);
  });

  it('a rule that ran but no longer loads is skipped and flagged', () => {
    const head = miniRepo();
    head[LINUX_RULE] = (head[LINUX_RULE] as string).replace('severity: high', 'severity: hgih');
    const p = planChange(loaded(miniRepo()), loadRepo(sourceFiles(head)).repo, TEST_NOW, META);
    const e = entry(p);
    expect(e.action).toBe('skipped');
    expect(e.skipped).toEqual({ reason: 'rule-unknown', message: 'rule L1-TEST-001 does not exist or does not load' });
    expect(e.flags).toEqual([{ kind: 'widens-access', reason: 'no longer runs: rule L1-TEST-001 does not exist or does not load' }]);
  });

  it('a skip that was already there is listed but not counted as a change', () => {
    const broken = (f: RepoFiles) => site(f, (s) => s.rules.push({ rule: 'L1-MISSING-001' }));
    const p = planChange(loaded(broken(miniRepo())), loaded(broken(miniRepo())), TEST_NOW, META);
    expect(entry(p, 'L1-MISSING-001')).toMatchObject({ action: 'skipped', changes: [] });
    expect(p.sites[0]!.status).toBe('unchanged');
    expect(p.summary.entries.skipped).toBe(1);
  });
});

describe('planChange: hosts', () => {
  it('a new host: added, widens access, its rules created', () => {
    const p = plan((f) => site(f, (s) => s.hosts.push(linuxHost('db-02', { credential: 'test-linux-2' }))));
    const h = hostOf(p, 'db-02');
    expect(h.status).toBe('added');
    expect(h.flags).toEqual([{ kind: 'widens-access', reason: 'host added: the appliance will connect to 10.0.0.9 with credential test-linux-2' }]);
    expect(h.rules.map((r) => [r.ruleId, r.action, r.changes[0]?.note])).toEqual([['L1-TEST-001', 'created', 'host added']]);
    expect(hostOf(p, 'db-01').status).toBe('unchanged');
    expect(p.summary.hosts).toEqual({ added: 1, removed: 0, changed: 0, unchanged: 1 });
  });

  it('a removed host: its rules removed, without flags', () => {
    const p = plan((f) => site(f, (s) => { s.hosts.pop(); }), (f) => site(f, (s) => s.hosts.push(linuxHost('db-02'))));
    const h = hostOf(p, 'db-02');
    expect(h.status).toBe('removed');
    expect(h.rules.map((r) => [r.action, r.changes[0]?.note, r.flags.length])).toEqual([['removed', 'host removed', 0]]);
  });

  it('address, transport, ring, host key, credential and mode changes; key, credential and enforce → audit widen access', () => {
    const p = plan(
      (f) => site(f, (s) => Object.assign(s.hosts[0], { address: '10.0.0.6', ring: 2, mode: 'audit', credential: 'other-cred', host_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq8d0yJ0nK8q7bQ5tYwS2oR4cX1m9vLhE3uPzAaK6Fd', transport: 'local' })),
      (f) => site(f, (s) => { s.hosts[0].mode = 'enforce'; }),
    );
    const h = hostOf(p);
    expect(kinds(h.changes)).toEqual(['address', 'transport', 'ring', 'host-key', 'credential', 'host-mode']);
    expect(h.changes.find((c) => c.kind === 'host-key')).toMatchObject({ note: 're-pinned', from: expect.stringMatching(/^ssh-ed25519 SHA256:/), to: expect.stringMatching(/^ssh-ed25519 SHA256:/) });
    expect(h.flags.map((f) => f.reason)).toEqual([
      expect.stringMatching(/^host key re-pinned to ssh-ed25519 SHA256:/),
      'credential reference test-linux → other-cred',
      'host mode enforce → audit',
    ]);
    // The rule follows the host's mode: the host carries the flag, the entry only the change.
    expect(entry(p).changes).toEqual([{ kind: 'mode', from: 'enforce', to: 'audit', note: "set by the host's mode" }]);
    expect(entry(p).flags).toEqual([]);
  });

  it('platform change: rules of the old platform removed, of the new created', () => {
    const p = plan((f) => site(f, (s) => { Object.assign(s.hosts[0], windowsHost('db-01')); }));
    expect(hostOf(p).rules.map((r) => [r.ruleId, r.action, r.changes[0]?.note])).toEqual([
      ['L1-TEST-001', 'removed', 'platform no longer matches'],
      ['L1-TEST-002', 'created', 'platform now matches'],
    ]);
  });
});

describe('planChange: sites', () => {
  it('site mode enforce → audit: one flag on the site, not on every rule that follows it', () => {
    const p = plan((f) => site(f, (s) => { s.mode = 'audit'; }), (f) => site(f, (s) => { s.mode = 'enforce'; }));
    expect(siteOf(p).changes).toEqual([{ kind: 'site-mode', from: 'enforce', to: 'audit' }]);
    expect(siteOf(p).flags).toEqual([{ kind: 'widens-access', reason: 'site mode enforce → audit' }]);
    expect(entry(p).changes).toEqual([{ kind: 'mode', from: 'enforce', to: 'audit', note: 'set by the site mode' }]);
    expect(p.summary.widensAccess).toBe(1);
  });

  it('time zone and maintenance windows', () => {
    const p = plan(
      (f) => site(f, (s) => { s.timezone = 'America/Denver'; s.maintenance_windows = [{ name: 'nightly', days: ['sun'], start: '02:00', end: '04:00' }, { name: 'weekend', days: ['sat'], start: '20:00', end: '23:00' }]; }),
      (f) => site(f, (s) => { s.maintenance_windows = [{ name: 'nightly', days: ['sat'], start: '02:00', end: '04:00' }, { name: 'old', days: ['mon'], start: '01:00', end: '02:00' }]; }),
    );
    expect(siteOf(p).changes).toEqual([
      { kind: 'timezone', from: 'America/Chicago', to: 'America/Denver' },
      { kind: 'window-changed', subject: 'nightly', from: 'sat 02:00–04:00', to: 'sun 02:00–04:00' },
      { kind: 'window-removed', subject: 'old', from: 'mon 01:00–02:00' },
      { kind: 'window-added', subject: 'weekend', to: 'sat 20:00–23:00' },
    ]);
    expect(siteOf(p).status).toBe('changed');
    expect(siteOf(p).flags).toEqual([]);
  });

  it('appliances: added and re-keyed widen access; removed does not', () => {
    const key = 'x'.repeat(43);
    const p = plan((f) => site(f, (s) => {
      s.appliances = [{ ...s.appliances[0], encryption_key: key }, { id: 'test-appl-2', encryption_key: 'y'.repeat(43), signing_key: 'z'.repeat(43) }];
    }), (f) => site(f, (s) => { s.appliances.push({ id: 'test-appl-0', encryption_key: 'a'.repeat(43), signing_key: 'b'.repeat(43) }); }));
    expect(kinds(siteOf(p).changes)).toEqual(['appliance-removed', 'appliance-key-changed', 'appliance-added']);
    expect(siteOf(p).flags.map((f) => f.reason)).toEqual(['appliance test-appl-1 has a new encryption key', 'appliance test-appl-2 added: releases will be encrypted to its key']);
  });

  it('waivers: added and extended widen access (on the site); removed and expiring are listed', () => {
    const added = siteOf(plan((f) => site(f, (s) => { s.waivers = [waiver()]; })));
    expect(added.changes).toEqual([{ kind: 'waiver-added', subject: 'L1-TEST-001 on all hosts', to: { rule: 'L1-TEST-001', owner: 'it@clinic.example', expires: '2027-03-31', justification: 'Vendor appliance cannot change this until the upgrade.' } }]);
    expect(added.flags).toEqual([{ kind: 'widens-access', reason: 'waiver added: L1-TEST-001 on all hosts not enforced until 2027-03-31 (owner it@clinic.example)' }]);

    const extended = siteOf(plan((f) => site(f, (s) => { s.waivers = [waiver({ expires: '2027-06-30' })]; }), (f) => site(f, (s) => { s.waivers = [waiver()]; })));
    expect(extended.changes).toMatchObject([{ kind: 'waiver-changed', subject: 'L1-TEST-001 on all hosts', note: 'expires changed' }]);
    expect(extended.flags).toEqual([{ kind: 'widens-access', reason: 'waiver extended: L1-TEST-001 on all hosts from 2027-03-31 to 2027-06-30' }]);

    const removed = siteOf(plan((f) => site(f, (s) => { s.waivers = []; }), (f) => site(f, (s) => { s.waivers = [waiver({ hosts: ['db-01'] })]; })));
    expect(removed.changes).toMatchObject([{ kind: 'waiver-removed', subject: 'L1-TEST-001 on db-01' }]);
    expect(removed.flags).toEqual([]);
  });

  it('a waiver expiring within 30 days is called out but does not by itself change the site', () => {
    const soon = (f: RepoFiles) => site(f, (s) => { s.waivers = [waiver({ expires: '2026-12-20' }), waiver({ rule: 'L1-TEST-002', expires: '2027-02-01' })]; });
    const p = plan((f) => f, soon);
    expect(siteOf(p).changes).toEqual([{ kind: 'waiver-expiring', subject: 'L1-TEST-001 on all hosts', to: '2026-12-20', note: 'expires in 22 days' }]);
    expect(siteOf(p).status).toBe('unchanged');
    const today = plan((f) => f, (f) => site(f, (s) => { s.waivers = [waiver({ expires: '2026-11-28' })]; }));
    expect(siteOf(today).changes[0]?.note).toBe('expires today');
  });

  it('added and removed sites', () => {
    const other = (f: RepoFiles): RepoFiles => ({ ...f, 'sites/clinic-other.yaml': (f[SITE] as string).replace('id: clinic-test', 'id: clinic-other').replace('name: Test Clinic', 'name: Other Clinic') });
    const added = plan(other);
    expect(siteOf(added, 'clinic-other')).toMatchObject({ status: 'added', name: 'Other Clinic' });
    expect(kinds(siteOf(added, 'clinic-other').changes)).toEqual(['appliance-added']);
    expect(hostOf(added, 'db-01', 'clinic-other').rules.map((r) => [r.action, r.changes[0]?.note])).toEqual([['created', 'site added']]);
    expect(added.summary).toMatchObject({ sites: { added: 1, removed: 0, changed: 0, unchanged: 1 }, sitesAffected: 1, hostsAffected: 1 });
    const removed = plan((f) => { const { 'sites/clinic-other.yaml': _x, ...rest } = f; return rest; }, other);
    expect(siteOf(removed, 'clinic-other').status).toBe('removed');
    expect(removed.flags).toEqual([]);
  });
});

describe('planChange: repository-wide', () => {
  it('lists rules and runbooks no site uses, with script steps called out', () => {
    const unused = (f: RepoFiles): RepoFiles => ({ ...f, 'runbooks/linux/LIN-SPARE-001.yaml': (f[LINUX_RUNBOOK] as string).replace('id: LIN-TEST-001', 'id: LIN-SPARE-001') + 'standalone: Run on demand by an engineer.\n' });
    const added = plan(unused);
    expect(added.repository.runbooks).toEqual([{ id: 'LIN-SPARE-001', name: 'Test runbook', status: 'added', changes: [], hostsUsing: 0 }]);
    expect(added.summary.sitesAffected).toBe(0);
    const changed = plan((f) => editYaml(unused(f), 'runbooks/linux/LIN-SPARE-001.yaml', (rb) => { rb.scripts.check.inline += '# note\n'; rb.name = 'Spare runbook'; rb.parameters.max_tries.maximum = 9; }), unused);
    expect(changed.repository.runbooks.map((r) => [r.id, r.status, r.changes.map((c) => `${c.kind}:${c.subject}`)])).toEqual([
      ['LIN-SPARE-001', 'changed', ['script:check', 'parameter:max_tries', 'field:name']],
    ]);
  });
});

describe('planChange: determinism', () => {
  it('gives the same plan whatever order files, sites, hosts and rules come in', () => {
    const rich = (f: RepoFiles): RepoFiles => ({
      ...site(f, (s) => { s.hosts.push(linuxHost('app-01'), windowsHost('desk-01'), linuxHost('zz-01')); s.waivers = [waiver({ hosts: ['zz-01'] })]; }),
      'sites/clinic-a.yaml': (f[SITE] as string).replace('id: clinic-test', 'id: clinic-a'),
    });
    const edit = (f: RepoFiles) => site(f, (s) => { s.rules[0].params.max_tries = 6; s.hosts.splice(1, 1); s.hosts.push(linuxHost('new-01')); });
    const baseFiles = sourceFiles(rich(miniRepo()));
    const headFiles = sourceFiles(edit(rich(miniRepo())));
    const reference = JSON.stringify(planChange(loadRepo(baseFiles).repo, loadRepo(headFiles).repo, TEST_NOW, META));

    // Shuffled file order, and the same YAML lists in another order.
    const shuffle = <T>(xs: T[], seed: number) => xs.map((x, i) => [Math.sin(seed * (i + 1)), x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);
    const reorder = (f: RepoFiles) => site(f, (s) => { s.hosts.reverse(); s.rules.reverse(); });
    for (const seed of [1, 2, 3]) {
      const b = loadRepo(shuffle(sourceFiles(reorder(rich(miniRepo()))), seed)).repo;
      const h = loadRepo(shuffle(sourceFiles(reorder(edit(rich(miniRepo())))), seed + 10)).repo;
      b.sites.reverse(); h.rules.reverse(); h.runbooks.reverse();
      expect(JSON.stringify(planChange(b, h, TEST_NOW, META))).toBe(reference);
    }
    const p = JSON.parse(reference) as Plan;
    expect(p.sites.map((s) => s.siteId)).toEqual(['clinic-a', 'clinic-test']);
    expect(siteOf(p).hosts.map((h) => [h.hostId, h.status])).toEqual([['app-01', 'removed'], ['db-01', 'changed'], ['desk-01', 'unchanged'], ['new-01', 'added'], ['zz-01', 'changed']]);
  });
});
