import { describe, expect, it } from 'vitest';
import { waiversCurrent } from '../../../../../core/lint/rules/waivers-current.js';
import { miniRepo } from '../../../../helpers/mini-repo.js';
import { runLintRule, withEdit } from '../../../../helpers/run-lint-rule.js';

const waiver = (expires: string) =>
  withEdit(miniRepo(), 'sites/clinic-test.yaml', 'rules:\n', `waivers:\n  - rule: L1-TEST-001\n    owner: it-lead@clinic.example\n    justification: Legacy imaging server; vendor patch due next quarter.\n    expires: ${expires}\nrules:\n`);

describe('waivers-current', () => {
  it('accepts a waiver within a year', () => expect(runLintRule(waiversCurrent, waiver('2027-03-01'))).toEqual([]));
  it('accepts a waiver expiring today', () => expect(runLintRule(waiversCurrent, waiver('2026-11-28'))).toEqual([]));
  it('warns about an expired waiver', () => {
    expect(runLintRule(waiversCurrent, waiver('2026-11-27'))).toEqual([
      'sites/clinic-test.yaml:21:14 LINT_WAIVER_EXPIRED waiver of L1-TEST-001 owned by it-lead@clinic.example expired on 2026-11-27',
    ]);
  });
  it('refuses a waiver longer than a year', () => {
    expect(runLintRule(waiversCurrent, waiver('2028-01-01'))[0]).toContain('LINT_WAIVER_TOO_LONG');
  });
  it('judges expiry by the reference time it is given', () => {
    expect(runLintRule(waiversCurrent, waiver('2027-03-01'), new Date('2027-03-02T00:00:00Z'))[0]).toContain('LINT_WAIVER_EXPIRED');
  });
});
