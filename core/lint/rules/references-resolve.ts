import type { Finding } from '../../model/finding.js';
import type { Runbook } from '../../model/generated/runbook.js';
import type { LintRule } from '../lint-context.js';
import { findingAtPointer } from '../finding-at-pointer.js';
import { closestWord } from '../../validate/closest-word.js';

/** Every reference resolves: rule → runbooks, site → rules, waiver → rule and hosts. */
export const referencesResolve: LintRule = {
  name: 'references-resolve',
  codes: [
    { code: 'LINT_REF_UNKNOWN_RUNBOOK', title: 'Unknown runbook', help: 'A rule names a runbook that no file in runbooks/ declares.' },
    { code: 'LINT_REF_UNKNOWN_RULE', title: 'Unknown rule', help: 'A site or waiver names a rule that no file in policies/ declares.' },
    { code: 'LINT_REF_UNKNOWN_HOST', title: 'Unknown host', help: 'A waiver names a host the site does not list.' },
    { code: 'LINT_RULE_PLATFORM_MISMATCH', title: 'Check and remediation on different platforms', help: 'A rule\'s check runbook and remediation runbook must be for the same platform.' },
    { code: 'LINT_REMEDIATE_WITHOUT_SCRIPT', title: 'Remediation runbook has no remediate script', help: 'A rule remediates with a runbook that has no remediate script; escalate instead or add the script.' },
  ],
  run(repo) {
    const findings: Finding[] = [];
    const runbooks = new Map<string, Runbook>(repo.runbooks.map((r) => [r.value.id, r.value]));
    const runbookIds = [...repo.declaredIds.Runbook];
    const ruleIds = [...repo.declaredIds.Rule];
    const suggest = (id: string, pool: string[]) => {
      const g = closestWord(id, pool);
      return g ? ` Did you mean ${g}?` : '';
    };
    for (const rule of repo.rules) {
      const v = rule.value;
      const refs: [string, string][] = [['/check', v.check]];
      if (v.action.type === 'remediate' && v.action.runbook) refs.push(['/action/runbook', v.action.runbook]);
      for (const [ptr, id] of refs) {
        if (!repo.declaredIds.Runbook.has(id)) {
          findings.push(findingAtPointer(rule.file, ptr, 'LINT_REF_UNKNOWN_RUNBOOK', `no runbook has id ${id}`,
            `Create runbooks/<platform>/${id}.yaml or name an existing runbook.${suggest(id, runbookIds)}`));
        }
      }
      const check = runbooks.get(v.check);
      if (v.action.type === 'remediate') {
        const fixId = v.action.runbook ?? v.check;
        const fix = runbooks.get(fixId);
        if (check && fix && check.platform !== fix.platform) {
          findings.push(findingAtPointer(rule.file, '/action/runbook', 'LINT_RULE_PLATFORM_MISMATCH',
            `the check runbook ${check.id} is for ${check.platform} but the remediation runbook ${fix.id} is for ${fix.platform}`,
            'Pick a remediation runbook for the same platform as the check; a rule applies to one platform only.'));
        }
        if (fix && !fix.scripts.remediate) {
          findings.push(findingAtPointer(rule.file, v.action.runbook ? '/action/runbook' : '/action/type', 'LINT_REMEDIATE_WITHOUT_SCRIPT',
            `runbook ${fix.id} has no remediate script, so this rule cannot heal`,
            'Use `action: {type: escalate, reason: …}` for detect-only runbooks, or add scripts.remediate to the runbook.'));
        }
      }
    }
    for (const site of repo.sites) {
      const hostIds = new Set(site.value.hosts.map((h) => h.id));
      const checkRule = (ptr: string, id: string) => {
        if (!repo.declaredIds.Rule.has(id)) {
          findings.push(findingAtPointer(site.file, ptr, 'LINT_REF_UNKNOWN_RULE', `no rule has id ${id}`,
            `Create policies/${id}.yaml or name an existing rule.${suggest(id, ruleIds)}`));
        }
      };
      site.value.rules.forEach((r, i) => checkRule(`/rules/${i}/rule`, r.rule));
      site.value.hosts.forEach((h, hi) => h.rules?.forEach((r, i) => checkRule(`/hosts/${hi}/rules/${i}/rule`, r.rule)));
      (site.value.waivers ?? []).forEach((w, wi) => {
        checkRule(`/waivers/${wi}/rule`, w.rule);
        w.hosts?.forEach((h, i) => {
          if (!hostIds.has(h)) {
            findings.push(findingAtPointer(site.file, `/waivers/${wi}/hosts/${i}`, 'LINT_REF_UNKNOWN_HOST', `site ${site.value.id} has no host ${h}`,
              `Name one of the site's hosts.${suggest(h, [...hostIds])}`));
          }
        });
      });
    }
    return findings;
  },
};
