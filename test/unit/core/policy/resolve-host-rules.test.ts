import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { collectScripts } from '../../../../core/lint/collect-scripts.js';
import { resolveHostRules, resolveHostRuleSet, siteDate } from '../../../../core/policy/resolve-host-rules.js';
import { editYaml, linuxHost, loaded, LINUX_RULE, LINUX_RUNBOOK, SITE, windowsHost, type Doc } from '../../../helpers/edit-repo.js';
import { miniRepo, TEST_NOW, type RepoFiles } from '../../../helpers/mini-repo.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The mini repository with its site, rule and runbook edited. */
function repo(edits: { site?: (s: Doc) => void; rule?: (r: Doc) => void; runbook?: (r: Doc) => void } = {}, files: RepoFiles = miniRepo()) {
  let out = files;
  if (edits.site) out = editYaml(out, SITE, edits.site);
  if (edits.rule) out = editYaml(out, LINUX_RULE, edits.rule);
  if (edits.runbook) out = editYaml(out, LINUX_RUNBOOK, edits.runbook);
  return loaded(out);
}

const one = (r: ReturnType<typeof repo>, host = 'db-01', now = TEST_NOW) => {
  const rules = resolveHostRules(r, 'clinic-test', host, now).filter((x) => x.ruleId === 'L1-TEST-001');
  return rules[0];
};

describe('resolveHostRules: which rules apply', () => {
  it('applies the site\'s rules of the host\'s platform only (the check runbook\'s platform decides)', () => {
    const r = repo({ site: (s) => s.hosts.push(windowsHost('desk-01')) });
    expect(resolveHostRules(r, 'clinic-test', 'db-01', TEST_NOW).map((x) => x.ruleId)).toEqual(['L1-TEST-001']);
    expect(resolveHostRules(r, 'clinic-test', 'desk-01', TEST_NOW).map((x) => x.ruleId)).toEqual(['L1-TEST-002']);
    // A site-level rule of another platform is expected, not a skip.
    expect(resolveHostRuleSet(r, 'clinic-test', 'db-01', TEST_NOW).skipped).toEqual([]);
  });

  it('reports a host entry for another platform as skipped', () => {
    const r = repo({ site: (s) => { s.hosts[0].rules = [{ rule: 'L1-TEST-002' }]; } });
    const set = resolveHostRuleSet(r, 'clinic-test', 'db-01', TEST_NOW);
    expect(set.rules.map((x) => x.ruleId)).toEqual(['L1-TEST-001']);
    expect(set.skipped).toEqual([{ ruleId: 'L1-TEST-002', reason: 'platform-mismatch', message: 'rule L1-TEST-002 checks windows hosts; db-01 runs linux' }]);
  });

  it('site entry enabled: false turns a rule off; a host entry turns it back on for that host', () => {
    const off = repo({ site: (s) => { s.rules[0].enabled = false; } });
    expect(one(off)).toBeUndefined();
    const hostOn = repo({ site: (s) => { s.rules[0].enabled = false; s.hosts[0].rules = [{ rule: 'L1-TEST-001' }]; } });
    expect(one(hostOn)?.ruleId).toBe('L1-TEST-001');
  });

  it('a host entry enables a rule the site does not list', () => {
    const r = repo({ site: (s) => { s.rules = [s.rules[1]]; s.hosts[0].rules = [{ rule: 'L1-TEST-001', enabled: true }]; } });
    expect(one(r)?.ruleId).toBe('L1-TEST-001');
  });

  it('a host entry enabled: false wins over the site', () => {
    const r = repo({ site: (s) => { s.hosts[0].rules = [{ rule: 'L1-TEST-001', enabled: false }]; } });
    expect(one(r)).toBeUndefined();
  });

  it('reports rules that do not load as skipped', () => {
    const r = repo({ site: (s) => s.rules.push({ rule: 'L1-MISSING-001' }) });
    expect(resolveHostRuleSet(r, 'clinic-test', 'db-01', TEST_NOW).skipped).toEqual([
      { ruleId: 'L1-MISSING-001', reason: 'rule-unknown', message: 'rule L1-MISSING-001 does not exist or does not load' },
    ]);
    const noRunbook = loaded(editYaml(miniRepo(), LINUX_RULE, (rule) => { rule.action.runbook = 'LIN-GONE-001'; }));
    expect(resolveHostRuleSet(noRunbook, 'clinic-test', 'db-01', TEST_NOW).skipped.map((x) => x.reason)).toEqual(['runbook-unknown']);
  });

  it('gives nothing for an unknown site or host', () => {
    const r = repo();
    expect(resolveHostRules(r, 'clinic-nowhere', 'db-01', TEST_NOW)).toEqual([]);
    expect(resolveHostRules(r, 'clinic-test', 'nobody', TEST_NOW)).toEqual([]);
  });

  it('sorts by priority, then id', () => {
    const files = { ...miniRepo(), 'policies/L1-TEST-003.yaml': (miniRepo()[LINUX_RULE] as string).replace('L1-TEST-001', 'L1-TEST-003') + 'priority: 5\n' };
    const r = loaded(editYaml(files, SITE, (s) => s.rules.push({ rule: 'L1-TEST-003' })));
    expect(resolveHostRules(r, 'clinic-test', 'db-01', TEST_NOW).map((x) => x.ruleId)).toEqual(['L1-TEST-003', 'L1-TEST-001']);
  });
});

