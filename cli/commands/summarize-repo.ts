import type { LoadedRepo } from '../../core/validate/loaded-repo.js';

/** A few lines saying what a policy repository holds, for `writ validate --summary`. */
export function summarizeRepo(repo: LoadedRepo): string {
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const linux = repo.runbooks.filter((r) => r.value.platform === 'linux').length;
  const hosts = repo.sites.reduce((n, s) => n + s.value.hosts.length, 0);
  const controls = repo.frameworks.reduce((n, f) => n + f.value.controls.length, 0);
  const cited = new Set(repo.runbooks.flatMap((r) => r.value.controls));
  const lines = [
    '',
    'Policy repository:',
    `  ${count(repo.rules.length, 'rule')}`,
    `  ${count(repo.runbooks.length, 'runbook')} (${linux} linux, ${repo.runbooks.length - linux} windows)`,
    `  ${count(repo.sites.length, 'site')} with ${count(hosts, 'host')}`,
    `  ${count(repo.frameworks.length, 'framework')} with ${count(controls, 'control')}, ${cited.size} cited by runbooks`,
    '',
  ];
  return lines.join('\n');
}
