import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitFiles, startGitHttpServer, type GitHttpServer } from '../../testkit/git-http-server.js';
import { miniRepo } from '../helpers/mini-repo.js';
import { runCli, runCliAsync } from '../helpers/run-cli.js';

const ROOT = join(import.meta.dirname, '../..');
const T0 = '2026-03-01T10:00:00Z';
const T1 = '2026-03-01T11:00:00Z';
let top: string;
let repo: string;
let keys: string;
let appliance: string;
let server: GitHttpServer;

beforeAll(async () => {
  top = mkdtempSync(join(tmpdir(), 'writ-e2e-release-'));
  repo = join(top, 'policy');
  keys = join(top, 'keys');
  appliance = join(top, 'appliance');
  expect(runCli(['keys', 'init', '--dir', keys, '--root-keys', '3', '--root-threshold', '2', '--now', T0])).toMatchObject({ code: 0 });
  const init = runCli(['appliance', 'init', '--site', 'clinic-test', '--dir', appliance]);
  expect(init.code).toBe(0);
  const encryptionKey = /encryption_key: (\S+)/.exec(init.stdout)![1]!;
  const files = miniRepo() as Record<string, string>;
  files['sites/clinic-test.yaml'] = files['sites/clinic-test.yaml']!.replace(/encryption_key: \S+/, `encryption_key: ${encryptionKey}`);
  files['runbooks/linux/lib/writ-result.sh'] = readFileSync(join(ROOT, 'runbooks/linux/lib/writ-result.sh'), 'utf8');
  commitFiles(repo, files, 'policy');
  server = await startGitHttpServer({ projectRoot: top });
});
afterAll(async () => {
  await server?.stop();
  rmSync(top, { recursive: true, force: true });
});

describe('writ keys / appliance / release / verify', () => {
  it('keeps private keys at mode 0600', () => {
    expect(statSync(join(keys, 'targets-1.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(keys, 'root-2.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(appliance, 'appliance.key')).mode & 0o777).toBe(0o600);
  });

  it('releases the committed policy and verifies it from the folder', () => {
    const rel = runCli(['release', '--repo', repo, '--keys', keys, '--now', T0, '--format', 'json']);
    expect(rel.code, rel.stderr).toBe(0);
    expect(JSON.parse(rel.stdout)).toMatchObject({ release_version: 1, branch: 'writ/releases', sites: [{ site: 'clinic-test' }] });
    const v = runCli(['verify', '--trust', join(keys, 'root.json'), '--source', repo, '--site', 'clinic-test', '--appliance-key', join(appliance, 'appliance.key'), '--now', T1]);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/^Verified release 1 for site clinic-test/);
    expect(v.stdout).toContain('digest   sha256:');
    expect(v.stdout).toMatch(/signed +root +by \S+, \S+/);
  });

  it('verifies over smart HTTP from a real git http-backend', async () => {
    const v = await runCliAsync(['verify', '--trust', join(keys, 'root.json'), '--source', server.url('policy/.git'), '--site', 'clinic-test',
      '--appliance-key', join(appliance, 'appliance.key'), '--now', T1, '--cache-dir', join(top, 'cache'), '--format', 'json']);
    expect(v.code, v.stderr + v.stdout).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ verified: true, site: 'clinic-test', release_version: 1 });
    expect(server.requests.some((r) => r.path.includes('git-upload-pack'))).toBe(true);
  });

  it('rotates the targets key; an appliance pinned to root version 1 follows the chain', () => {
    const rot = runCli(['keys', 'rotate', '--dir', keys, '--role', 'targets', '--now', T1]);
    expect(rot.code, rot.stderr).toBe(0);
    expect(rot.stdout).toContain('root version 2');
    expect(runCli(['release', '--repo', repo, '--keys', keys, '--now', T1]).code).toBe(0);
    const v = runCli(['verify', '--trust', join(keys, 'roots', '1.root.json'), '--source', repo, '--site', 'clinic-test', '--appliance-key', join(appliance, 'appliance.key'), '--now', T1, '--format', 'json']);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    const out = JSON.parse(v.stdout) as { release_version: number; signers: { role: string; keyIds: string[] }[] };
    expect(out.release_version).toBe(2);
    const newKey = readFileSync(join(keys, 'targets-1.pub'), 'utf8').trim();
    expect(newKey).toMatch(/^[0-9a-f]{64}$/);
    expect(out.signers.find((s) => s.role === 'root')!.keyIds.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a frozen release with REL_EXPIRED and exit 1', () => {
    const v = runCli(['verify', '--trust', join(keys, 'root.json'), '--source', repo, '--site', 'clinic-test', '--appliance-key', join(appliance, 'appliance.key'), '--now', '2026-04-30T00:00:00Z']);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain('REL_EXPIRED');
    expect(v.stderr).toContain('hint:');
  });

  it('refuses to release a tree that fails validation, and releases nothing', () => {
    commitFiles(repo, { 'policies/L1-TEST-001.yaml': 'apiVersion: writ/v1\nkind: Rule\nid: L1-TEST-001\n' }, 'break a rule');
    const rel = runCli(['release', '--repo', repo, '--keys', keys, '--now', T1]);
    expect(rel.code).toBe(1);
    expect(rel.stderr).toContain('REL_VALIDATION_FAILED');
    const v = runCli(['verify', '--trust', join(keys, 'root.json'), '--source', repo, '--site', 'clinic-test', '--appliance-key', join(appliance, 'appliance.key'), '--now', T1, '--format', 'json']);
    expect(JSON.parse(v.stdout).release_version).toBe(2);
  });

  it('refuses to overwrite a key set', () => {
    const r = runCli(['keys', 'init', '--dir', keys]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('REL_KEYS_INVALID');
  });
});
