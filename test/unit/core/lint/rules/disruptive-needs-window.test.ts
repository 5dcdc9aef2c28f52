import { describe, expect, it } from 'vitest';
import { disruptiveNeedsWindow } from '../../../../../core/lint/rules/disruptive-needs-window.js';
import { miniRepo } from '../../../../helpers/mini-repo.js';
import { runLintRule, withEdit } from '../../../../helpers/run-lint-rule.js';

const disruptive = () => withEdit(miniRepo(), 'runbooks/linux/LIN-TEST-001.yaml', 'severity: high', 'severity: high\ndisruptive: true');

describe('disruptive-needs-window', () => {
  it('reports a disruptive remediation at a site without a window', () => {
    expect(runLintRule(disruptiveNeedsWindow, disruptive())).toEqual([
      'sites/clinic-test.yaml:18:11 LINT_DISRUPTIVE_NO_WINDOW rule L1-TEST-001 heals with disruptive runbook LIN-TEST-001, but site clinic-test has no maintenance window',
    ]);
  });

  it('accepts it where the site has a window', () => {
    const files = withEdit(disruptive(), 'sites/clinic-test.yaml', 'hosts:', 'maintenance_windows:\n  - {name: nightly, days: [sun], start: "02:00", end: "04:00"}\nhosts:');
    expect(runLintRule(disruptiveNeedsWindow, files)).toEqual([]);
  });

  it('accepts it where the site disables the rule', () => {
    const files = withEdit(disruptive(), 'sites/clinic-test.yaml', '  - rule: L1-TEST-001\n', '  - rule: L1-TEST-001\n    enabled: false\n');
    expect(runLintRule(disruptiveNeedsWindow, files)).toEqual([]);
  });
});
