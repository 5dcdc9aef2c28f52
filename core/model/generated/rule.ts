/* Generated from schemas/rule.schema.json by `npm run schemas`. Do not edit by hand. */

/**
 * Version of the writ YAML format this file is written in. writ/v1 is the first and current format.
 */
export type ApiVersion = 'writ/v1';
/**
 * L1 rule id, upper case with dashes, ending in a three-digit number; equal to the file name.
 */
export type RuleId = string;
/**
 * Short human-readable name.
 */
export type Name = string;
/**
 * What this is for and why, in a sentence or a paragraph.
 */
export type Description = string;
/**
 * How bad a failure is for the clinic's HIPAA posture.
 */
export type Severity = 'low' | 'medium' | 'high' | 'critical';
/**
 * Id of the runbook whose check script observes the host for this rule. The rule applies to hosts of that runbook's platform only.
 */
export type RunbookId = string;
/**
 * Conditions on the check result, all of which must hold (AND). Fields are dot paths into the result (status, observed.*, expected.*) or the host (host.id, host.platform, host.tags). Defaults to status eq fail.
 *
 * @minItems 1
 * @maxItems 32
 */
export type Conditions = [Condition, ...Condition[]];
/**
 * What to do when the conditions hold: remediate with a runbook, or escalate to a person.
 */
export type Action = (Remediate | Escalate) & {
  /**
   * remediate or escalate.
   */
  type: 'remediate' | 'escalate';
};
/**
 * Runbook to heal with; defaults to the check runbook. Runs fresh check, remediate, verify, and rollback when verify fails.
 */
export type RunbookId1 = string;
/**
 * A value for a runbook parameter: a string, number, boolean, or a list of those.
 */
export type ParameterValue = string | number | boolean | (string | number | boolean)[];
/**
 * How bad a failure is for the clinic's HIPAA posture.
 */
export type Severity1 = 'low' | 'medium' | 'high' | 'critical';
/**
 * A control of a framework in frameworks/, written framework-id:control-id.
 */
export type ControlReference = string;
/**
 * Mode of this rule where neither the host nor the site sets one. Precedence, first explicit value wins: the host's rule entry, the host's mode, the site's rule entry, the site mode, this rule mode, then audit. The rule applies only to hosts whose platform equals its check runbook's platform.
 */
export type Mode = 'audit' | 'enforce';

/**
 * An L1 rule: when the check of a runbook reports a matching result on a host, remediate with a reviewed runbook or escalate to a person. One file per rule in policies/, named <id>.yaml.
 */
export interface Rule {
  apiVersion: ApiVersion;
  /**
   * Always Rule for files in policies/.
   */
  kind: 'Rule';
  id: RuleId;
  name: Name;
  description?: Description;
  severity: Severity;
  check: RunbookId;
  when?: Conditions;
  action: Action;
  /**
   * Lower runs first when several rules match the same host and check. Ties keep id order.
   */
  priority?: number;
  /**
   * After this rule acts on a host, it does not act on that host again for this long. Keyed by (rule, host) and kept across agent restarts.
   */
  cooldown_seconds?: number;
  /**
   * Remediation attempts per incident before the agent escalates.
   */
  max_retries?: number;
  /**
   * Controls this rule serves beyond those its runbooks cite.
   */
  controls?: ControlReference[];
  mode?: Mode;
  /**
   * Free labels for grouping in reports.
   */
  tags?: string[];
}
export interface Condition {
  /**
   * Dot path into the check result or host, for example observed.max_auth_tries.
   */
  field: string;
  /**
   * Comparison. A missing field matches only exists: false (ne and not_in do not match a missing field).
   */
  op: 'eq' | 'ne' | 'in' | 'not_in' | 'gt' | 'gte' | 'lt' | 'lte' | 'contains' | 'regex' | 'exists';
  /**
   * Value to compare with: a list for in and not_in, a number for gt/gte/lt/lte, a pattern for regex, true or false for exists.
   */
  value?: {
    [k: string]: unknown | undefined;
  };
}
export interface Remediate {
  type: 'remediate';
  runbook?: RunbookId1;
  params?: ParameterValues;
}
/**
 * Parameter values for this rule; a site may override them.
 */
export interface ParameterValues {
  [k: string]: ParameterValue | undefined;
}
export interface Escalate {
  type: 'escalate';
  /**
   * Why a person must act instead of a runbook.
   */
  reason: string;
  urgency?: Severity1;
}
