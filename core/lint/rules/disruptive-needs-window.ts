import type { Finding } from '../../model/finding.js';
import type { LintRule } from '../lint-context.js';
import { findingAtPointer } from '../finding-at-pointer.js';

/** A site may enable a rule that heals with a disruptive runbook only if it has a maintenance window. */
export const disruptiveNeedsWindow: LintRule = {
  name: 'disruptive-needs-window',
  codes: [
    { code: 'LINT_DISRUPTIVE_NO_WINDOW', title: 'Disruptive runbook without a maintenance window', help: 'A site enables a rule whose remediation is disruptive but declares no maintenance window.' },
  ],
  run(repo) {
    const findings: Finding[] = [];
    const runbooks = new Map(repo.runbooks.map((r) => [r.value.id, r.value]));
    const rules = new Map(repo.rules.map((r) => [r.value.id, r.value]));
    for (const site of repo.sites) {
      if ((site.value.maintenance_windows ?? []).length > 0) continue;
      site.value.rules.forEach((setting, i) => {
        if (setting.enabled === false) return;
        const rule = rules.get(setting.rule);
        if (!rule || rule.action.type !== 'remediate') return;
        const fix = runbooks.get(rule.action.runbook ?? rule.check);
        if (fix?.disruptive) {
          findings.push(findingAtPointer(site.file, `/rules/${i}/rule`, 'LINT_DISRUPTIVE_NO_WINDOW',
            `rule ${rule.id} heals with disruptive runbook ${fix.id}, but site ${site.value.id} has no maintenance window`,
            'Add `maintenance_windows:` to the site (for example nightly 02:00–04:00), or disable the rule here with `enabled: false`.'));
        }
      });
    }
    return findings;
  },
};
