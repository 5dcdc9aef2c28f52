/* Generated from schemas/site.schema.json by `npm run schemas`. Do not edit by hand. */

/**
 * Version of the writ YAML format this file is written in. writ/v1 is the first and current format.
 */
export type ApiVersion = 'writ/v1';
/**
 * Short human-readable name.
 */
export type Name = string;
/**
 * What this is for and why, in a sentence or a paragraph.
 */
export type Description = string;
/**
 * Site-wide mode for the rules this site runs: audit plans and records only; enforce lets rules heal. Precedence, first explicit value wins: the host's rule entry, the host's mode, the site's rule entry, this site mode, the rule's own mode, then audit. A rule applies to a host only when its check runbook's platform equals the host's platform.
 */
export type Mode = 'audit' | 'enforce';
/**
 * Operating-system family a runbook is written for and a host runs.
 */
export type Platform = 'linux' | 'windows';
/**
 * Mode of every rule on this host unless the host's own rule entry sets one; it overrides the site's rule entries, the site mode and the rule's mode. Precedence, first explicit value wins: the host's rule entry, this host mode, the site's rule entry, the site mode, the rule's own mode, then audit.
 */
export type Mode1 = 'audit' | 'enforce';
/**
 * L1 rule id, upper case with dashes, ending in a three-digit number; equal to the file name.
 */
export type RuleId = string;
/**
 * Mode of this rule here. Precedence, first explicit value wins: the host's rule entry, the host's mode, the site's rule entry, the site mode, the rule's own mode, then audit.
 */
export type Mode2 = 'audit' | 'enforce';
/**
 * A value for a runbook parameter: a string, number, boolean, or a list of those.
 */
export type ParameterValue = string | number | boolean | (string | number | boolean)[];

/**
 * One clinic: its hosts and how to reach them, which rules run there and how, maintenance windows, waivers, and its appliance's public keys. Holds credential reference names only, never secrets. One file per clinic in sites/, named <id>.yaml.
 */
export interface Site {
  apiVersion: ApiVersion;
  /**
   * Always Site for files in sites/.
   */
  kind: 'Site';
  /**
   * Site id, lower case with dashes; equal to the file name.
   */
  id: string;
  name: Name;
  description?: Description;
  /**
   * IANA time zone of the clinic, used for maintenance windows unless a window names its own.
   */
  timezone: string;
  mode?: Mode;
  /**
   * The clinic's appliance(s): the public keys releases are encrypted to and evidence is verified with.
   *
   * @minItems 1
   * @maxItems 8
   */
  appliances:
    | [Appliance]
    | [Appliance, Appliance]
    | [Appliance, Appliance, Appliance]
    | [Appliance, Appliance, Appliance, Appliance]
    | [Appliance, Appliance, Appliance, Appliance, Appliance]
    | [Appliance, Appliance, Appliance, Appliance, Appliance, Appliance]
    | [Appliance, Appliance, Appliance, Appliance, Appliance, Appliance, Appliance]
    | [Appliance, Appliance, Appliance, Appliance, Appliance, Appliance, Appliance, Appliance];
  /**
   * When disruptive runbooks may run. Without a window, disruptive runbooks only plan.
   *
   * @maxItems 16
   */
  maintenance_windows?:
    | []
    | [MaintenanceWindow]
    | [MaintenanceWindow, MaintenanceWindow]
    | [MaintenanceWindow, MaintenanceWindow, MaintenanceWindow]
    | [MaintenanceWindow, MaintenanceWindow, MaintenanceWindow, MaintenanceWindow]
    | [MaintenanceWindow, MaintenanceWindow, MaintenanceWindow, MaintenanceWindow, MaintenanceWindow]
    | [
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow
      ]
    | [
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow
      ]
    | [
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow
      ]
    | [
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow
      ]
    | [
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow
      ]
    | [
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow
      ]
    | [
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow
      ]
    | [
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow
      ]
    | [
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow
      ]
    | [
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow
      ]
    | [
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow,
        MaintenanceWindow
      ];
  /**
   * Machines the appliance checks.
   *
   * @maxItems 2000
   */
  hosts: Host[];
  /**
   * Rules enabled at this site, with optional mode and parameter overrides.
   *
   * @maxItems 1000
   */
  rules: RuleSetting[];
  /**
   * Accepted exceptions: a rule that is not enforced (and is reported as waived) on some or all hosts until the waiver expires.
   *
   * @maxItems 500
   */
  waivers?: Waiver[];
}
export interface Appliance {
  id: string;
  /**
   * X25519 public key (base64url of the 32 raw bytes) that this site's release bundles are encrypted to. Made by `writ appliance init`.
   */
  encryption_key: string;
  /**
   * Ed25519 public key (base64url of the 32 raw bytes) that verifies this appliance's evidence.
   */
  signing_key: string;
  /**
   * A retired appliance's key still verifies old evidence but receives no new releases.
   */
  retired?: boolean;
}
export interface MaintenanceWindow {
  name: string;
  /**
   * @minItems 1
   */
  days: [
    'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun',
    ...('mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun')[]
  ];
  /**
   * Local start time HH:MM (24 h).
   */
  start: string;
  /**
   * Local end time HH:MM (24 h); earlier than start means the window crosses midnight.
   */
  end: string;
  /**
   * IANA time zone of this window; defaults to the site's.
   */
  timezone?: string;
}
export interface Host {
  /**
   * Host id, unique in the site; appears in evidence.
   */
  id: string;
  /**
   * DNS name or IP address the appliance connects to. Not needed for transport local.
   */
  address?: string;
  port?: number;
  platform: Platform;
  /**
   * ssh (Linux), powershell-ssh (PowerShell remoting over SSH), winrm (where a site asks), local (the appliance itself).
   */
  transport: 'ssh' | 'powershell-ssh' | 'winrm' | 'local';
  /**
   * Pinned SSH host public key in OpenSSH format (for ssh and powershell-ssh). A host presenting another key is refused.
   */
  host_key?: string;
  /**
   * Pinned SHA-256 fingerprint (hex) of the host's WinRM HTTPS certificate (for winrm).
   */
  tls_cert_sha256?: string;
  /**
   * Name of a credential in the appliance's credential store. Never the secret itself.
   */
  credential?: string;
  /**
   * Rollout ring: 0 gets a release first (canary), higher rings follow.
   */
  ring?: number;
  mode?: Mode1;
  tags?: string[];
  /**
   * Per-host adjustments to rules the site enables.
   */
  rules?: RuleSetting[];
}
export interface RuleSetting {
  rule: RuleId;
  /**
   * A site entry enables the rule on every host of the site's platform; a host entry enables it on that host, and enabled: false on a host entry turns it off there whatever the site says.
   */
  enabled?: boolean;
  mode?: Mode2;
  params?: ParameterValues;
}
/**
 * Overrides for the parameters declared by the rule's remediation runbook.
 */
export interface ParameterValues {
  [k: string]: ParameterValue | undefined;
}
export interface Waiver {
  rule: RuleId;
  /**
   * Hosts the waiver covers; all hosts of the site when absent.
   *
   * @minItems 1
   */
  hosts?: [string, ...string[]];
  /**
   * E-mail of the person accountable for the exception.
   */
  owner: string;
  /**
   * Why the exception is acceptable and what compensates for it.
   */
  justification: string;
  /**
   * Last day (YYYY-MM-DD, site time zone) the waiver applies; at most a year out.
   */
  expires: string;
  ticket?: string;
}
