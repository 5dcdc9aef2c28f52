import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DemoError } from '../../core/errors/demo-error.js';
import { writeFileAtomic } from '../../adapters/fs/write-file-atomic.js';

/** Where everything of one demo lives, all under one folder. */
export interface DemoLayout {
  root: string;
  /** Written first: the folder is the demo's (a half-finished first run included). */
  marker: string;
  stateFile: string;
  /** TUF keys from `writ keys init` (private keys, mode 0600). */
  keys: string;
  /** The appliance key from `writ appliance init`. */
  appliance: string;
  /** The demo's policy repository (a git work tree; the loopback server serves its .git). */
  policy: string;
  /** The demo sshd's host key and the agent's client key. */
  ssh: string;
  /** Secrets the agent reads: the push token, the SSH client key copy. */
  secrets: string;
  agentConfig: string;
  agentState: string;
  evidence: string;
  /** A fresh clone of the evidence branch, verified each run (the site reads it). */
  evidenceBranch: string;
  site: string;
  cache: string;
}

/** What a run leaves for the next one. */
export interface DemoState {
  format: 'writ-demo-state/v1';
  runs: number;
  /** Reference time of the last run (ISO); the next run is one day later. */
  last_now: string;
  /** The port the demo sshd had last time (its host entry keeps the same port when it is free). */
  ssh_port?: number;
}

const DAY_MS = 86_400_000;
const MARKER = 'WRIT-DEMO';

/**
 * The folder layout of a demo state folder.
 *
 * @example
 * demoLayout('/home/me/writ/.writ-demo').keys; // '/home/me/writ/.writ-demo/keys'
 */
export function demoLayout(root: string): DemoLayout {
  return {
    root, marker: join(root, MARKER), stateFile: join(root, 'demo-state.json'), keys: join(root, 'keys'), appliance: join(root, 'appliance'),
    policy: join(root, 'policy'), ssh: join(root, 'ssh'), secrets: join(root, 'secrets'), agentConfig: join(root, 'agent.yaml'),
    agentState: join(root, 'agent-state'), evidence: join(root, 'evidence'), evidenceBranch: join(root, 'evidence-branch'),
    site: join(root, 'site'), cache: join(root, 'cache'),
  };
}

/**
 * Opens (or creates, mode 0700, with a WRIT-DEMO marker file) the state folder and reads the last
 * run's state (none after a first run that did not finish). A folder that exists, is not empty and
 * holds no marker was not made by the demo: it is refused, so the demo never writes into someone's
 * files.
 *
 * @example
 * const { layout, state } = openDemoState('/tmp/demo'); // state undefined on the first run
 */
export function openDemoState(root: string): { layout: DemoLayout; state: DemoState | undefined } {
  const layout = demoLayout(root);
  if (existsSync(root)) {
    if (!statSync(root).isDirectory()) {
      throw new DemoError('DEMO_STATE_INVALID', `${root} is a file, not a folder`, { hint: 'Pass --state with a folder the demo may create or reuse.' });
    }
    if (!existsSync(layout.marker) && readdirSync(root).length > 0) {
      throw new DemoError('DEMO_STATE_INVALID', `${root} is not empty and was not made by writ demo (no ${MARKER})`, {
        hint: 'Pass --state with a new or empty folder, or the folder an earlier writ demo made.',
      });
    }
  }
  try {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    // Keys and tokens live here: private to this user, also when the folder already existed empty.
    chmodSync(root, 0o700);
    // Marks the folder as the demo's before anything else goes in, so a run that stops half-way
    // leaves a folder the next run still recognises.
    if (!existsSync(layout.marker)) writeFileSync(layout.marker, 'This folder was made by writ demo; remove it to start the demo over.\n', { mode: 0o600 });
  } catch (e) {
    throw new DemoError('DEMO_STATE_INVALID', `cannot create the state folder ${root}: ${(e as Error).message}`, { hint: 'Pass --state with a folder you can write.', cause: e });
  }
  if (!existsSync(layout.stateFile)) return { layout, state: undefined };
  let state: DemoState;
  try {
    state = JSON.parse(readFileSync(layout.stateFile, 'utf8')) as DemoState;
  } catch (e) {
    throw new DemoError('DEMO_STATE_INVALID', `${layout.stateFile} is not readable JSON`, { hint: `Remove ${root} to start the demo over.`, cause: e });
  }
  if (state?.format !== 'writ-demo-state/v1' || !Number.isInteger(state.runs) || Number.isNaN(Date.parse(state.last_now))) {
    throw new DemoError('DEMO_STATE_INVALID', `${layout.stateFile} is not a writ demo state file`, { hint: `Remove ${root} to start the demo over.` });
  }
  return { layout, state };
}

/**
 * The reference time of this run: an explicit time when given, otherwise one day after the last
 * run, otherwise the clock. Every stage (keys, release, agent, evidence) uses it, so each run adds
 * one day of evidence.
 *
 * @example
 * demoNow({ runs: 1, last_now: '2026-11-18T16:00:00.000Z', format: 'writ-demo-state/v1' }, undefined, clock);
 * // 2026-11-19T16:00:00.000Z
 */
export function demoNow(state: DemoState | undefined, explicit: Date | undefined, clock: () => Date): Date {
  if (explicit) return explicit;
  if (state) return new Date(Date.parse(state.last_now) + DAY_MS);
  return clock();
}

/** Writes the state for the next run (atomically, mode 0600). */
export function saveDemoState(layout: DemoLayout, state: DemoState): void {
  writeFileAtomic(layout.stateFile, JSON.stringify(state, null, 2) + '\n', 0o600);
}
