import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CycleReport } from '../../../core/engine/cycle-report.js';
import { LAB_T0, startAgentLab, type AgentLab } from '../../fixtures/agent/agent-lab.js';
import { runGit } from '../../../testkit/git-http-server.js';
import { requireSshTools, startSshd, type TestSshd } from '../../../testkit/sshd.js';

// The release source misbehaves (down, dies mid-fetch, rolled back, frozen, never reachable) and the
// agent keeps enforcing the last release it verified, saying how stale it is; one agent per state dir.

const at = (seconds: number) => new Date(Date.parse(LAB_T0) + seconds * 1000).toISOString();
const DRIFTED = 'Port 22\nPermitRootLogin yes\nPasswordAuthentication no\n';
const report = (stdout: string) => JSON.parse(stdout) as CycleReport;

let sshd: TestSshd;
let lab: AgentLab;
const source = () => ({ url: lab.server.url('policy/.git'), branch: 'writ/releases', timeout_seconds: 20, token_file: join(lab.top, 'credentials', 'git-token') });
const drift = () => writeFileSync(lab.host.path('etc/ssh/sshd_config'), DRIFTED);

beforeAll(async () => {
  requireSshTools();
  sshd = await startSshd();
  lab = await startAgentLab(sshd, { token: 'lab-token-0123456789abcdef' });
});
afterAll(async () => {
  await lab?.cleanup();
  await sshd?.stop();
});