describe('resolveHostRules: mode precedence (first explicit wins)', () => {
  // Each row sets every level above the one it tests to nothing, and the levels below to the opposite.
  const cases: [string, (s: Doc) => void, (r: Doc) => void, 'audit' | 'enforce', string][] = [
    ['default', () => {}, () => {}, 'audit', 'default'],
    ['rule mode', () => {}, (r) => { r.mode = 'enforce'; }, 'enforce', 'rule'],
    ['site mode over rule mode', (s) => { s.mode = 'audit'; }, (r) => { r.mode = 'enforce'; }, 'audit', 'site'],
    ['site rule entry over site mode', (s) => { s.mode = 'audit'; s.rules[0].mode = 'enforce'; }, (r) => { r.mode = 'audit'; }, 'enforce', 'site-rule'],
    ['host mode over site rule entry', (s) => { s.mode = 'enforce'; s.rules[0].mode = 'enforce'; s.hosts[0].mode = 'audit'; }, () => {}, 'audit', 'host'],
    ['host rule entry over host mode', (s) => { s.rules[0].mode = 'audit'; s.hosts[0].mode = 'audit'; s.hosts[0].rules = [{ rule: 'L1-TEST-001', mode: 'enforce' }]; }, () => {}, 'enforce', 'host-rule'],
  ];
  it.each(cases)('%s', (_name, site, rule, mode, source) => {
    const e = one(repo({ site, rule }));
    expect([e?.mode, e?.modeSource]).toEqual([mode, source]);
  });

  it('a disabled site entry still gives its mode when a host entry enables the rule', () => {
    const e = one(repo({ site: (s) => { s.mode = 'audit'; s.rules[0] = { rule: 'L1-TEST-001', enabled: false, mode: 'enforce' }; s.hosts[0].rules = [{ rule: 'L1-TEST-001' }]; } }));
    expect([e?.mode, e?.modeSource]).toEqual(['enforce', 'site-rule']);
  });
});

describe('resolveHostRules: parameters', () => {
  const withPath = (rb: Doc) => {
    rb.parameters.state_dir = { type: 'string', description: 'Where prior state is kept', maxLength: 200, default: '/var/lib/writ' };
  };
  it('layers runbook defaults ← rule params ← site entry params ← host entry params', () => {
    const noOverrides = repo({ runbook: withPath, rule: (r) => { delete r.action.params; }, site: (s) => { delete s.rules[0].params; } });
    expect(one(noOverrides)?.params).toEqual({ max_tries: 3, state_dir: '/var/lib/writ' });
    const ruleOnly = repo({ runbook: withPath, site: (s) => { delete s.rules[0].params; } });
    expect(one(ruleOnly)?.params).toEqual({ max_tries: 4, state_dir: '/var/lib/writ' });
    const site = repo({ runbook: withPath, site: (s) => { s.rules[0].params = { max_tries: 6 }; } });
    expect(one(site)?.params).toEqual({ max_tries: 6, state_dir: '/var/lib/writ' });
    const host = repo({ runbook: withPath, site: (s) => { s.rules[0].params = { max_tries: 6 }; s.hosts[0].rules = [{ rule: 'L1-TEST-001', params: { state_dir: '/srv/writ' } }]; } });
    expect(one(host)?.params).toEqual({ max_tries: 6, state_dir: '/srv/writ' });
    expect(Object.keys(one(host)!.params)).toEqual(['max_tries', 'state_dir']);
  });

  it('takes defaults from the remediation runbook when it differs from the check runbook', () => {
    const files = {
      ...miniRepo(),
      'runbooks/linux/LIN-FIX-001.yaml': (miniRepo()[LINUX_RUNBOOK] as string).replace('id: LIN-TEST-001', 'id: LIN-FIX-001').replace('default: 3', 'default: 7')
        .replace('controls: [hipaa:164.312(b)]', 'controls: [hipaa:164.312(d)]\ndisruptive: true'),
    };
    const r = loaded(editYaml(editYaml(files, LINUX_RULE, (rule) => { rule.action = { type: 'remediate', runbook: 'LIN-FIX-001' }; }), SITE, (s) => { delete s.rules[0].params; }));
    const e = one(r)!;
    expect(e.checkRunbook.id).toBe('LIN-TEST-001');
    expect(e.fixRunbook?.id).toBe('LIN-FIX-001');
    expect(e.params).toEqual({ max_tries: 7 });
    expect(e.disruptive).toBe(true);
    expect(e.controls).toEqual(['hipaa:164.312(b)', 'hipaa:164.312(d)']);
    expect(Object.keys(e.scriptDigests)).toEqual(['check', 'fix.check', 'remediate']);
  });

  it('escalate rules have no remediation runbook and take the check runbook\'s defaults', () => {
    const r = repo({ site: (s) => s.hosts.push(windowsHost('desk-01')) });
    const [e] = resolveHostRules(r, 'clinic-test', 'desk-01', TEST_NOW);
    expect(e?.fixRunbook).toBeUndefined();
    expect(e?.disruptive).toBe(false);
    expect(e?.params).toEqual({ threshold: 5 });
    expect(Object.keys(e!.scriptDigests)).toEqual(['check']);
  });
});

