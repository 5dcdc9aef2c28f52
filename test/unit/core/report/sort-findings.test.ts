import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../../core/model/finding.js';
import { sortFindings } from '../../../../core/report/sort-findings.js';
import { SAMPLE_FINDINGS, shuffled } from './sample-findings.js';

describe('sortFindings', () => {
  it('orders by file, line, column, code and message', () => {
    expect(sortFindings(shuffled(SAMPLE_FINDINGS, 5)).map((f) => f.code)).toEqual([
      'YAML_DEPRECATED_KEY',
      'SCHEMA_ENUM',
      'LINT_DUPLICATE_ID',
      'LINT_TITLE_STYLE',
      'LINT_PS_INVOKE_EXPRESSION',
      'LINT_HOST_NAME',
    ]);
  });

  it('breaks ties compareFindings leaves open, so input order never shows', () => {
    const base: Finding = {
      file: 'a.yaml',
      line: 1,
      column: 1,
      pointer: '/a',
      code: 'LINT_X',
      severity: 'warning',
      message: 'same',
      hint: 'b',
    };
    const twins: Finding[] = [
      base,
      { ...base, severity: 'error' },
      { ...base, pointer: '/0' },
      { ...base, hint: 'a' },
      { ...base, endLine: 2 },
      { ...base, related: [{ file: 'b.yaml', line: 1, column: 1, message: 'here' }] },
    ];
    const expected = sortFindings(twins);
    expect(expected[0]?.severity).toBe('error');
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      expect(sortFindings(shuffled(twins, seed))).toEqual(expected);
    }
  });

  it('returns a copy', () => {
    const input = [...SAMPLE_FINDINGS];
    expect(sortFindings(input)).not.toBe(input);
    expect(input).toEqual(SAMPLE_FINDINGS);
  });
});
