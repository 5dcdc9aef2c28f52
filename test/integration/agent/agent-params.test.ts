import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, chownSync, statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CycleReport } from '../../../core/engine/cycle-report.js';
import { LAB_T0, startAgentLab, type AgentLab } from '../../fixtures/agent/agent-lab.js';
import { requireSshTools, startSshd, TEST_USER, type TestSshd } from '../../../testkit/sshd.js';

// Parameter values written in a site file travel through validate, release, bundle, verify, the
// agent and SSH as data: a path full of shell syntax is healed byte for byte and nothing in it runs.

const at = (seconds: number) => new Date(Date.parse(LAB_T0) + seconds * 1000).toISOString();
const DRIFTED = 'Port 22\nPermitRootLogin yes\nPasswordAuthentication no\n';
const report = (stdout: string) => JSON.parse(stdout) as CycleReport;

let sshd: TestSshd;
let lab: AgentLab;
let canary: string;
let hostileDir: string;

beforeAll(async () => {
  requireSshTools();
  sshd = await startSshd();
  lab = await startAgentLab(sshd);
  // A folder name cannot hold '/', so the injected commands touch a file in the SSH user's home.
  const home = execFileSync('getent', ['passwd', TEST_USER]).toString().split(':')[5]!;
  const mark = `writ-agent-canary-${process.pid}`;
  canary = join(home, mark);
  // One folder name holding quotes, ;, $(), backticks, CR, U+2028, dashes, curly quotes and an
  // option look-alike; each would run or split something if it were ever spliced into a command.
  const name = `we'ird "dir"; $(cd; touch ${mark}) \`cd; touch ${mark}\` \r\u2028 \u2013\u2014 \u201cq\u201d \u2018s\u2019 --rf -e`;
  hostileDir = join(lab.host.path('etc'), name);
  mkdirSync(hostileDir);
  writeFileSync(join(hostileDir, 'sshd_config'), DRIFTED);
  const { uid, gid } = statSync(lab.host.path('etc'));
  chownSync(hostileDir, uid, gid);
  chownSync(join(hostileDir, 'sshd_config'), uid, gid);
});
afterAll(async () => {
  await lab?.cleanup();
  await sshd?.stop();
});

describe('hostile parameter values from a site file', () => {
  it('arrive byte-identical: the file at the hostile path is healed, nothing ran', async () => {
    const rules = lab.site['rules'] as { params: Record<string, unknown> }[];
    rules[0]!.params['sshd_config'] = join(hostileDir, 'sshd_config');
    const rel = lab.release(at(10));
    expect(rel.code, rel.stderr + rel.stdout).toBe(0);
    const run = await lab.agent(['--once', '--now', at(20), '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const rule = report(run.stdout).hosts[0]!.rules[0]!;
    expect(rule.remediation!.outcome).toBe('healed');
    expect(readFileSync(join(hostileDir, 'sshd_config'), 'utf8')).toMatch(/^# managed by writ LIN-SSH-001\nPermitRootLogin no\n/);
    // The default path was not touched and the canary never appeared.
    expect(lab.host.read('etc/ssh/sshd_config')).toBe(DRIFTED);
    expect(existsSync(canary)).toBe(false);
  });

  it('a value that cannot travel as data (NUL) is never sent: the check is an error, not a pass', async () => {
    const rules = lab.site['rules'] as { params: Record<string, unknown> }[];
    rules[0]!.params['sshd_config'] = `${lab.host.path('etc/ssh/sshd_config')}\u0000; touch ${canary}`;
    const rel = lab.release(at(30));
    if (rel.code !== 0) {
      // Refused before release is as good: nothing reaches a host.
      console.log('NUL refused at release:', (rel.stderr + rel.stdout).slice(0, 300));
      expect(rel.stderr + rel.stdout).toMatch(/sshd_config/);
      return;
    }
    const run = await lab.agent(['--once', '--now', at(40), '--format', 'json']);
    expect(run.code).toBe(1);
    const rule = report(run.stdout).hosts[0]!.rules[0]!;
    expect(rule.decision).toBe('check-error');
    expect(rule.check.reason_code).toBe('EXEC_PARAM_INVALID');
    expect(rule.remediation).toBeUndefined();
    expect(existsSync(canary)).toBe(false);
    expect(lab.host.read('etc/ssh/sshd_config')).toBe(DRIFTED);
  });
});
