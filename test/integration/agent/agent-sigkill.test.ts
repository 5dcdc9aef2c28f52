import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAgentState } from '../../../core/engine/agent-state.js';
import { LAB_T0, startAgentLab, type AgentLab } from '../../fixtures/agent/agent-lab.js';
import { runCli } from '../../helpers/run-cli.js';
import { requireSshTools, startSshd, type TestSshd } from '../../../testkit/sshd.js';

// The agent is killed with SIGKILL at random moments of a cycle that heals; the next full cycle must
// converge: the host holds exactly one managed change, the state files still parse, the lock is
// taken over, and nothing is applied twice.

const BIN = join(import.meta.dirname, '../../../cli/bin/writ.js');
const DRIFTED = 'Port 22\nPermitRootLogin yes\nPasswordAuthentication no\n';
const ROUNDS = 8;

/** Small deterministic PRNG (mulberry32) so a failing kill schedule can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs one agent cycle and SIGKILLs it `afterMs` after start, or, with `afterEvent`, that long after
 * the agent logs that event (to land inside the few hundred milliseconds a heal takes).
 */
function killedRun(lab: AgentLab, afterMs: number, afterEvent?: string): Promise<{ stderr: string; signal: string | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'agent', '--config', lab.configPath, '--once', '--now', LAB_T0], {
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/root', WRIT_LOG: 'json' },
    });
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const arm = () => (timer ??= setTimeout(() => child.kill('SIGKILL'), afterMs));
    child.stderr.on('data', (d) => {
      stderr += String(d);
      if (afterEvent && stderr.includes(`"event":"${afterEvent}"`)) arm();
    });
    if (!afterEvent) arm();
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      resolve({ stderr, signal });
    });
  });
}

let sshd: TestSshd;
let lab: AgentLab;
beforeAll(async () => {
  requireSshTools();
  sshd = await startSshd();
  lab = await startAgentLab(sshd, { rule: { cooldown_seconds: 0, max_retries: 10 } });
});
afterAll(async () => {
  await lab?.cleanup();
  await sshd?.stop();
});

describe('SIGKILL at any point of a healing cycle', () => {
  it(`converges after ${ROUNDS} kills with no duplicate change`, async () => {
    const random = prng(20261128);
    const landed = { beforeHeal: 0, midHeal: 0, afterHeal: 0, finished: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      writeFileSync(lab.host.path('etc/ssh/sshd_config'), DRIFTED);
      // Odd rounds aim inside the heal (after heal_start); even rounds anywhere in the cycle.
      const killed = round % 2 === 1
        ? await killedRun(lab, Math.floor(random() * 300), 'heal_start')
        : await killedRun(lab, 150 + Math.floor(random() * 3000));
      if (killed.signal !== 'SIGKILL') landed.finished++;
      else if (!killed.stderr.includes('"heal_start"')) landed.beforeHeal++;
      else if (!killed.stderr.includes('"healed"')) landed.midHeal++;
      else landed.afterHeal++;

      const run = await lab.agent(['--once', '--now', LAB_T0, '--format', 'json']);
      expect(run.code, `round ${round}: ${run.stderr}`).toBe(0);
      const text = lab.host.read('etc/ssh/sshd_config');
      expect(text.match(/^# managed by writ LIN-SSH-001$/gm), text).toHaveLength(1);
      expect(text.match(/^PermitRootLogin no$/gm), text).toHaveLength(1);
      expect(text.startsWith('# managed by writ LIN-SSH-001\nPermitRootLogin no\n'), text).toBe(true);
      expect(text.slice(text.indexOf('\n', text.indexOf('PermitRootLogin no')) + 1)).toBe(DRIFTED);
      const state = parseAgentState(JSON.parse(readFileSync(join(lab.stateDir, 'agent-state.json'), 'utf8')));
      expect('state' in state, JSON.stringify(state)).toBe(true);
    }
    // The signed evidence chain survived every kill: it verifies (torn tails quarantined and recorded).
    const verified = runCli(['evidence', 'verify', '--dir', lab.evidenceDir, '--keys', join(lab.policy, 'sites/clinic-lab.yaml')]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/verified through \d+/);
    // Every plain cycle report on disk is whole JSON (written by rename, never torn).
    const days = join(lab.stateDir, 'cycles');
    for (const day of readdirSync(days)) for (const f of readdirSync(join(days, day))) JSON.parse(readFileSync(join(days, day, f), 'utf8'));
    console.log(`SIGKILL rounds: ${JSON.stringify(landed)}`);
    expect(landed.beforeHeal + landed.midHeal + landed.afterHeal + landed.finished).toBe(ROUNDS);
  }, 300_000); // 16 agent processes; minutes on a loaded 2-core runner
});