describe('resolveHostRules: waivers', () => {
  const waiver = (extra: Doc = {}) => ({ rule: 'L1-TEST-001', owner: 'it@clinic.example', justification: 'Vendor appliance cannot change this until the upgrade.', expires: '2026-12-31', ...extra });

  it('a current waiver for all hosts waives the rule, carrying owner and expiry', () => {
    const e = one(repo({ site: (s) => { s.waivers = [waiver({ ticket: 'OPS-12' })]; } }));
    expect(e?.waiver).toEqual({ owner: 'it@clinic.example', expires: '2026-12-31', justification: 'Vendor appliance cannot change this until the upgrade.', ticket: 'OPS-12', index: 0 });
  });

  it('a waiver naming hosts covers only those hosts', () => {
    const r = repo({ site: (s) => { s.hosts.push(linuxHost('db-02')); s.waivers = [waiver({ hosts: ['db-02'] })]; } });
    expect(one(r, 'db-01')?.waiver).toBeUndefined();
    expect(one(r, 'db-02')?.waiver?.expires).toBe('2026-12-31');
  });

  it('applies on its expiry day in the site\'s time zone and not the day after', () => {
    // 2026-11-28T03:00Z is still 2026-11-27 in America/Chicago (UTC-6).
    const r = repo({ site: (s) => { s.waivers = [waiver({ expires: '2026-11-27' })]; } });
    expect(one(r, 'db-01', new Date('2026-11-28T03:00:00Z'))?.waiver?.expires).toBe('2026-11-27');
    expect(one(r, 'db-01', new Date('2026-11-28T05:59:59Z'))?.waiver).toBeDefined();
    expect(one(r, 'db-01', new Date('2026-11-28T06:00:00Z'))?.waiver).toBeUndefined();
  });

  it('takes the first current waiver that covers the host, skipping expired and other rules\' waivers', () => {
    const r = repo({ site: (s) => { s.waivers = [waiver({ rule: 'L1-TEST-002' }), waiver({ expires: '2026-11-01' }), waiver({ expires: '2027-01-15', owner: 'second@clinic.example' }), waiver({ expires: '2027-02-01' })]; } });
    expect(one(r)?.waiver).toMatchObject({ owner: 'second@clinic.example', expires: '2027-01-15', index: 2 });
  });

  it('siteDate reads the calendar date in a time zone, UTC for an unknown one', () => {
    expect(siteDate(new Date('2026-11-28T03:00:00Z'), 'America/Chicago')).toBe('2026-11-27');
    expect(siteDate(new Date('2026-11-28T23:30:00Z'), 'Asia/Tokyo')).toBe('2026-11-29');
    expect(siteDate(new Date('2026-11-28T03:00:00Z'), 'Not/AZone')).toBe('2026-11-28');
  });
});

describe('resolveHostRules: controls and script digests', () => {
  it('unites and sorts the rule\'s and the runbooks\' controls', () => {
    const e = one(repo({ rule: (r) => { r.controls = ['hipaa:164.312(d)', 'hipaa:164.312(b)']; } }));
    expect(e?.controls).toEqual(['hipaa:164.312(b)', 'hipaa:164.312(d)']);
  });

  it('digests inline and file scripts by step, stable across calls and equal with scripts passed in', () => {
    const files = miniRepo();
    const remediate = '#!/usr/bin/env bash\nset -euo pipefail\nIFS= read -r -d \'\' max_tries || true\necho "$max_tries"\n';
    files['runbooks/linux/LIN-TEST-001/remediate.sh'] = remediate;
    const r = loaded(editYaml(files, LINUX_RUNBOOK, (rb) => { rb.scripts.remediate = { file: 'LIN-TEST-001/remediate.sh' }; }));
    const check = r.runbooks.find((x) => x.value.id === 'LIN-TEST-001')!.value.scripts.check.inline!;
    const e = one(r)!;
    expect(e.scriptDigests).toEqual({ check: sha256(check), remediate: sha256(remediate) });
    expect(one(r)!.scriptDigests).toEqual(e.scriptDigests);
    const { scripts } = collectScripts(r);
    expect(resolveHostRules(r, 'clinic-test', 'db-01', TEST_NOW, scripts)).toEqual(resolveHostRules(r, 'clinic-test', 'db-01', TEST_NOW));
  });

  it('changes the digest of exactly the step whose text changed', () => {
    const before = one(repo())!.scriptDigests;
    const after = one(repo({ runbook: (rb) => { rb.scripts.remediate.inline += 'true\n'; } }))!.scriptDigests;
    expect(after['check']).toBe(before['check']);
    expect(after['remediate']).not.toBe(before['remediate']);
  });
});
