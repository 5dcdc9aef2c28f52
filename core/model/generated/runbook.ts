/* Generated from schemas/runbook.schema.json by `npm run schemas`. Do not edit by hand. */

/**
 * Version of the writ YAML format this file is written in. writ/v1 is the first and current format.
 */
export type ApiVersion = 'writ/v1';
/**
 * Runbook id, upper case with dashes, ending in a three-digit number; equal to the file name.
 */
export type RunbookId = string;
/**
 * Short human-readable name.
 */
export type Name = string;
/**
 * What this is for and why, in a sentence or a paragraph.
 */
export type Description = string;
/**
 * Operating-system family a runbook is written for and a host runs.
 */
export type Platform = 'linux' | 'windows';
/**
 * How bad a failure is for the clinic's HIPAA posture.
 */
export type Severity = 'low' | 'medium' | 'high' | 'critical';
/**
 * A control of a framework in frameworks/, written framework-id:control-id.
 */
export type ControlReference = string;
/**
 * A value for a runbook parameter: a string, number, boolean, or a list of those.
 */
export type ParameterValue = string | number | boolean | (string | number | boolean)[];

/**
 * A reviewed procedure for one platform: a check that prints one check-result JSON, and optionally a remediation, a verify step and a rollback. Parameters reach scripts only as data: shell scripts bind them with `IFS= read -r -d '' name` (one NUL-terminated value per parameter on stdin, in declaration order), PowerShell scripts with a param() block. One file per runbook in runbooks/linux/ or runbooks/windows/, named <id>.yaml.
 */
export interface Runbook {
  apiVersion: ApiVersion;
  /**
   * Always Runbook for files in runbooks/.
   */
  kind: 'Runbook';
  id: RunbookId;
  name: Name;
  description?: Description;
  /**
   * Semantic version of the procedure; raise it when the behaviour changes.
   */
  version?: string;
  platform: Platform;
  /**
   * Category of what the check observes, for grouping and reports.
   */
  check_type?: string;
  severity: Severity;
  /**
   * Framework controls this runbook serves (at least one).
   *
   * @minItems 1
   */
  controls: [ControlReference, ...ControlReference[]];
  /**
   * True when remediation restarts a service, reboots, deletes data or may cut off users. Disruptive runbooks run only inside the site's maintenance window.
   */
  disruptive?: boolean;
  /**
   * True when the change takes effect only after a reboot. writ never reboots by itself; the plan and evidence say a reboot is pending.
   */
  requires_reboot?: boolean;
  parameters?: Parameters;
  scripts: Scripts;
  /**
   * Keys of the check result's observed object that are kept as evidence. Everything else observed is dropped before signing.
   */
  evidence_fields?: string[];
  /**
   * Set when no rule uses this runbook on purpose: why (for example: run on demand by an engineer, or detect-only evidence). Without it, an unused runbook is reported.
   */
  standalone?: string;
  /**
   * Reviewer notes: known limits, what cannot be undone, why a step is alert-only.
   */
  notes?: string;
}
/**
 * Typed inputs in the order scripts bind them. A parameter without a default must be set by the rule or the site.
 */
export interface Parameters {
  [k: string]: Parameter | undefined;
}
/**
 * A JSON-Schema subset describing one parameter.
 */
export interface Parameter {
  type: 'string' | 'integer' | 'number' | 'boolean' | 'array';
  description: string;
  default?: ParameterValue;
  /**
   * @minItems 1
   */
  enum?: [string | number | number | boolean, ...(string | number | number | boolean)[]];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: {
    type: 'string' | 'integer' | 'number' | 'boolean';
    /**
     * @minItems 1
     */
    enum?: [string | number | number | boolean, ...(string | number | number | boolean)[]];
    pattern?: string;
    minLength?: number;
    maxLength?: number;
    minimum?: number;
    maximum?: number;
  };
  minItems?: number;
  maxItems?: number;
}
/**
 * The check is required; remediate, verify and rollback are optional. Without verify the check runs again after remediation.
 */
export interface Scripts {
  check: Script;
  remediate?: Script;
  verify?: Script;
  rollback?: Script;
}
/**
 * Exactly one of inline (the script text) or file (a path relative to this YAML file, inside runbooks/).
 */
export interface Script {
  inline?: string;
  file?: string;
  /**
   * The step is stopped and reported as error after this long.
   */
  timeout_seconds?: number;
}
