/* Generated from schemas/agent-config.schema.json by `npm run schemas`. Do not edit by hand. */

/**
 * Version of the writ YAML format this file is written in. writ/v1 is the first and current format.
 */
export type ApiVersion = 'writ/v1';

/**
 * Configuration of the writ appliance agent at one clinic (`writ agent --config FILE`): where releases come from, the pinned TUF root, the appliance key, where state and evidence live, and the credential store that sites' `host.credential` names refer to. Holds paths to secrets, never secrets. Relative paths resolve against this file's folder.
 */
export interface AgentConfig {
  apiVersion: ApiVersion;
  /**
   * Always AgentConfig for the agent's config file.
   */
  kind: 'AgentConfig';
  /**
   * Id of the clinic this appliance serves, as in sites/<id>.yaml.
   */
  site: string;
  /**
   * Id of this appliance in the site's `appliances:` list. Optional: the appliance key file names it too.
   */
  appliance?: string;
  source: ReleaseSource;
  /**
   * The pinned TUF root.json this appliance trusts first (from the key ceremony). Later roots are reached only through signed rotations.
   */
  trust_root: string;
  /**
   * The appliance's private key file made by `writ appliance init`, mode 0600: it opens this site's sealed bundles and signs evidence.
   */
  appliance_key: string;
  /**
   * Folder for the agent's state (last verified release, cooldowns, lock). Created with mode 0700 when missing; its parent must exist.
   */
  state_dir: string;
  /**
   * Folder for the signed evidence log before it is pushed. Created with mode 0700 when missing; its parent must exist.
   */
  evidence_dir: string;
  credentials?: CredentialStore;
  poll?: Poll;
  /**
   * Hosts checked at once.
   */
  concurrency?: number;
  /**
   * A host that does not complete the SSH or PowerShell handshake within this is reported unreachable.
   */
  connect_timeout_seconds?: number;
  evidence_push?: EvidencePush;
  release?: ReleaseBound;
  /**
   * Path of PowerShell 7 (pwsh) for Windows hosts. Omit to use pwsh from PATH.
   */
  pwsh?: string;
  log?: Log;
}
/**
 * The git remote holding signed releases, fetched over HTTPS.
 */
export interface ReleaseSource {
  /**
   * HTTPS URL of the policy repository. Plain http:// is accepted only for a loopback test server (127.0.0.1, ::1, localhost). Never put a user name, password or token in the URL: use token_file.
   */
  url: string;
  /**
   * Release branch that `writ release` commits to.
   */
  branch?: string;
  /**
   * File holding the read-only access token for the remote (first line), mode 0600. Omit for a public remote.
   */
  token_file?: string;
  /**
   * A fetch taking longer than this is abandoned; the agent keeps enforcing the last verified release.
   */
  timeout_seconds?: number;
}
/**
 * Credentials by the reference name sites use in `host.credential`. Each names a user and exactly one of private_key_file or password_file.
 */
export interface CredentialStore {
  [k: string]: AgentCredential | undefined;
}
/**
 * How to log in to hosts that name this credential.
 */
export interface AgentCredential {
  /**
   * Login name on the host (a domain account as DOMAIN\user or user@domain).
   */
  username: string;
  /**
   * SSH private key file (OpenSSH or PEM), mode 0600. Exactly one of private_key_file or password_file.
   */
  private_key_file?: string;
  /**
   * File holding the password (first line), mode 0600. Exactly one of private_key_file or password_file.
   */
  password_file?: string;
  /**
   * Run Linux steps through `sudo -n` (the user needs a NOPASSWD rule for bash).
   */
  sudo?: boolean;
}
/**
 * How often the agent runs a cycle (fetch, verify, check, heal, record).
 */
export interface Poll {
  /**
   * Seconds between the starts of two cycles.
   */
  interval_seconds?: number;
  /**
   * Up to this many random seconds are added to each interval so clinics do not all fetch at once. Less than interval_seconds.
   */
  jitter_seconds?: number;
}
/**
 * Push the signed evidence chain to a git branch after every cycle. Absent: evidence stays in evidence_dir. The remote gets one folder per site and appliance; pushes only ever append.
 */
export interface EvidencePush {
  /**
   * Clone URL of the evidence remote (https://, or http:// to a loopback test server); defaults to source.url.
   */
  url?: string;
  /**
   * Branch the evidence goes to; defaults to writ/evidence/<site>.
   */
  branch?: string;
  /**
   * File (mode 0600) holding a token allowed to push to the branch; defaults to source.token_file.
   */
  token_file?: string;
  /**
   * Time limit of one push (fetch, commit, push) before it is retried next cycle.
   */
  timeout_seconds?: number;
}
/**
 * How old the last verified release may get.
 */
export interface ReleaseBound {
  /**
   * Past this age the last verified release keeps checking hosts but heals nothing until a newer release verifies.
   */
  max_age_hours?: number;
}
/**
 * Logging (JSON lines on stderr when not a terminal).
 */
export interface Log {
  /**
   * Least severe level written.
   */
  level?: 'debug' | 'info' | 'warn' | 'error';
}
