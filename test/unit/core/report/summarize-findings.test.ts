import { describe, expect, it } from 'vitest';
import { summarizeFindings } from '../../../../core/report/summarize-findings.js';
import { SAMPLE_FINDINGS } from './sample-findings.js';

describe('summarizeFindings', () => {
  it('counts by severity and words the line with the file count', () => {
    expect(summarizeFindings(SAMPLE_FINDINGS, 9)).toEqual({
      counts: { errors: 3, warnings: 2, info: 1 },
      text: '3 errors, 2 warnings, 1 info in 9 files.',
    });
  });

  it('uses the singular for one, and leaves out an unknown file count', () => {
    expect(summarizeFindings(SAMPLE_FINDINGS.slice(1, 2), 1).text).toBe(
      '0 errors, 1 warning, 0 info in 1 file.',
    );
    expect(summarizeFindings(SAMPLE_FINDINGS).text).toBe('3 errors, 2 warnings, 1 info.');
  });

  it('says there are no problems when there are none', () => {
    expect(summarizeFindings([], 0).text).toBe('No problems in 0 files.');
    expect(summarizeFindings([]).text).toBe('No problems.');
  });
});
