import { chmodSync, chownSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CycleReport } from '../../../core/engine/cycle-report.js';
import { LAB_T0, startAgentLab, type AgentLab } from '../../fixtures/agent/agent-lab.js';
import { runCli } from '../../helpers/run-cli.js';
import { requireSshTools, startSshd, type TestSshd } from '../../../testkit/sshd.js';

// `writ agent --once` as a process, against a real loopback sshd and a release served by a real
// git http-backend: heal, converge, audit, unreachable hosts, failed heals and escalation.

const at = (seconds: number) => new Date(Date.parse(LAB_T0) + seconds * 1000).toISOString();
const DRIFTED = 'Port 22\nPermitRootLogin yes\nPasswordAuthentication no\n';

function records(lab: AgentLab): CycleReport[] {
  const out: CycleReport[] = [];
  const base = join(lab.stateDir, 'cycles');
  for (const day of readdirSync(base).sort()) {
    for (const f of readdirSync(join(base, day)).sort()) out.push(JSON.parse(readFileSync(join(base, day, f), 'utf8')) as CycleReport);
  }
  return out;
}

function report(stdout: string): CycleReport {
  return JSON.parse(stdout) as CycleReport;
}

let sshd: TestSshd;
beforeAll(async () => {
  requireSshTools();
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

describe('enforce: a drifted host is healed once and then left alone', () => {
  let lab: AgentLab;
  beforeAll(async () => {
    lab = await startAgentLab(sshd);
  });
  afterAll(async () => lab?.cleanup());

  it('heals the drift: fresh check, remediate, re-check; records it; exit 0', async () => {
    const run = await lab.agent(['--once', '--now', LAB_T0, '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const r = report(run.stdout);
    expect(r.release).toMatchObject({ state: 'new', version: 1 });
    const rule = r.hosts[0]!.rules[0]!;
    expect(rule).toMatchObject({ rule: 'L1-LIN-SSH-001', mode: 'enforce', decision: 'remediate', check: { status: 'fail', observed: { permit_root_login: 'yes' } } });
    expect(rule.remediation).toMatchObject({ runbook: 'LIN-SSH-001', attempt: 1, outcome: 'healed' });
    expect(rule.remediation!.steps.map((s) => [s.step, s.state, s.status])).toEqual([
      ['fresh-check', 'ran', 'fail'], ['remediate', 'ran', undefined], ['re-check', 'ran', 'pass'],
    ]);
    expect(rule.remediation!.steps.every((s) => /^[0-9a-f]{64}$/.test(s.script_sha256))).toBe(true);
    expect(lab.host.read('etc/ssh/sshd_config')).toMatch(/^# managed by writ LIN-SSH-001\nPermitRootLogin no\n/);
    // Recorded for evidence, with the release that produced it.
    const recorded = records(lab);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.run_id).toBe(r.run_id);
    expect(recorded[0]!.release.digest).toMatch(/^[0-9a-f]{64}$/);
    // The signed evidence verifies offline against the site file's appliance key.
    const verified = runCli(['evidence', 'verify', '--dir', lab.evidenceDir, '--keys', join(lab.policy, 'sites/clinic-lab.yaml'), '--format', 'json']);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    const chains = (JSON.parse(verified.stdout) as { chains: { records: number; verified_through: number; problems: unknown[] }[] }).chains;
    expect(chains).toHaveLength(1);
    expect(chains[0]!.records).toBeGreaterThanOrEqual(3); // cycle, check, remediation
    expect(chains[0]!.verified_through).toBe(chains[0]!.records - 1);
  });

  it('logs JSON lines carrying event, run_id, site, host and the release', async () => {
    const run = await lab.agent(['--once', '--now', at(10)]);
    const lines = run.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const ruleDone = lines.find((l) => l['event'] === 'rule_done')!;
    expect(ruleDone).toMatchObject({ site: 'clinic-lab', host: 'lab-linux-01', release_version: 1, rule: 'L1-LIN-SSH-001', decision: 'compliant' });
    expect(ruleDone['run_id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(ruleDone['release_digest']).toMatch(/^[0-9a-f]{64}$/);
    expect(lines.map((l) => l['event'])).toEqual(expect.arrayContaining(['cycle_start', 'release_verified', 'cycle_done']));
  });

  it('a second cycle finds it compliant and changes nothing', async () => {
    const before = lab.host.snapshot();
    const run = await lab.agent(['--once', '--now', at(20), '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const rule = report(run.stdout).hosts[0]!.rules[0]!;
    expect(rule.decision).toBe('compliant');
    expect(rule.remediation).toBeUndefined();
    expect(lab.host.snapshot()).toEqual(before);
  });

  it('prints a readable summary by default', async () => {
    const run = await lab.agent(['--once', '--now', at(30)]);
    expect(run.stdout).toMatch(/^writ agent: site clinic-lab, release 1 \(current\)/);
    expect(run.stdout).toContain('1 check(s): 1 compliant, 0 drift, 0 error(s)');
  });
});

describe('audit: drift is planned, never healed', () => {
  let lab: AgentLab;
  beforeAll(async () => {
    lab = await startAgentLab(sshd, { mode: 'audit' });
  });
  afterAll(async () => lab?.cleanup());

  it('records plan-remediate, leaves the host as it was, exits 1', async () => {
    const before = lab.host.snapshot();
    const run = await lab.agent(['--once', '--now', LAB_T0, '--format', 'json']);
    expect(run.code, run.stderr).toBe(1);
    const rule = report(run.stdout).hosts[0]!.rules[0]!;
    expect(rule).toMatchObject({ mode: 'audit', decision: 'plan-remediate', reason_code: 'AGT_AUDIT_ONLY' });
    expect(rule.remediation).toBeUndefined();
    expect(lab.host.snapshot()).toEqual(before);
  });
});

describe('hosts that cannot be reached are reported, never compliant; the others are kept', () => {
  let lab: AgentLab;
  beforeAll(async () => {
    const wrongKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk0nqhIvJ1W4fT2pPvbqZPbXB6yGkqR6fXWAbTL7Hc3';
    lab = await startAgentLab(sshd, {
      extraHosts: [
        { id: 'lab-closed-port', address: '127.0.0.1', port: 1, platform: 'linux', transport: 'ssh', host_key: sshd.hostKey, credential: 'lab-admin' },
        { id: 'lab-impostor', address: '127.0.0.1', port: sshd.port, platform: 'linux', transport: 'ssh', host_key: wrongKey, credential: 'lab-admin' },
        { id: 'lab-no-credential', address: '127.0.0.1', port: sshd.port, platform: 'linux', transport: 'ssh', host_key: sshd.hostKey, credential: 'not-in-store' },
      ],
    });
  });
  afterAll(async () => lab?.cleanup());

  it('heals the reachable host and reports each other with its reason; exit 1', async () => {
    const run = await lab.agent(['--once', '--now', LAB_T0, '--format', 'json']);
    expect(run.code, run.stderr).toBe(1);
    const r = report(run.stdout);
    const byId = new Map(r.hosts.map((h) => [h.host, h]));
    expect(byId.get('lab-linux-01')!.rules[0]!.remediation!.outcome).toBe('healed');
    expect(byId.get('lab-closed-port')).toMatchObject({ reachable: false, reason_code: 'EXEC_CONNECT_FAILED' });
    expect(byId.get('lab-impostor')).toMatchObject({ reachable: false, reason_code: 'EXEC_HOST_KEY_MISMATCH' });
    expect(byId.get('lab-no-credential')).toMatchObject({ reachable: false, reason_code: 'EXEC_CREDENTIAL_MISSING' });
    for (const id of ['lab-closed-port', 'lab-impostor', 'lab-no-credential']) {
      expect(byId.get(id)!.rules).toEqual([expect.objectContaining({ decision: 'not-checked', reason_code: 'AGT_HOST_UNREACHABLE', check: expect.objectContaining({ status: 'not-run' }) })]);
    }
    expect(r.summary).toMatchObject({ hosts: 4, hosts_unreachable: 3, healed: 1, compliant: 0 });
  });
});

describe('a heal that does not hold: rollback, cooldown across restarts, retries, escalation once', () => {
  let lab: AgentLab;
  beforeAll(async () => {
    lab = await startAgentLab(sshd, { rule: { cooldown_seconds: 300, max_retries: 2 } });
    // The host's file belongs to root: the unprivileged SSH user can read it but not change it.
    const file = lab.host.path('etc/ssh/sshd_config');
    chownSync(file, 0, 0);
    chmodSync(file, 0o644);
    chownSync(lab.host.path('etc/ssh'), 0, 0);
    chmodSync(lab.host.path('etc/ssh'), 0o755);
  });
  afterAll(async () => lab?.cleanup());

  it('attempt 1 fails and is rolled back; the host is left as it was', async () => {
    const run = await lab.agent(['--once', '--now', LAB_T0, '--format', 'json']);
    expect(run.code).toBe(1);
    const rule = report(run.stdout).hosts[0]!.rules[0]!;
    expect(rule.decision).toBe('remediate');
    expect(rule.remediation).toMatchObject({ attempt: 1, max_retries: 2 });
    expect(['rolled-back', 'rollback-failed', 'still-failing']).toContain(rule.remediation!.outcome);
    expect(rule.escalation).toBeUndefined();
    expect(lab.host.read('etc/ssh/sshd_config')).toBe(DRIFTED);
  });

  it('a restart inside the cooldown does not act again', async () => {
    const run = await lab.agent(['--once', '--now', at(60), '--format', 'json']);
    const rule = report(run.stdout).hosts[0]!.rules[0]!;
    expect(rule).toMatchObject({ decision: 'cooldown', reason_code: 'AGT_COOLDOWN' });
    expect(rule.remediation).toBeUndefined();
  });

  it('after the cooldown, attempt 2 fails and the incident is escalated', async () => {
    const run = await lab.agent(['--once', '--now', at(400), '--format', 'json']);
    const rule = report(run.stdout).hosts[0]!.rules[0]!;
    expect(rule.remediation).toMatchObject({ attempt: 2 });
    expect(rule.escalation).toMatchObject({ cause: 'retries-spent', urgency: 'high' });
    expect(rule.escalation!.incident).toBe(rule.remediation!.incident);
  });

  it('the next cycle neither heals nor escalates the same incident again', async () => {
    const run = await lab.agent(['--once', '--now', at(800), '--format', 'json']);
    const rule = report(run.stdout).hosts[0]!.rules[0]!;
    expect(rule.decision).toBe('already-escalated');
    expect(rule.remediation).toBeUndefined();
    expect(rule.escalation).toBeUndefined();
  });
});
