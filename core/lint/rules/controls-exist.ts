import type { Finding } from '../../model/finding.js';
import type { LintRule } from '../lint-context.js';
import { findingAtPointer } from '../finding-at-pointer.js';
import { closestWord } from '../../validate/closest-word.js';

/** Every cited control exists in frameworks/, and each catalog is itself consistent. */
export const controlsExist: LintRule = {
  name: 'controls-exist',
  codes: [
    { code: 'LINT_CONTROL_UNKNOWN', title: 'Unknown control', help: 'A runbook or rule cites a control that no framework in frameworks/ defines.' },
    { code: 'LINT_CONTROL_DUPLICATE', title: 'Duplicate control', help: 'A framework lists the same control id twice.' },
    { code: 'LINT_CONTROL_PARENT', title: 'Unknown parent control', help: 'A control names a parent standard the framework does not list.' },
  ],
  run(repo) {
    const findings: Finding[] = [];
    const known = new Map<string, Set<string>>();
    for (const fw of repo.frameworks) {
      const ids = new Set<string>();
      fw.value.controls.forEach((c, i) => {
        if (ids.has(c.id)) {
          findings.push(findingAtPointer(fw.file, `/controls/${i}/id`, 'LINT_CONTROL_DUPLICATE', `control ${c.id} is listed twice`, 'Remove or merge the repeated entry.'));
        }
        ids.add(c.id);
      });
      fw.value.controls.forEach((c, i) => {
        if (c.parent !== undefined && !ids.has(c.parent)) {
          findings.push(findingAtPointer(fw.file, `/controls/${i}/parent`, 'LINT_CONTROL_PARENT', `parent ${c.parent} is not a control of ${fw.value.id}`,
            'Add the standard as its own control, or fix the parent id.'));
        }
      });
      known.set(fw.value.id, ids);
    }
    const check = (file: Parameters<typeof findingAtPointer>[0], ptr: string, ref: string) => {
      const colon = ref.indexOf(':');
      const fwId = ref.slice(0, colon);
      const controlId = ref.slice(colon + 1);
      const ids = known.get(fwId);
      if (!ids) {
        if (repo.declaredIds.Framework.has(fwId)) return; // the framework file has its own findings
        findings.push(findingAtPointer(file, ptr, 'LINT_CONTROL_UNKNOWN', `no framework ${fwId} in frameworks/ (cited as ${ref})`,
          `Known frameworks: ${[...known.keys()].join(', ') || 'none'}. Add frameworks/${fwId}.yaml or fix the prefix.`));
      } else if (!ids.has(controlId)) {
        const guess = closestWord(controlId, [...ids]);
        findings.push(findingAtPointer(file, ptr, 'LINT_CONTROL_UNKNOWN', `framework ${fwId} has no control ${controlId}`,
          guess ? `Did you mean ${fwId}:${guess}?` : `See frameworks/${fwId}.yaml for the control ids.`));
      }
    };
    for (const rb of repo.runbooks) rb.value.controls.forEach((c, i) => check(rb.file, `/controls/${i}`, c));
    for (const rule of repo.rules) (rule.value.controls ?? []).forEach((c, i) => check(rule.file, `/controls/${i}`, c));
    return findings;
  },
};
