import type { Finding } from '../../model/finding.js';
import type { LintRule } from '../lint-context.js';
import { findingAtPointer } from '../finding-at-pointer.js';

/** Ids are unique across the repository and equal to the file name, so a reviewer finds a rule by its id. */
export const idsUnique: LintRule = {
  name: 'ids-unique',
  codes: [
    { code: 'LINT_ID_DUPLICATE', title: 'Duplicate id', help: 'Two documents declare the same id; ids must be unique across the repository.' },
    { code: 'LINT_ID_FILENAME', title: 'Id differs from file name', help: 'A document\'s id must equal its file name without .yaml.' },
  ],
  run(repo) {
    const findings: Finding[] = [];
    const all = [...repo.rules, ...repo.runbooks, ...repo.sites, ...repo.frameworks];
    const firstById = new Map<string, string>();
    for (const entry of all) {
      const id = entry.value.id;
      const stem = entry.file.path.slice(entry.file.path.lastIndexOf('/') + 1).replace(/\.ya?ml$/, '');
      if (stem !== id) {
        findings.push(findingAtPointer(entry.file, '/id', 'LINT_ID_FILENAME', `id ${id} differs from the file name ${stem}`,
          `Rename the file to ${id}.yaml, or set \`id: ${stem}\`.`));
      }
      const first = firstById.get(id);
      if (first) {
        const f = findingAtPointer(entry.file, '/id', 'LINT_ID_DUPLICATE', `id ${id} is already declared in ${first}`,
          'Give this document a new id (and file name); ids are how rules, sites and evidence refer to it.');
        findings.push(f);
      } else firstById.set(id, entry.file.path);
    }
    return findings;
  },
};
