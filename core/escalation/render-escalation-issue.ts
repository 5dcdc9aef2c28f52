import type { EscalationKey, EscalationSignal, HealSignal, SignalSource } from './escalation-signal.js';
import { inertCode } from './inert-text.js';
import { healedMarker, incidentMarker, issueMarker } from './issue-marker.js';

/** The label every escalation issue carries; the App lists its issues by it. */
export const ESCALATION_LABEL = 'writ-escalation';

/** What the App sends to create an escalation issue. */
export interface IssueDraft {
  title: string;
  body: string;
  labels: string[];
}

/** Longest reason shown, in characters. */
const MAX_REASON = 1000;

/**
 * The labels of an escalation issue: `writ-escalation`, `site:<id>`, `severity:<low|medium|high|critical|unknown>`.
 *
 * @example
 * escalationLabels(signal); // ['writ-escalation', 'site:clinic-a', 'severity:high']
 */
export function escalationLabels(signal: EscalationSignal): string[] {
  return [ESCALATION_LABEL, `site:${signal.key.site}`, `severity:${signal.severity}`];
}

/**
 * The issue title: `[site] host: rule RULE escalated`. Site, host and rule are ids the App checked
 * (no spaces, quotes or angle brackets), so the title holds no free text from the record.
 *
 * @example
 * escalationTitle({ site: 'clinic-northside', host: 'ws-frontdesk-01', rule: 'WIN-BITLOCKER-001' });
 * // '[clinic-northside] ws-frontdesk-01: rule WIN-BITLOCKER-001 escalated'
 */
export function escalationTitle(key: EscalationKey): string {
  return `[${key.site}] ${key.host}: rule ${key.rule} escalated`;
}

const release = (s: SignalSource) => (s.release ? `version ${inertCode(String(s.release.version))}, digest ${inertCode(s.release.digest, 64)}` : '(none: the appliance had no verified release)');

function recordLines(s: SignalSource, commit: string): string[] {
  return [
    `- Evidence record: index ${inertCode(String(s.index))} of appliance ${inertCode(s.appliance)}, signed for ${inertCode(s.time)}`,
    `- Evidence file: ${inertCode(s.file)} line ${inertCode(String(s.line))} at commit ${inertCode(commit, 40)}`,
    `- Release: ${release(s)}`,
    `- Run: ${inertCode(s.run_id, 128)}`,
  ];
}

function escalationLines(signal: EscalationSignal): string[] {
  return [
    `- Incident: ${inertCode(signal.incident, 128)}`,
    `- Cause: ${inertCode(signal.cause, 64)}`,
    `- Reason: ${inertCode(signal.reason, MAX_REASON)}`,
    `- Severity: ${inertCode(signal.severity)}`,
    ...(signal.attempts ? [`- Remediation attempts: ${inertCode(`${signal.attempts.attempt} of ${signal.attempts.max_retries}`)}`] : []),
    ...(signal.controls.length > 0 ? [`- Controls: ${signal.controls.slice(0, 20).map((c) => inertCode(c, 64)).join(', ')}`] : []),
  ];
}

/**
 * The issue for an escalation: marker line, what happened (every record field as an inert code
 * span, capped), where the signed record is, and how writ closes the issue.
 *
 * @example
 * const draft = escalationIssue(signal, afterSha);
 * await request('POST /repos/{owner}/{repo}/issues', { owner, repo, ...draft });
 */
export function escalationIssue(signal: EscalationSignal, commit: string): IssueDraft {
  const { key, source } = signal;
  const body = [
    issueMarker(key, signal.incident, source),
    `### writ escalated ${inertCode(key.rule)} on ${inertCode(key.host)} (site ${inertCode(key.site)})`,
    '',
    'The appliance could not or may not fix this on its own: a person must act. The record below is signed by the appliance and was verified against the site file on the default branch.',
    '',
    `- Site: ${inertCode(key.site)}`,
    `- Host: ${inertCode(key.host)}`,
    `- Rule: ${inertCode(key.rule)}`,
    ...escalationLines(signal),
    ...recordLines(source, commit),
    '',
    'writ comments here when the same rule escalates again on this host for another incident, and closes this issue when later signed evidence shows the host healed (the check passes or a remediation heals).',
    '',
  ].join('\n');
  return { title: escalationTitle(key), body, labels: escalationLabels(signal) };
}

/**
 * The comment for a further incident of an open issue's (site, host, rule).
 *
 * @example
 * const body = incidentComment(signal, afterSha);
 */
export function incidentComment(signal: EscalationSignal, commit: string): string {
  return [
    incidentMarker(signal.incident, signal.source),
    `Escalated again for another incident.`,
    '',
    ...escalationLines(signal),
    ...recordLines(signal.source, commit),
    '',
  ].join('\n');
}

const HOW: Record<HealSignal['how'], string> = {
  'check-pass': 'the rule\'s check passed',
  healed: 'a remediation healed the drift',
  'already-compliant': 'a remediation found the host already compliant',
};

/**
 * The comment writ closes an issue with: which signed record shows the host healed.
 *
 * @example
 * const body = healComment(heal, afterSha);
 */
export function healComment(heal: HealSignal, commit: string): string {
  return [
    healedMarker(heal.source),
    `Healed: ${HOW[heal.how]}. Closing.`,
    '',
    ...recordLines(heal.source, commit),
    '',
  ].join('\n');
}

/**
 * The issue body with the heal marker appended as its own line (sent with the close, so a later
 * replay of an older escalation is recognised as already healed).
 *
 * @example
 * await request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', { ..., state: 'closed', body: bodyWithHeal(issue.body, heal) });
 */
export function bodyWithHeal(body: string, heal: HealSignal): string {
  return `${body.replace(/\n*$/, '')}\n\n${healedMarker(heal.source)}\n`;
}
