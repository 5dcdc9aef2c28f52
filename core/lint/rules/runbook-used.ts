import type { Finding } from '../../model/finding.js';
import type { LintRule } from '../lint-context.js';
import { findingAtPointer } from '../finding-at-pointer.js';

/** A runbook no rule uses never runs; say so, so it is used or marked standalone on purpose. */
export const runbookUsed: LintRule = {
  name: 'runbook-used',
  codes: [
    { code: 'LINT_RUNBOOK_UNUSED', title: 'Runbook used by no rule', help: 'No rule checks or heals with this runbook, so no appliance runs it; add a rule or say why with `standalone:`.' },
    { code: 'LINT_RUNBOOK_STANDALONE_USED', title: 'Standalone runbook used by a rule', help: 'A runbook marked standalone is used by a rule; remove `standalone:`.' },
  ],
  run(repo) {
    const used = new Set<string>();
    for (const r of repo.rules) {
      used.add(r.value.check);
      if (r.value.action.type === 'remediate' && r.value.action.runbook) used.add(r.value.action.runbook);
    }
    const findings: Finding[] = [];
    for (const rb of repo.runbooks) {
      if (rb.value.standalone !== undefined) {
        if (used.has(rb.value.id)) {
          findings.push(findingAtPointer(rb.file, '/standalone', 'LINT_RUNBOOK_STANDALONE_USED', `runbook ${rb.value.id} is marked standalone but a rule uses it`,
            'Remove `standalone:` from the runbook.', 'warning'));
        }
      } else if (!used.has(rb.value.id)) {
        findings.push(findingAtPointer(rb.file, '/id', 'LINT_RUNBOOK_UNUSED', `no rule uses runbook ${rb.value.id}`,
          'Add a rule in policies/ that checks with it, or say why it stands alone with `standalone: <reason>`.', 'info'));
      }
    }
    return findings;
  },
};
