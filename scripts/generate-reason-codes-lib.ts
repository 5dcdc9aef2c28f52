/** Renders docs/reason-codes.md from the code catalogs, so the page never drifts from the code. */
import { AGENT_CODES } from '../core/engine/agent-codes.js';
import { EXEC_CODES } from '../core/exec/exec-codes.js';
import { EVIDENCE_CODES } from '../core/evidence/evidence-codes.js';
import { EVIDENCE_PUSH_CODES } from '../core/evidence-push/push-codes.js';
import { PHI_CODES } from '../core/scrub/phi-codes.js';
import { WEBHOOK_CODES } from '../core/review/webhook-codes.js';
import { SITE_CODES } from '../core/site/site-codes.js';
import { COMMAND_ERROR_CODES, FINDING_CODES, RELEASE_CODES } from '../core/validate/finding-codes.js';

export function renderReasonCodes(): string {
  const family = (code: string) => code.split('_')[0]!;
  const rows = [...FINDING_CODES, ...COMMAND_ERROR_CODES, ...RELEASE_CODES, ...EXEC_CODES, ...AGENT_CODES, ...EVIDENCE_CODES, ...EVIDENCE_PUSH_CODES, ...PHI_CODES, ...WEBHOOK_CODES, ...SITE_CODES].sort((a, b) => (a.code < b.code ? -1 : 1));
  const seen = new Set<string>();
  const lines = [
    '# Reason codes',
    '',
    'Generated from the code by `npm run reason-codes`; do not edit by hand. Every finding and every',
    'error writ prints carries one of these codes. Families: `YAML_` (reading the file), `SCHEMA_`',
    '(shape), `LINT_` (meaning and safety), `REL_` (a release refused), `GIT_` (fetching and reading git),',
    '`CLI_`/`REPO_`/`TOOL_`/`DEMO_` (the command could not run), `EXEC_` (reaching a host and running a step),',
    '`AGT_` (the appliance agent\'s cycle), `EVD_` (verifying evidence chains: errors fail, warnings and infos do not),',
    '`PHI_` (the PHI scrubber withheld output rather than pass it through), `WH_` (the GitHub App: webhook intake and review), `SITE_` (the auditor evidence site).',
    'Findings from shellcheck appear as `LINT_SH_SC<number>`; see https://www.shellcheck.net/wiki/ for each.',
    '',
  ];
  let current = '';
  for (const r of rows) {
    if (seen.has(r.code)) continue;
    seen.add(r.code);
    if (family(r.code) !== current) {
      current = family(r.code);
      lines.push(`## ${current}_`, '', '| code | meaning | what to do |', '|---|---|---|');
    }
    lines.push(`| \`${r.code}\` | ${r.title} | ${r.help.replace(/\|/g, '\\|')} |`);
    const next = rows[rows.indexOf(r) + 1];
    if (!next || family(next.code) !== current) lines.push('');
  }
  return lines.join('\n');
}
