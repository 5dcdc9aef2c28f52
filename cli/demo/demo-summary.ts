import type { CycleReport, RuleRecord } from '../../core/engine/cycle-report.js';
import { escapeControl } from '../../core/report/escape-control.js';

/** One finished stage and how long it took. */
export interface StageTiming {
  name: string;
  ms: number;
  /** One line on what it did. */
  note: string;
}

/** Everything the summary reports about one run. */
export interface DemoOutcome {
  stateDir: string;
  run: number;
  now: Date;
  stages: StageTiming[];
  /** Why the SSH host is missing, when it is. */
  sshSkipped?: string;
  report: CycleReport;
  evidence: { recordsThisRun: number; pushedCommit: string; records: number; days: string[]; verifiedThrough: number; branch: string };
  /** The site step: the URL it is served at, or why it is not served (the whole sentence). */
  site: { url: string } | { reason: string };
  /** Runbooks marked disruptive (they heal only inside a maintenance window). */
  disruptiveRunbooks: ReadonlySet<string>;
  paths: { policy: string; keys: string; agentConfig: string; evidence: string; evidenceBranch: string };
}

/** A rule on a host that is drift: the check failed and a rule matched. */
const DRIFT = new Set(['remediate', 'plan-remediate', 'cooldown', 'outside-window', 'retries-spent', 'escalate', 'already-escalated', 'waived', 'superseded']);

/** Rows of one kind, as `host  rule  text`. */
function rows(report: CycleReport, pick: (r: RuleRecord) => string | undefined): string[] {
  const out: string[] = [];
  for (const host of report.hosts) {
    for (const rule of host.rules) {
      const text = pick(rule);
      if (text !== undefined) out.push(`    ${host.host.padEnd(14)} ${rule.rule.padEnd(18)} ${text}`);
    }
  }
  return out;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The summary `writ demo` prints at the end: stages with timings, checks run, drift per rule and
 * host, what enforce mode would heal, the evidence pushed and verified, where everything lives and
 * how to clean up. Text from hosts is escaped (no terminal control sequences).
 *
 * @example
 * io.stdout(renderDemoSummary(outcome));
 */
export function renderDemoSummary(o: DemoOutcome): string {
  const r = o.report;
  const s = r.summary;
  let notApplicable = 0;
  for (const h of r.hosts) for (const rule of h.rules) if (rule.decision === 'not-applicable') notApplicable++;
  const lines: string[] = [
    '',
    `writ demo, run ${o.run}: the demo clinic ${r.site} on ${o.now.toISOString().slice(0, 10)} (reference time ${o.now.toISOString()})`,
    '',
    `Stages: ${o.stages.length} in ${seconds(o.stages.reduce((n, st) => n + st.ms, 0))} (each above with its time)`,
    '',
    `Checks: ${s.checks} run on ${s.hosts} host(s) (${r.hosts.map((h) => `${h.host} via ${h.transport}`).join(', ')}), audit mode: nothing was changed`,
    `  ${s.compliant} compliant, ${s.drift} drift, ${notApplicable} not applicable, ${s.check_errors} check error(s), ${s.hosts_unreachable} host(s) unreachable`,
  ];
  if (o.sshSkipped) lines.push(`  SSH host skipped: ${o.sshSkipped}`);
  for (const h of r.hosts) if (!h.reachable) lines.push(`  ${h.host} not reached (${h.reason_code ?? ''}): ${h.message ?? ''}`);

  const drift = rows(r, (rule) => (DRIFT.has(rule.decision) ? `${rule.check.message}` : undefined));
  lines.push('', drift.length ? 'Drift found:' : 'Drift found: none', ...drift);
  const heal = rows(r, (rule) => {
    if (rule.decision !== 'plan-remediate') return undefined;
    const disruptive = o.disruptiveRunbooks.has(rule.check.runbook) ? ' (disruptive: only inside a maintenance window)' : '';
    return `remediate with runbook ${rule.check.runbook}${disruptive}`;
  });
  lines.push('', heal.length ? 'Enforce mode would heal:' : 'Enforce mode would heal: nothing', ...heal);
  const escalated = rows(r, (rule) => (rule.escalation ? `escalate (${rule.escalation.urgency}): ${rule.escalation.reason}` : rule.decision === 'already-escalated' ? 'already escalated to a person' : undefined));
  if (escalated.length) lines.push('', 'For a person (no runbook heals these):', ...escalated);
  const errors = rows(r, (rule) => (rule.decision === 'check-error' ? `${rule.reason_code ?? ''} ${rule.detail ?? rule.check.message}`.trim() : undefined));
  if (errors.length) lines.push('', 'Checks that could not decide (errors are never counted compliant):', ...errors);

  const e = o.evidence;
  lines.push(
    '',
    `Evidence: ${e.recordsThisRun} signed record(s) this run, pushed to ${e.branch} (${e.pushedCommit.slice(0, 12)})`,
    `  verified offline with writ evidence verify: ${e.records} record(s) over ${e.days.length} day(s) (${e.days.length === 1 ? e.days[0] : `${e.days[0]} … ${e.days[e.days.length - 1]}`}), verified through record ${e.verifiedThrough}`,
    '',
  );
  lines.push('url' in o.site ? `Auditor site: ${o.site.url}` : `Auditor site: ${o.site.reason}`);
  lines.push(
    '',
    `Everything lives in ${o.stateDir}:`,
    `  policy repository  ${o.paths.policy} (branches main, writ/releases, ${e.branch})`,
    `  keys               ${o.paths.keys} (private keys, mode 0600; demo only)`,
    `  agent config       ${o.paths.agentConfig}`,
    `  evidence           ${o.paths.evidence} (appliance side), ${o.paths.evidenceBranch} (verified clone)`,
    'Run it again to add one more day of evidence. Clean up with:',
    `  rm -rf ${shellQuote(o.stateDir)}`,
    '',
  );
  return lines.map((l) => escapeControl(l)).join('\n');
}

/** Quotes a path for a copy-and-paste shell line. */
function shellQuote(path: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
