import { describe, expect, it } from 'vitest';
import { idsUnique } from '../../../../../core/lint/rules/ids-unique.js';
import { miniRepo } from '../../../../helpers/mini-repo.js';
import { runLintRule, withEdit } from '../../../../helpers/run-lint-rule.js';

describe('ids-unique', () => {
  it('passes the mini repo', () => expect(runLintRule(idsUnique, miniRepo())).toEqual([]));

  it('reports an id that differs from the file name', () => {
    const files = withEdit(miniRepo(), 'policies/L1-TEST-002.yaml', 'id: L1-TEST-002', 'id: L1-TEST-003');
    expect(runLintRule(idsUnique, files)).toEqual(['policies/L1-TEST-002.yaml:3:5 LINT_ID_FILENAME id L1-TEST-003 differs from the file name L1-TEST-002']);
  });

  it('reports the same id in two folders of one kind', () => {
    const files = miniRepo();
    files['policies/extra/L1-TEST-001.yaml'] = files['policies/L1-TEST-001.yaml']!;
    expect(runLintRule(idsUnique, files)).toEqual([
      'policies/extra/L1-TEST-001.yaml:3:5 LINT_ID_DUPLICATE id L1-TEST-001 is already declared in policies/L1-TEST-001.yaml',
    ]);
  });
});
