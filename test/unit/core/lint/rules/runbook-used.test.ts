import { describe, expect, it } from 'vitest';
import { runbookUsed } from '../../../../../core/lint/rules/runbook-used.js';
import { miniRepo } from '../../../../helpers/mini-repo.js';
import { runLintRule } from '../../../../helpers/run-lint-rule.js';

describe('runbook-used', () => {
  it('passes when every runbook is used', () => expect(runLintRule(runbookUsed, miniRepo())).toEqual([]));
  it('notes a runbook no rule uses', () => {
    const files = miniRepo();
    delete files['policies/L1-TEST-002.yaml'];
    expect(runLintRule(runbookUsed, files)).toEqual(['runbooks/windows/WIN-TEST-001.yaml:3:5 LINT_RUNBOOK_UNUSED no rule uses runbook WIN-TEST-001']);
  });
});

describe('runbook-used with standalone', () => {
  it('accepts an unused runbook that says why it stands alone', () => {
    const files = miniRepo();
    delete files['policies/L1-TEST-002.yaml'];
    files['runbooks/windows/WIN-TEST-001.yaml'] = (files['runbooks/windows/WIN-TEST-001.yaml'] as string).replace('severity: medium', 'severity: medium\nstandalone: Run on demand by an engineer during onboarding.');
    expect(runLintRule(runbookUsed, files)).toEqual([]);
  });
  it('warns when a standalone runbook is used after all', () => {
    const files = miniRepo();
    files['runbooks/windows/WIN-TEST-001.yaml'] = (files['runbooks/windows/WIN-TEST-001.yaml'] as string).replace('severity: medium', 'severity: medium\nstandalone: Run on demand by an engineer during onboarding.');
    expect(runLintRule(runbookUsed, files)[0]).toContain('LINT_RUNBOOK_STANDALONE_USED');
  });
});
