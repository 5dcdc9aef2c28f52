import type { Finding } from '../../model/finding.js';
import type { LintRule } from '../lint-context.js';
import { findingAtPointer } from '../finding-at-pointer.js';

const STATUSES = ['pass', 'fail', 'error', 'not_applicable'];

/** Each condition's value fits its operator, regexes compile, and status is compared with real statuses. */
export const conditionsWellFormed: LintRule = {
  name: 'conditions-well-formed',
  codes: [
    { code: 'LINT_CONDITION_VALUE', title: 'Condition value does not fit its operator', help: 'in/not_in take a list, gt/gte/lt/lte a number, exists true or false, the others a single value.' },
    { code: 'LINT_CONDITION_REGEX', title: 'Condition regex does not compile', help: 'A regex condition\'s value is not a valid regular expression.' },
  ],
  run(repo) {
    const findings: Finding[] = [];
    for (const rule of repo.rules) {
      (rule.value.when ?? []).forEach((c, i) => {
        const ptr = `/when/${i}`;
        const bad = (msg: string, hint: string) => findings.push(findingAtPointer(rule.file, `${ptr}/value`, 'LINT_CONDITION_VALUE', msg, hint));
        const v = c.value;
        const has = v !== undefined;
        switch (c.op) {
          case 'in': case 'not_in':
            if (!Array.isArray(v) || v.length === 0) bad(`${c.op} needs a non-empty list (got ${JSON.stringify(v) ?? 'nothing'})`, 'Write value: [fail, error].');
            break;
          case 'gt': case 'gte': case 'lt': case 'lte':
            if (typeof v !== 'number') bad(`${c.op} compares numbers (got ${JSON.stringify(v) ?? 'nothing'})`, 'Write a number without quotes.');
            break;
          case 'exists':
            if (has && typeof v !== 'boolean') bad(`exists takes true or false (got ${JSON.stringify(v)})`, 'Write value: true, or leave value out.');
            break;
          case 'regex':
            if (typeof v !== 'string') bad('regex needs a pattern string', 'Quote the pattern.');
            else {
              try {
                new RegExp(v, 'u');
              } catch (e) {
                findings.push(findingAtPointer(rule.file, `${ptr}/value`, 'LINT_CONDITION_REGEX', `the pattern does not compile: ${(e as Error).message}`,
                  'Use JavaScript regular expression syntax; escape backslashes inside double quotes.'));
              }
            }
            break;
          default:
            if (!has || (typeof v === 'object' && v !== null)) bad(`${c.op} compares with one value (got ${JSON.stringify(v) ?? 'nothing'})`, 'Write a single string, number or boolean.');
        }
        if (c.field === 'status') {
          const values = Array.isArray(v) ? v : c.op === 'eq' || c.op === 'ne' ? [v] : [];
          for (const s of values) {
            if (typeof s !== 'string' || !STATUSES.includes(s)) {
              bad(`status is never ${JSON.stringify(s)}`, `A check result's status is one of ${STATUSES.join(', ')}.`);
            }
          }
        }
      });
    }
    return findings;
  },
};
