import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { emptyAgentState, parseAgentState, type AgentState } from '../core/engine/agent-state.js';
import { writeFileAtomic } from '../adapters/fs/write-file-atomic.js';
import type { StateStore } from './run-host.js';

const FILE = 'agent-state.json';

/**
 * The agent's cooldowns and incidents in `<stateDir>/agent-state.json`, written durably (fsync,
 * rename) on every change so a crash never loses an attempt it made. A file that cannot be read is
 * moved aside (`.corrupt`) and the agent starts that state afresh, saying so in `problem`.
 *
 * @example
 * const { store, problem } = openStateFile('/var/lib/writ');
 */
export function openStateFile(stateDir: string): { store: StateStore; problem?: string } {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const path = join(stateDir, FILE);
  let state = emptyAgentState();
  let problem: string | undefined;
  if (existsSync(path)) {
    let parsed: ReturnType<typeof parseAgentState> | undefined;
    try {
      parsed = parseAgentState(JSON.parse(readFileSync(path, 'utf8')));
    } catch (e) {
      parsed = { problem: (e as Error).message };
    }
    if ('state' in parsed) state = parsed.state;
    else {
      renameSync(path, `${path}.corrupt`);
      problem = `${path} could not be read (${parsed.problem}); moved to ${path}.corrupt`;
    }
  }
  const store: StateStore = {
    get: () => state,
    update(change) {
      const next = change(state);
      if (next === state) return;
      writeFileAtomic(path, JSON.stringify(next), 0o600);
      state = next;
    },
  };
  return problem === undefined ? { store } : { store, problem };
}

export type { AgentState };
