import { describe, expect, it } from 'vitest';
import { conditionsWellFormed } from '../../../../../core/lint/rules/conditions-well-formed.js';
import { miniRepo } from '../../../../helpers/mini-repo.js';
import { runLintRule, withEdit } from '../../../../helpers/run-lint-rule.js';

const withWhen = (when: string) => withEdit(miniRepo(), 'policies/L1-TEST-001.yaml', 'action:', `when:\n${when}\naction:`);
const codes = (lines: string[]) => lines.map((l) => l.split(' ')[1]);

describe('conditions-well-formed', () => {
  it.each([
    '  - {field: status, op: eq, value: fail}',
    '  - {field: status, op: in, value: [fail, error]}',
    '  - {field: observed.tries, op: gt, value: 3}',
    '  - {field: observed.name, op: regex, value: "^sv[0-9]+$"}',
    '  - {field: observed.extra, op: exists}',
    '  - {field: observed.extra, op: exists, value: false}',
    '  - {field: host.tags, op: contains, value: ehr}',
  ])('accepts %s', (when) => expect(runLintRule(conditionsWellFormed, withWhen(when))).toEqual([]));

  it.each([
    ['  - {field: status, op: in, value: fail}', 'LINT_CONDITION_VALUE'],
    ['  - {field: observed.tries, op: gt, value: "3"}', 'LINT_CONDITION_VALUE'],
    ['  - {field: observed.x, op: exists, value: yes}', 'LINT_CONDITION_VALUE'],
    ['  - {field: observed.x, op: eq}', 'LINT_CONDITION_VALUE'],
    ['  - {field: observed.x, op: regex, value: "(["}', 'LINT_CONDITION_REGEX'],
    ['  - {field: status, op: eq, value: failed}', 'LINT_CONDITION_VALUE'],
    ['  - {field: status, op: not_in, value: [pass, warning]}', 'LINT_CONDITION_VALUE'],
  ])('reports %s', (when, code) => expect(codes(runLintRule(conditionsWellFormed, withWhen(when)))).toEqual([code]));
});
