import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCoverage } from '../../../scripts/generate-coverage-lib.js';

const ROOT = join(import.meta.dirname, '../../..');

describe('docs/coverage.md', () => {
  it('matches the YAML (run `npm run coverage` after changing rules, runbooks or frameworks)', () => {
    expect(readFileSync(join(ROOT, 'docs/coverage.md'), 'utf8')).toBe(renderCoverage(ROOT));
  });
  it('shows no unused runbook', () => {
    expect(renderCoverage(ROOT)).not.toContain('**unused**');
  });
});
