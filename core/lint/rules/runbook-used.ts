import type { Finding } from '../../model/finding.js';
import type { LintRule } from '../lint-context.js';
import { findingAtPointer } from '../finding-at-pointer.js';

/** A runbook no rule uses never runs; say so, so it is used or marked standalone on purpose. */
export const runbookUsed: LintRule = {
  name: 'runbook-used',
  codes: [{ code: 'LINT_RUNBOOK_UNUSED', title: 'Runbook used by no rule', help: 'No rule checks or heals with this runbook, so no appliance runs it.' }],
  run(repo) {
    const used = new Set<string>();
    for (const r of repo.rules) {
      used.add(r.value.check);
      if (r.value.action.type === 'remediate' && r.value.action.runbook) used.add(r.value.action.runbook);
    }
    const findings: Finding[] = [];
    for (const rb of repo.runbooks) {
      if (!used.has(rb.value.id)) {
        findings.push(findingAtPointer(rb.file, '/id', 'LINT_RUNBOOK_UNUSED', `no rule uses runbook ${rb.value.id}`,
          'Add a rule in policies/ that checks with it, or delete it if it is no longer needed.', 'info'));
      }
    }
    return findings;
  },
};
