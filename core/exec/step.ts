import type { ParamValue } from '../policy/resolve-host-rules.js';

/** The four steps a runbook can have, in the order remediation uses them. */
export type StepName = 'check' | 'remediate' | 'verify' | 'rollback';

/**
 * One script to run on one host. The script text is exactly what the verified release carries; the
 * transport never splices anything into it. Parameters travel beside it as data, already checked
 * against the runbook's declarations (see check-param-values.ts) and in declaration order.
 */
export interface StepRequest {
  /** Unique within one `HostSession.run` call; echoed in the outcome. */
  key: string;
  runbookId: string;
  step: StepName;
  platform: 'linux' | 'windows';
  /** The step's script text as signed in the release (without any library). */
  script: string;
  /** Text run before the script in the same shell (the Linux result library), or undefined. */
  library?: string;
  /** Parameter values in the runbook's declaration order. */
  params: ReadonlyArray<{ name: string; value: ParamValue }>;
  /** The step is stopped and reported as `timeout` after this long. */
  timeoutMs: number;
}

/**
 * What happened to one StepRequest.
 * - `ran`: the script ran to its end (any exit code; the exit code alone never means pass).
 * - `timeout`: stopped after `timeoutMs` (reason EXEC_TIMEOUT).
 * - `refused`: never started, for example a parameter the transport cannot carry (EXEC_PARAM_INVALID).
 * - `transport-error`: the connection broke or the remote runner failed (EXEC_CONNECTION_LOST, …).
 */
export interface StepOutcome {
  key: string;
  state: 'ran' | 'timeout' | 'refused' | 'transport-error';
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** stdout or stderr was cut at the transport's output cap. */
  truncated: boolean;
  durationMs: number;
  /** Set for every state but `ran`: an EXEC_ code from exec-codes.ts. */
  reasonCode?: string;
  message?: string;
}

/** A credential from the appliance's credential store, resolved from a site's reference name. */
export interface Credential {
  /** The reference name sites use (`host.credential`). */
  name: string;
  username: string;
  /** Private key file (OpenSSH or PEM), mode 0600. */
  privateKeyPath?: string;
  /** File holding a password (first line), mode 0600. */
  passwordPath?: string;
  /** Run Linux steps through `sudo -n` (the user needs a NOPASSWD rule for bash). */
  sudo?: boolean;
}

/** Where and how to reach one host. */
export interface HostTarget {
  site: string;
  hostId: string;
  transport: 'ssh' | 'powershell-ssh' | 'winrm' | 'local';
  platform: 'linux' | 'windows';
  /** DNS name or IP; absent for local. */
  address?: string;
  port?: number;
  /** Pinned OpenSSH public key line `type base64` (ssh, powershell-ssh). */
  hostKey?: string;
  /** Pinned SHA-256 (hex) of the WinRM HTTPS certificate (winrm). */
  tlsCertSha256?: string;
  credential?: Credential;
  connectTimeoutMs: number;
}

/** An open connection to one host, reused for all of its steps in a cycle. */
export interface HostSession {
  /**
   * Runs the steps in order (batched into as few round trips as the transport allows) and returns
   * one outcome per step, in the same order. Never throws for a step's failure; a broken
   * connection gives `transport-error` outcomes for the steps that did not finish.
   */
  run(steps: readonly StepRequest[]): Promise<StepOutcome[]>;
  close(): Promise<void>;
}

/**
 * Opens sessions to hosts of the transports it serves. `open` throws an ExecError (EXEC_HOST_KEY_MISMATCH,
 * EXEC_AUTH_FAILED, EXEC_CONNECT_FAILED, …) when the host cannot be reached safely.
 */
export interface Transport {
  open(target: HostTarget): Promise<HostSession>;
  /** Frees shared resources (the long-lived pwsh). */
  close(): Promise<void>;
}
