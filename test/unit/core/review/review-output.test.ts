import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../../core/model/finding.js';
import { planChange } from '../../../../core/plan/plan-change.js';
import { reviewOutput } from '../../../../core/review/review-output.js';
import { loadRepo } from '../../../../core/validate/load-repo.js';
import { miniRepo, sourceFiles, TEST_NOW } from '../../../helpers/mini-repo.js';

const repo = loadRepo(sourceFiles(miniRepo())).repo;
const plan = planChange(repo, repo, TEST_NOW, { baseRev: 'a'.repeat(40), headRev: 'b'.repeat(40) });
const finding = (file: string, over: Partial<Finding> = {}): Finding => ({
  file, line: 4, column: 11, pointer: '/severity', code: 'SCHEMA_ENUM', severity: 'error', message: 'bad <b>value</b>', hint: 'Use high.', ...over,
});

describe('reviewOutput', () => {
  it('succeeds with no findings and carries the plan', () => {
    const out = reviewOutput({ findings: [], changedFiles: new Set(), plan, planOptions: {} });
    expect(out).toMatchObject({ conclusion: 'success', title: 'No findings', annotations: [] });
    expect(out.summary).toContain('## writ plan');
  });

  it('annotates findings in changed files on their line; columns only on single-line spans', () => {
    const out = reviewOutput({
      findings: [finding('policies/a.yaml'), finding('policies/a.yaml', { line: 2, endLine: 3, severity: 'warning', code: 'LINT_X' }), finding('policies/b.yaml', { severity: 'info' })],
      changedFiles: new Set(['policies/a.yaml']), plan, planOptions: {},
    });
    expect(out.conclusion).toBe('failure');
    expect(out.title).toBe('1 error, 1 warning, 1 note');
    expect(out.annotations).toEqual([
      { path: 'policies/a.yaml', start_line: 4, end_line: 4, start_column: 11, annotation_level: 'failure', title: 'SCHEMA_ENUM', message: 'bad <b>value</b>', raw_details: 'hint: Use high.' },
      { path: 'policies/a.yaml', start_line: 2, end_line: 3, annotation_level: 'warning', title: 'LINT_X', message: 'bad <b>value</b>', raw_details: 'hint: Use high.' },
    ]);
    expect(out.summary).toContain('- policies/b.yaml: 1');
  });

  it('names at most 20 files outside the pull request and stays within the limit', () => {
    const findings = Array.from({ length: 30 }, (_, i) => finding(`sites/clinic-${i}.yaml`));
    const out = reviewOutput({ findings, changedFiles: new Set(), plan, planOptions: {}, limit: 3000 });
    expect(out.summary).toContain('- and 10 more files');
    expect(out.summary.length).toBeLessThanOrEqual(3000);
    expect(out.annotations).toEqual([]);
  });
});
