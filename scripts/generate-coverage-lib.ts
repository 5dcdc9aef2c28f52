/**
 * Renders docs/coverage.md from the policy YAML (never by hand): which runbooks serve each HIPAA
 * citation, and which rules use each runbook. A test fails when the page drifts from the YAML.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SourceFile } from '../core/load/source-file.js';
import { loadRepo } from '../core/validate/load-repo.js';

function readPolicy(root: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const bytes = new Uint8Array(readFileSync(full));
        out.push({ path: relative(root, full).split('\\').join('/'), bytes, size: bytes.length });
      }
    }
  };
  for (const f of ['policies', 'runbooks', 'sites', 'frameworks']) walk(join(root, f));
  return out;
}

const esc = (s: string) => s.replace(/\|/g, '\\|');

export function renderCoverage(root: string): string {
  const { repo } = loadRepo(readPolicy(root));
  const runbooks = [...repo.runbooks].map((r) => r.value).sort((a, b) => (a.id < b.id ? -1 : 1));
  const rules = [...repo.rules].map((r) => r.value).sort((a, b) => (a.id < b.id ? -1 : 1));
  const hipaa = repo.frameworks.find((f) => f.value.id === 'hipaa')?.value;
  const usedBy = new Map<string, string[]>();
  for (const r of rules) {
    const ids = new Set([r.check, ...(r.action.type === 'remediate' ? [r.action.runbook ?? r.check] : [])]);
    for (const id of ids) usedBy.set(id, [...(usedBy.get(id) ?? []), `${r.id} (${r.action.type})`]);
  }
  const lines: string[] = [
    '# Coverage',
    '',
    'Generated from the YAML in policies/, runbooks/ and frameworks/ by `npm run coverage`; do not edit by hand.',
    '',
    `${rules.length} rules, ${runbooks.length} runbooks (${runbooks.filter((r) => r.platform === 'linux').length} Linux, ${runbooks.filter((r) => r.platform === 'windows').length} Windows).`,
    '',
    '## HIPAA Security Rule citations and the runbooks that serve them',
    '',
    '| citation | title | runbooks |',
    '|---|---|---|',
  ];
  for (const c of hipaa?.controls ?? []) {
    const serving = runbooks.filter((r) => r.controls.includes(`hipaa:${c.id}`)).map((r) => r.id);
    if (serving.length === 0 && !c.parent) continue;
    lines.push(`| ${c.id} | ${esc(c.title)} | ${serving.length ? serving.join(', ') : '—'} |`);
  }
  lines.push('', '## Runbooks', '', '| runbook | platform | severity | disruptive | steps | citations | used by |', '|---|---|---|---|---|---|---|');
  for (const r of runbooks) {
    const steps = (['check', 'remediate', 'verify', 'rollback'] as const).filter((s) => r.scripts[s]).join(', ');
    const used = usedBy.get(r.id)?.join('; ') ?? (r.standalone ? `standalone: ${esc(r.standalone)}` : '**unused**');
    lines.push(`| ${r.id} | ${r.platform} | ${r.severity} | ${r.disruptive ? 'yes' : 'no'} | ${steps} | ${r.controls.map((c) => c.replace('hipaa:', '')).join(', ')} | ${used} |`);
  }
  lines.push('', '## Rules', '', '| rule | check runbook | action | severity | priority | cooldown s | max retries |', '|---|---|---|---|---|---|---|');
  for (const r of rules) {
    const action = r.action.type === 'remediate' ? `remediate with ${r.action.runbook ?? r.check}` : 'escalate';
    lines.push(`| ${r.id} | ${r.check} | ${action} | ${r.severity} | ${r.priority ?? 100} | ${r.cooldown_seconds ?? 300} | ${r.max_retries ?? 1} |`);
  }
  return lines.join('\n') + '\n';
}
