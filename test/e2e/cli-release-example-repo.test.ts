import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commitFiles } from '../../testkit/git-http-server.js';
import { runCli } from '../helpers/run-cli.js';

const ROOT = join(import.meta.dirname, '../..');
const top = mkdtempSync(join(tmpdir(), 'writ-e2e-example-'));
afterAll(() => rmSync(top, { recursive: true, force: true }));

describe('release round trip on this repository\'s own policy', () => {
  it('releases every example site and verifies the northside clinic with its appliance key', () => {
    const repo = join(top, 'policy');
    for (const dir of ['policies', 'runbooks', 'sites', 'frameworks']) cpSync(join(ROOT, dir), join(repo, dir), { recursive: true });
    const keys = join(top, 'keys');
    const appliance = join(top, 'appliance');
    expect(runCli(['keys', 'init', '--dir', keys]).code).toBe(0);
    const init = runCli(['appliance', 'init', '--site', 'clinic-northside', '--dir', appliance]);
    const key = /encryption_key: (\S+)/.exec(init.stdout)![1]!;
    const sitePath = join(repo, 'sites/clinic-northside.yaml');
    writeFileSync(sitePath, readFileSync(sitePath, 'utf8').replace(/encryption_key: \S+/, `encryption_key: ${key}`));
    commitFiles(repo, {}, 'example policy');

    const rel = runCli(['release', '--repo', repo, '--keys', keys, '--format', 'json', '--cache-dir', join(top, 'sc-cache')]);
    expect(rel.code, rel.stderr).toBe(0);
    const released = JSON.parse(rel.stdout) as { sites: { site: string }[] };
    expect(released.sites.map((s) => s.site)).toContain('clinic-northside');

    const v = runCli(['verify', '--trust', join(keys, 'root.json'), '--source', repo, '--site', 'clinic-northside', '--appliance-key', join(appliance, 'appliance.key'), '--format', 'json']);
    expect(v.code, v.stderr + v.stdout).toBe(0);
    const out = JSON.parse(v.stdout) as { verified: boolean; hosts: number; rules: number };
    expect(out.verified).toBe(true);
    expect(out.hosts).toBeGreaterThan(0);
    expect(out.rules).toBeGreaterThan(0);
  }, 240_000); // a cold shellcheck over every script of the repository takes about a minute here
});
