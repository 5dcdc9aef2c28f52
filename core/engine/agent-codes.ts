import type { LintCode } from '../lint/lint-context.js';

/** Reason codes of the appliance agent's cycle. Listed in docs/reason-codes.md. */
export const AGENT_CODES: readonly LintCode[] = [
  { code: 'AGT_CONFIG_INVALID', title: 'Agent config invalid', help: 'The agent config file has a problem at the named field. Fix it; the agent does not start.' },
  { code: 'AGT_CREDENTIAL_INSECURE', title: 'Credential file readable by others', help: 'A credential file is readable or writable by group or others, or is not a regular file. chmod 600 it.' },
  { code: 'AGT_LOCKED', title: 'Another agent is running', help: 'Another agent holds the lock in the state dir. Stop it first; a lock whose process is gone is taken over.' },
  { code: 'AGT_SOURCE_UNREACHABLE', title: 'Release source unreachable', help: 'The release branch could not be fetched. The agent keeps enforcing the last verified release; check the URL, token and network.' },
  { code: 'AGT_RELEASE_REFUSED', title: 'Release refused', help: 'The fetched release failed verification (see its REL_ code). The agent keeps enforcing the last verified release.' },
  { code: 'AGT_RELEASE_STALE', title: 'Running an older release', help: 'No newer release could be verified this cycle; the agent enforces the last verified one and says how old it is.' },
  { code: 'AGT_RELEASE_TOO_OLD', title: 'Release past its bound', help: 'The last verified release is older than release.max_age_hours: the agent still checks but heals nothing until a newer release verifies.' },
  { code: 'AGT_NO_RELEASE', title: 'No verified release', help: 'The agent has never verified a release for this site, so nothing runs. Check the source, the pinned root and the appliance key.' },
  { code: 'AGT_STATE_CORRUPT', title: 'State file unreadable', help: 'A state file could not be read; it was moved aside (.corrupt) and the agent starts that state afresh.' },
  { code: 'AGT_HOST_UNREACHABLE', title: 'Host not checked', help: 'The host could not be reached (see the EXEC_ code); its rules are reported as not checked, never as compliant.' },
  { code: 'AGT_CHECK_ERROR', title: 'Check could not decide', help: 'The check reported error, timed out or printed no valid result; the rule is not judged this cycle.' },
  { code: 'AGT_AUDIT_ONLY', title: 'Would heal (audit)', help: 'Drift matched a remediate rule in audit mode: the plan is recorded, nothing changed. Set the rule, host or site to enforce to heal.' },
  { code: 'AGT_WAIVED', title: 'Waived', help: 'A current site waiver covers the rule on this host: reported, not healed.' },
  { code: 'AGT_COOLDOWN', title: 'In cooldown', help: 'The rule acted on this host less than cooldown_seconds ago; the next matching rule is tried.' },
  { code: 'AGT_OUTSIDE_WINDOW', title: 'Outside the maintenance window', help: 'The runbook is disruptive and the site\'s maintenance window is closed; it runs in the next window.' },
  { code: 'AGT_SUPERSEDED', title: 'Another rule acted', help: 'A rule of higher priority matched the same check on this host and acted first.' },
  { code: 'AGT_HEAL_FAILED', title: 'Heal did not fix the drift', help: 'The re-check after remediation still fails; the change was rolled back where the runbook can.' },
  { code: 'AGT_ROLLBACK_FAILED', title: 'Rollback failed', help: 'The rollback after a failed heal did not complete; a person must look at the host.' },
  { code: 'AGT_RETRIES_SPENT', title: 'Retries spent', help: 'The incident reached the rule\'s max_retries without healing and was escalated.' },
  { code: 'AGT_INTERNAL', title: 'Cycle failed', help: 'A cycle stopped on an unexpected fault (a full disk, a bug); the agent logs it and tries again next interval. Report it with the log line.' },
  { code: 'AGT_ESCALATED', title: 'Escalated', help: 'A person must act: an escalate rule matched, or retries were spent.' },
];
