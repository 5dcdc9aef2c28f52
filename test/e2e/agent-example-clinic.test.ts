import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { CycleReport } from '../../core/engine/cycle-report.js';
import { commitFiles, runGit, startGitHttpServer, type GitHttpServer } from '../../testkit/git-http-server.js';
import { runCli, runCliAsync } from '../helpers/run-cli.js';
import { scratchRoot } from '../helpers/run-linux-runbook.js';
import { requireSshTools, startSshd, type TestSshd } from '../../testkit/sshd.js';

// The example clinic of this repository (sites/clinic-northside.yaml) with every policy, runbook and
// framework as they are, released and served over smart HTTP; its Linux hosts are redirected to a
// loopback sshd (each with its own scratch sshd_config, drifted) and its Windows workstation to a
// closed loopback port. One `writ agent --once` heals the drift and records it.

const ROOT = join(import.meta.dirname, '../..');
const NOW = '2026-11-18T16:00:00Z';
const DRIFTED = 'Port 22\nPermitRootLogin yes\n';

function repoFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[relative(ROOT, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(join(ROOT, dir));
  return out;
}

let sshd: TestSshd;
let server: GitHttpServer;
let top: string;
let config: string;
const roots: Record<string, ReturnType<typeof scratchRoot>> = {};

beforeAll(async () => {
  requireSshTools();
  sshd = await startSshd();
  top = mkdtempSync(join(tmpdir(), 'writ-e2e-clinic-'));
  const keys = join(top, 'keys');
  expect(runCli(['keys', 'init', '--dir', keys, '--now', NOW]).code).toBe(0);
  const appl = runCli(['appliance', 'init', '--site', 'clinic-northside', '--dir', join(top, 'appliance')]);
  expect(appl.code).toBe(0);

  const files = { ...repoFiles('policies'), ...repoFiles('runbooks'), ...repoFiles('frameworks'), ...repoFiles('sites') };
  const site = parse(files['sites/clinic-northside.yaml']!) as { appliances: Record<string, string>[]; hosts: Record<string, unknown>[] };
  site.appliances[0]!['encryption_key'] = /encryption_key: (\S+)/.exec(appl.stdout)![1]!;
  site.appliances[0]!['signing_key'] = /signing_key: (\S+)/.exec(appl.stdout)![1]!;
  for (const host of site.hosts) {
    host['address'] = '127.0.0.1';
    if (host['platform'] === 'windows') {
      host['port'] = 1;
      continue;
    }
    const root = scratchRoot({ 'etc/ssh/sshd_config': DRIFTED, 'rollback/.keep': '' });
    roots[String(host['id'])] = root;
    host['port'] = sshd.port;
    host['host_key'] = sshd.hostKey;
    host['rules'] = [{ rule: 'L1-LIN-SSH-001', params: { sshd_config: root.path('etc/ssh/sshd_config'), state_dir: root.path('rollback'), reload: false } }];
  }
  files['sites/clinic-northside.yaml'] = stringify(site);
  commitFiles(join(top, 'policy'), files, 'example policy');
  const rel = runCli(['release', '--repo', join(top, 'policy'), '--keys', keys, '--now', NOW]);
  expect(rel.code, rel.stderr + rel.stdout).toBe(0);
  server = await startGitHttpServer({ projectRoot: top });

  const creds = join(top, 'credentials');
  mkdirSync(creds, { mode: 0o700 });
  for (const name of ['northside-linux-admin', 'northside-windows-admin']) {
    copyFileSync(sshd.clientKey, join(creds, name));
    chmodSync(join(creds, name), 0o600);
  }
  config = join(top, 'agent.yaml');
  writeFileSync(config, stringify({
    apiVersion: 'writ/v1', kind: 'AgentConfig', site: 'clinic-northside', appliance: 'northside-appl-1',
    source: { url: server.url('policy/.git') },
    trust_root: join(keys, 'root.json'), appliance_key: join(top, 'appliance', 'appliance.key'),
    state_dir: join(top, 'state'), evidence_dir: join(top, 'evidence'), connect_timeout_seconds: 5,
    evidence_push: {},
    credentials: {
      'northside-linux-admin': { username: sshd.user, private_key_file: join(creds, 'northside-linux-admin') },
      'northside-windows-admin': { username: sshd.user, private_key_file: join(creds, 'northside-windows-admin') },
    },
  }));
}, 240_000); // releases the whole repository: a cold shellcheck on a fresh machine
afterAll(async () => {
  await server?.stop();
  await sshd?.stop();
  for (const r of Object.values(roots)) r.cleanup();
  if (top) rmSync(top, { recursive: true, force: true });
});

describe('writ agent --once against the example clinic', () => {
  it('heals the drifted Linux hosts, reports the unreachable workstation, records the cycle', async () => {
    const run = await runCliAsync(['agent', '--config', config, '--once', '--now', NOW, '--format', 'json'], { env: { WRIT_LOG: 'json' } });
    expect(run.code, run.stderr).toBe(1); // the workstation could not be reached
    const report = JSON.parse(run.stdout) as CycleReport;
    expect(report).toMatchObject({ site: 'clinic-northside', appliance: 'northside-appl-1', release: { state: 'new', version: 1 } });
    for (const id of ['ehr-db-01', 'pacs-archive-01', 'files-01']) {
      const host = report.hosts.find((h) => h.host === id)!;
      expect(host.reachable).toBe(true);
      const ssh = host.rules.find((r) => r.rule === 'L1-LIN-SSH-001')!;
      expect(ssh).toMatchObject({ mode: 'enforce', decision: 'remediate', remediation: { outcome: 'healed' } });
      expect(roots[id]!.read('etc/ssh/sshd_config')).toMatch(/^# managed by writ LIN-SSH-001\nPermitRootLogin no\n/);
      // The other rules of the clinic ran too; none of them is reported compliant without a check.
      for (const rule of host.rules) expect(rule.check.status).not.toBe('not-run');
    }
    const ntp = report.hosts.find((h) => h.host === 'pacs-archive-01')!.rules.find((r) => r.rule === 'L1-LIN-NTP-001');
    expect(ntp?.waiver?.owner).toBe('it-lead@northside-clinic.example');
    expect(report.hosts.find((h) => h.host === 'front-desk-01')).toMatchObject({ reachable: false, reason_code: 'EXEC_CONNECT_FAILED' });
    expect(report.summary.healed).toBe(3);
    expect(readdirSync(join(top, 'state', 'cycles', '2026-11-18'))).toEqual([`${report.run_id}.json`]);
    expect(run.stderr).toContain('"event":"evidence_pushed"');

    // The records landed on writ/evidence/clinic-northside and verify offline against the site file.
    const clone = join(top, 'evidence-clone');
    runGit(top, ['clone', '--quiet', '--branch', 'writ/evidence/clinic-northside', join(top, 'policy'), clone]);
    expect(readdirSync(join(clone, 'clinic-northside', 'northside-appl-1')).sort()).toEqual(['2026-11-18.jsonl', 'checkpoints.jsonl']);
    const verified = runCli(['evidence', 'verify', '--dir', clone, '--keys', join(top, 'policy', 'sites', 'clinic-northside.yaml')]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toContain('clinic-northside/northside-appl-1: verified through');
    // Nothing a host printed reaches the evidence unscrubbed, and no secret is in it.
    const text = readFileSync(join(clone, 'clinic-northside', 'northside-appl-1', '2026-11-18.jsonl'), 'utf8');
    const statements = text.trim().split('\n').map((l) => JSON.parse(Buffer.from((JSON.parse(l) as { payload: string }).payload, 'base64').toString('utf8')) as { kind: string; host?: string; result?: { outcome?: string } });
    expect(statements[0]!.kind).toBe('cycle');
    expect(statements.filter((s) => s.kind === 'remediation' && s.result?.outcome === 'healed').map((s) => s.host).sort()).toEqual(['ehr-db-01', 'files-01', 'pacs-archive-01']);
    expect(text).not.toContain('PRIVATE KEY');
  });
});
