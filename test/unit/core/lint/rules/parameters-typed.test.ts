import { describe, expect, it } from 'vitest';
import { parametersTyped } from '../../../../../core/lint/rules/parameters-typed.js';
import { miniRepo } from '../../../../helpers/mini-repo.js';
import { runLintRule, withEdit } from '../../../../helpers/run-lint-rule.js';

const RB = 'runbooks/linux/LIN-TEST-001.yaml';
const codes = (lines: string[]) => lines.map((l) => l.split(' ')[1]);

describe('parameters-typed', () => {
  it('passes the mini repo', () => expect(runLintRule(parametersTyped, miniRepo())).toEqual([]));

  it('reports a site override of an undeclared parameter, with a suggestion', () => {
    const files = withEdit(miniRepo(), 'sites/clinic-test.yaml', '      max_tries: 3', '      max_trys: 3');
    expect(runLintRule(parametersTyped, files)).toEqual(['sites/clinic-test.yaml:20:7 LINT_PARAM_UNKNOWN runbook LIN-TEST-001 has no parameter max_trys']);
  });

  it.each([
    ['"3"', 'must be integer'],
    ['11', 'must be <= 10'],
    ['0', 'must be >= 1'],
    ['2.5', 'must be integer'],
    ['[3]', 'must be integer'],
  ])('reports a site override %s of the wrong type or range', (value, why) => {
    const files = withEdit(miniRepo(), 'sites/clinic-test.yaml', '      max_tries: 3', `      max_tries: ${value}`);
    const out = runLintRule(parametersTyped, files);
    expect(codes(out)).toEqual(['LINT_PARAM_TYPE']);
    expect(out[0]).toContain(why);
  });

  it('checks rule-level parameter values too', () => {
    const files = withEdit(miniRepo(), 'policies/L1-TEST-001.yaml', 'max_tries: 4', 'max_tries: 40');
    expect(codes(runLintRule(parametersTyped, files))).toEqual(['LINT_PARAM_TYPE']);
  });

  it('reports a default that does not fit its declaration', () => {
    const files = withEdit(miniRepo(), RB, 'default: 3', 'default: 30');
    expect(codes(runLintRule(parametersTyped, files))).toEqual(['LINT_PARAM_DEFAULT']);
  });

  it.each([
    ['pattern: "(["', 'pattern does not compile'],
    ['minimum: 5\n    maximum: 2', 'minimum is above maximum'],
  ])('reports an inconsistent declaration (%s)', (extra, why) => {
    const files = withEdit(miniRepo(), RB, '    minimum: 1\n    maximum: 10\n', `    ${extra}\n`);
    const out = runLintRule(parametersTyped, files);
    expect(codes(out)).toEqual(['LINT_PARAM_SPEC']);
    expect(out[0]).toContain(why);
  });

  it('requires string parameters to be bounded', () => {
    const files = withEdit(miniRepo(), RB, '    type: integer', '    type: string');
    expect(runLintRule(parametersTyped, files).join('\n')).toContain('a string parameter needs maxLength, pattern or enum');
  });

  it('reports a required parameter that neither the rule nor the site sets', () => {
    let files = withEdit(miniRepo(), RB, '    default: 3\n', '');
    files = withEdit(files, 'policies/L1-TEST-001.yaml', '  params:\n    max_tries: 4\n', '');
    files = withEdit(files, 'sites/clinic-test.yaml', '    params:\n      max_tries: 3\n', '');
    expect(runLintRule(parametersTyped, files)).toEqual([
      'sites/clinic-test.yaml:18:5 LINT_PARAM_REQUIRED rule L1-TEST-001 needs parameter max_tries (runbook LIN-TEST-001 gives it no default)',
    ]);
  });
});
