import { describe, expect, it } from 'vitest';
import { referencesResolve } from '../../../../../core/lint/rules/references-resolve.js';
import { miniRepo } from '../../../../helpers/mini-repo.js';
import { runLintRule, withEdit } from '../../../../helpers/run-lint-rule.js';

describe('references-resolve', () => {
  it('passes the mini repo', () => expect(runLintRule(referencesResolve, miniRepo())).toEqual([]));

  it('reports a rule checking with a runbook that does not exist, with a suggestion', () => {
    const files = withEdit(miniRepo(), 'policies/L1-TEST-001.yaml', 'check: LIN-TEST-001', 'check: LIN-TSET-001');
    expect(runLintRule(referencesResolve, files)).toEqual(['policies/L1-TEST-001.yaml:6:8 LINT_REF_UNKNOWN_RUNBOOK no runbook has id LIN-TSET-001']);
  });

  it('reports a remediation runbook on another platform', () => {
    const files = withEdit(miniRepo(), 'policies/L1-TEST-001.yaml', 'type: remediate', 'type: remediate\n  runbook: WIN-TEST-001');
    const out = runLintRule(referencesResolve, files);
    expect(out).toContain('policies/L1-TEST-001.yaml:9:12 LINT_RULE_PLATFORM_MISMATCH the check runbook LIN-TEST-001 is for linux but the remediation runbook WIN-TEST-001 is for windows');
    expect(out).toContain('policies/L1-TEST-001.yaml:9:12 LINT_REMEDIATE_WITHOUT_SCRIPT runbook WIN-TEST-001 has no remediate script, so this rule cannot heal');
  });

  it('reports a site enabling an unknown rule and a waiver naming an unknown host', () => {
    let files = withEdit(miniRepo(), 'sites/clinic-test.yaml', '  - rule: L1-TEST-002', '  - rule: L1-TEST-009');
    files = withEdit(files, 'sites/clinic-test.yaml', 'rules:\n', 'waivers:\n  - rule: L1-TEST-001\n    hosts: [db-02]\n    owner: a@b.example\n    justification: Vendor appliance cannot be changed until Q3.\n    expires: 2027-01-31\nrules:\n');
    expect(runLintRule(referencesResolve, files)).toEqual([
      'sites/clinic-test.yaml:27:11 LINT_REF_UNKNOWN_RULE no rule has id L1-TEST-009',
      'sites/clinic-test.yaml:19:13 LINT_REF_UNKNOWN_HOST site clinic-test has no host db-02',
    ]);
  });
});
