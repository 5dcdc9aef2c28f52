import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReasonCodes } from '../../../scripts/generate-reason-codes-lib.js';
import { AGENT_CODES } from '../../../core/engine/agent-codes.js';
import { EXEC_CODES } from '../../../core/exec/exec-codes.js';
import { EVIDENCE_CODES } from '../../../core/evidence/evidence-codes.js';
import { EVIDENCE_PUSH_CODES } from '../../../core/evidence-push/push-codes.js';
import { PHI_CODES } from '../../../core/scrub/phi-codes.js';
import { WEBHOOK_CODES } from '../../../core/review/webhook-codes.js';
import { SITE_CODES } from '../../../core/site/site-codes.js';
import { FINDING_CODES } from '../../../core/validate/finding-codes.js';

const ROOT = join(import.meta.dirname, '../../..');

describe('docs/reason-codes.md', () => {
  it('matches the code (run `npm run reason-codes` after adding a code)', () => {
    expect(readFileSync(join(ROOT, 'docs/reason-codes.md'), 'utf8')).toBe(renderReasonCodes());
  });

  it('lists every code the sources emit', () => {
    const listed = new Set([...FINDING_CODES, ...EXEC_CODES, ...AGENT_CODES, ...EVIDENCE_CODES, ...EVIDENCE_PUSH_CODES, ...PHI_CODES, ...WEBHOOK_CODES, ...SITE_CODES].map((c) => c.code));
    const emitted = new Set<string>();
    const walk = (dir: string) => {
      for (const f of readdirSync(dir, { withFileTypes: true })) {
        const full = join(dir, f.name);
        if (f.isDirectory()) walk(full);
        else if (f.name.endsWith('.ts')) for (const m of readFileSync(full, 'utf8').matchAll(/'((?:YAML|SCHEMA|LINT|EXEC|AGT|EVD|PHI|WH|SITE)_[A-Z0-9_]+)'/g)) emitted.add(m[1]!);
      }
    };
    walk(join(ROOT, 'core'));
    walk(join(ROOT, 'cli'));
    walk(join(ROOT, 'adapters'));
    walk(join(ROOT, 'agent'));
    walk(join(ROOT, 'app'));
    expect([...emitted].filter((c) => !listed.has(c) && !c.startsWith('LINT_SH_SC')).sort()).toEqual([]);
  });
});
