import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_T0, startAgentLab, type AgentLab } from '../../fixtures/agent/agent-lab.js';
import { requireSshTools, startSshd, type TestSshd } from '../../../testkit/sshd.js';

// The agent as a service: it loops, logs each cycle, and stops cleanly on SIGTERM.

const BIN = join(import.meta.dirname, '../../../cli/bin/writ.js');

let sshd: TestSshd;
let lab: AgentLab;
beforeAll(async () => {
  requireSshTools();
  sshd = await startSshd();
  lab = await startAgentLab(sshd);
  lab.writeConfig({ poll: { interval_seconds: 30, jitter_seconds: 0 } });
});
afterAll(async () => {
  await lab?.cleanup();
  await sshd?.stop();
});

describe('writ agent without --once', () => {
  it('runs a cycle, waits for the next, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'agent', '--config', lab.configPath, '--log', 'json'], {
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/root', WRIT_NOW: LAB_T0 },
    });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no cycle_done within 60 s: ${stderr}`)), 60_000);
      child.stderr.on('data', (d) => {
        stderr += String(d);
        if (stderr.includes('"event":"cycle_done"')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(15_000);
    const events = stderr.trim().split('\n').map((l) => (JSON.parse(l) as { event: string }).event);
    expect(events).toContain('stopping');
    expect(events.filter((e) => e === 'cycle_start')).toHaveLength(1);
    expect(lab.host.read('etc/ssh/sshd_config')).toMatch(/^# managed by writ LIN-SSH-001\n/);
  });
});