describe('release source faults', () => {
  it('verifies release 1 over smart HTTP with the token from token_file', async () => {
    const run = await lab.agent(['--once', '--now', LAB_T0, '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    expect(report(run.stdout).release).toMatchObject({ state: 'new', version: 1, age_seconds: 0 });
    expect(lab.server.requests.some((r) => r.path.includes('git-upload-pack') && r.status === 200)).toBe(true);
    expect(run.stderr).not.toContain('lab-token-0123456789abcdef');
  });

  it('source down: keeps enforcing release 1, heals, reports staleness; exit 1', async () => {
    drift();
    lab.writeConfig({ source: { ...source(), url: 'http://127.0.0.1:1/policy/.git' } });
    const run = await lab.agent(['--once', '--now', at(3600), '--format', 'json']);
    expect(run.code).toBe(1);
    const r = report(run.stdout);
    expect(r.release).toMatchObject({ state: 'stale', version: 1, reason_code: 'AGT_SOURCE_UNREACHABLE', age_seconds: 3600 });
    expect(r.healing_allowed).toBe(true);
    expect(r.hosts[0]!.rules[0]!.remediation!.outcome).toBe('healed');
    const stale = run.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['event'] === 'release_stale');
    expect(stale).toMatchObject({ reason_code: 'AGT_SOURCE_UNREACHABLE', staleness_seconds: 3600, release_version: 1 });
    lab.writeConfig({ source: source() });
  });

  it('a server that dies mid-fetch leaves release 1 in force; the next fetch gets release 2', async () => {
    (lab.site['rules'] as { params?: Record<string, unknown> }[])[0]!.params!['reload'] = false;
    lab.site['description'] = 'release 2';
    expect(lab.release(at(4000)).code).toBe(0);
    lab.server.failAfterBytes = 600;
    const cut = await lab.agent(['--once', '--now', at(4100), '--format', 'json']);
    lab.server.failAfterBytes = undefined;
    expect(lab.server.requests.some((r) => r.aborted)).toBe(true);
    expect(report(cut.stdout).release).toMatchObject({ state: 'stale', version: 1, reason_code: 'AGT_SOURCE_UNREACHABLE' });
    const ok = await lab.agent(['--once', '--now', at(4200), '--format', 'json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(report(ok.stdout).release).toMatchObject({ state: 'new', version: 2 });
  });

  it('a release branch rolled back to release 1 is refused (REL_ROLLBACK); release 2 stays in force', async () => {
    const tip = runGit(lab.policy, ['rev-parse', 'writ/releases']).trim();
    const previous = runGit(lab.policy, ['rev-parse', 'writ/releases~1']).trim();
    runGit(lab.policy, ['update-ref', 'refs/heads/writ/releases', previous]);
    try {
      drift();
      const run = await lab.agent(['--once', '--now', at(4300), '--format', 'json']);
      const r = report(run.stdout);
      expect(r.release).toMatchObject({ state: 'stale', version: 2, reason_code: 'AGT_RELEASE_REFUSED', cause: { code: 'REL_ROLLBACK' } });
      expect(r.hosts[0]!.rules[0]!.remediation!.outcome).toBe('healed');
    } finally {
      runGit(lab.policy, ['update-ref', 'refs/heads/writ/releases', tip]);
    }
  });

  it('past max age (a frozen source): checks still run, nothing is healed, exit 1', async () => {
    drift();
    const before = lab.host.snapshot();
    // Thirty days on, the served release has expired (REL_EXPIRED) and the stored one is past 168 h.
    const run = await lab.agent(['--once', '--now', at(30 * 86400), '--format', 'json']);
    expect(run.code).toBe(1);
    const r = report(run.stdout);
    expect(r.release, JSON.stringify(r.release)).toMatchObject({ state: 'too-old', version: 2, reason_code: 'AGT_RELEASE_REFUSED', cause: { code: 'REL_EXPIRED' } });
    expect(r.healing_allowed).toBe(false);
    const rule = r.hosts[0]!.rules[0]!;
    expect(rule).toMatchObject({ decision: 'plan-remediate', reason_code: 'AGT_RELEASE_TOO_OLD', check: { status: 'fail' } });
    expect(lab.host.snapshot()).toEqual(before);
    expect(run.stderr).toContain('"event":"release_too_old"');
  });

  it('a corrupt stored release is moved aside and the source is verified afresh', async () => {
    const stored = join(lab.stateDir, 'release', 'current.json');
    const text = readFileSync(stored, 'utf8');
    writeFileSync(stored, text.replace('"version":2', '"version":2 ').replace(/"site":\{/, '"site":{"x":1,'));
    const run = await lab.agent(['--once', '--now', at(4400), '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(`${stored}.corrupt`)).toBe(true);
    expect(report(run.stdout).release).toMatchObject({ version: 2 });
    expect(run.stderr).toContain('AGT_STATE_CORRUPT');
  });

  it('with no release ever verified and the source down, nothing runs: AGT_NO_RELEASE, exit 1', async () => {
    const fresh = join(lab.top, 'state-fresh');
    lab.writeConfig({ state_dir: fresh, source: { ...source(), url: 'http://127.0.0.1:1/policy/.git' } });
    try {
      const run = await lab.agent(['--once', '--now', at(4500), '--format', 'json']);
      expect(run.code).toBe(1);
      const r = report(run.stdout);
      expect(r.release).toMatchObject({ state: 'none', reason_code: 'AGT_SOURCE_UNREACHABLE' });
      expect(r.hosts).toEqual([]);
      expect(run.stderr).toContain('AGT_NO_RELEASE');
    } finally {
      lab.writeConfig({ source: source() });
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});

describe('one agent per state dir', () => {
  it('refuses to start while a live process holds the lock (AGT_LOCKED, exit 2)', async () => {
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    writeFileSync(join(lab.stateDir, 'agent.lock'), `${holder.pid}\n`);
    try {
      const run = await lab.agent(['--once', '--now', at(5000)]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('AGT_LOCKED');
      expect(run.stderr).toContain(`pid ${holder.pid}`);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('takes over a lock whose process is gone', async () => {
    writeFileSync(join(lab.stateDir, 'agent.lock'), '999999\n');
    const run = await lab.agent(['--once', '--now', at(5100)]);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(lab.stateDir, 'agent.lock'))).toBe(false);
  });
});

describe('bad config', () => {
  it('reports every problem with file and line, starts nothing, exit 2', async () => {
    writeFileSync(lab.configPath, [
      'apiVersion: writ/v1', 'kind: AgentConfig', 'site: clinic-lab',
      'source:', '  url: http://git.example.com/policy.git', `trust_root: ${join(lab.keys, 'root.json')}`,
      `appliance_key: ${lab.applianceKey}`, `state_dir: ${lab.stateDir}`, `evidence_dir: ${lab.evidenceDir}`,
      'concurency: 4', '',
    ].join('\n'));
    try {
      const run = await lab.agent(['--once', '--now', at(5200)]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${lab.configPath}:5:8`);
      expect(run.stderr).toContain(`${lab.configPath}:10:1`);
      expect(run.stderr).toContain('Did you mean `concurrency`?');
      expect(run.stderr).toContain('AGT_CONFIG_INVALID');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      lab.writeConfig({ source: source() });
    }
  });

  it('names a missing trust root and a credential other users can read', async () => {
    const key = join(lab.top, 'credentials', 'lab-admin.key');
    lab.writeConfig({ source: source(), trust_root: join(lab.top, 'missing-root.json') });
    chmodSync(key, 0o644);
    try {
      const run = await lab.agent(['--once', '--now', at(5300)]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('missing-root.json');
      expect(run.stderr).toContain('AGT_CREDENTIAL_INSECURE');
      expect(run.stderr).toContain(`chmod 600 ${key}`);
    } finally {
      chmodSync(key, 0o600);
      lab.writeConfig({ source: source() });
    }
  });
});
