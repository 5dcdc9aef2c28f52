import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../core/plan/plan-change.js';
import { editYaml, linuxHost, LINUX_RUNBOOK, SITE } from '../helpers/edit-repo.js';
import { miniRepo, type RepoFiles } from '../helpers/mini-repo.js';
import { runCli } from '../helpers/run-cli.js';

const NOW = '2026-11-28T09:00:00Z';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], {
    cwd: dir, encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', HOME: dir, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com' },
  }).trim();
}

function commit(dir: string, files: RepoFiles, message: string): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

type PlanJson = Plan & { version: number; base: { rev: string }; head: { rev: string; valid: boolean; errors?: number } };

describe('writ plan', () => {
  let dir: string;
  let sha1: string;
  let sha2: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'writ-plan-'));
    dirs.push(dir);
    git(dir, 'init', '-q', '-b', 'main');
    const base = miniRepo();
    sha1 = commit(dir, base, 'base');
    let head = editYaml(base, SITE, (s) => {
      s.rules[0].params.max_tries = 5; // a param override
      s.rules[0].mode = 'enforce'; // a mode flip
      s.hosts.push(linuxHost('db-02', { address: '10.0.0.6' })); // a new host
    });
    head = editYaml(head, LINUX_RUNBOOK, (rb) => { rb.scripts.remediate.inline += 'printf done\\n\n'; }); // a script change
    sha2 = commit(dir, head, 'head');
  });

  const plan = (...args: string[]) => runCli(['plan', '--repo', dir, '--now', NOW, ...args]);

  it('prints the documented JSON for --base sha1 --head sha2', () => {
    const r = plan('--base', sha1, '--head', sha2, '--format', 'json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as PlanJson;
    expect(doc).toMatchObject({ version: 1, base: { rev: sha1 }, head: { rev: sha2, valid: true }, now: '2026-11-28T09:00:00.000Z' });
    expect(doc.summary).toMatchObject({
      sites: { added: 0, changed: 1, removed: 0, unchanged: 0 },
      hosts: { added: 1, changed: 1, removed: 0, unchanged: 0 },
      entries: { created: 1, changed: 1, removed: 0, unchanged: 0, skipped: 0 },
      sitesAffected: 1, hostsAffected: 2, rulesAffected: 1, controlsTouched: ['hipaa:164.312(b)'], widensAccess: 1, disruptive: 0,
    });
    const site = doc.sites[0]!;
    expect(site.hosts.map((h) => [h.hostId, h.status])).toEqual([['db-01', 'changed'], ['db-02', 'added']]);
    const changed = site.hosts[0]!.rules[0]!;
    expect(changed.action).toBe('changed');
    expect(changed.changes.map((c) => [c.kind, c.subject ?? '', c.from ?? '', c.to ?? ''].join(' ')).map((s) => s.replace(/[0-9a-f]{64}/g, 'sha'))).toEqual([
      'mode  audit enforce',
      'param max_tries 3 5',
      'script remediate sha sha',
    ]);
    expect(site.hosts[1]!.flags).toEqual([{ kind: 'widens-access', reason: 'host added: the appliance will connect to 10.0.0.6 with credential test-linux' }]);
    expect(doc.repository.runbooks.map((r) => [r.id, r.changes.map((c) => `${c.kind}:${c.subject}`)])).toEqual([['LIN-TEST-001', ['script:remediate']]]);
    // Same revisions, same bytes.
    expect(plan('--base', sha1, '--head', sha2, '--format', 'json').stdout).toBe(r.stdout);
  });

  it('prints markdown for a GitHub check summary', () => {
    const r = plan('--base', sha1.slice(0, 8), '--head', 'main', '--format', 'markdown');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('## writ plan: 1 clinic, 2 hosts, 1 HIPAA control change');
    expect(r.stdout).toContain(`Base \`${sha1.slice(0, 7)}\` → head \`${sha2.slice(0, 7)}\``);
    expect(r.stdout).toContain('**🔓 1 change widens access**');
    expect(r.stdout).toContain('| `db-02` | linux | added | 1 | 0 | 0 | 0 | 🔓 1 widens access |');
    expect(r.stdout).toContain('<details><summary>Details of 2 hosts</summary>');
    expect(r.stdout).toContain('  - param `max_tries`: 3 → 5');
  });

  it('plans against HEAD by default, in text', () => {
    const r = plan('--base', 'HEAD~1');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`writ plan ${sha1.slice(0, 7)} → ${sha2.slice(0, 7)}`);
    expect(r.stdout).toContain('1 clinic, 2 hosts, 1 HIPAA control change; 1 widens access');
    expect(r.stdout).toContain('        param max_tries: 3 → 5');
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('--head WORKTREE plans uncommitted files; a head that does not validate exits 1 with a warning', () => {
    const work = mkdtempSync(join(tmpdir(), 'writ-plan-work-'));
    dirs.push(work);
    git(work, 'init', '-q', '-b', 'main');
    commit(work, miniRepo(), 'base');
    writeFileSync(join(work, SITE), (miniRepo()[SITE] as string).replace('max_tries: 3', 'max_tries: 7'));
    const clean = runCli(['plan', '--repo', work, '--base', 'HEAD', '--head', 'WORKTREE', '--format', 'json', '--now', NOW]);
    expect(clean.code).toBe(0);
    expect((JSON.parse(clean.stdout) as PlanJson).head.rev).toBe('WORKTREE');

    writeFileSync(join(work, 'policies/L1-TEST-002.yaml'), 'apiVersion: writ/v1\nkind: Rule\nid: L1-TEST-002\n');
    const broken = runCli(['plan', '--repo', work, '--base', 'HEAD', '--head', 'WORKTREE', '--format', 'json', '--now', NOW]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^writ: warning: head WORKTREE does not validate \(\d+ errors?\); the plan covers only what loads\n  hint: run writ validate/);
    const doc = JSON.parse(broken.stdout) as PlanJson;
    expect(doc.head.valid).toBe(false);
    const entries = doc.sites[0]!.hosts[0]!.rules;
    expect(entries.map((e) => [e.ruleId, e.action])).toEqual([['L1-TEST-001', 'changed'], ['L1-TEST-002', 'skipped']]);
  });

  it.each([
    [['--base', 'no-such-branch'], 'GIT_REV_NOT_FOUND', 'git log --oneline'],
    [['--head', 'HEAD'], 'CLI_USAGE', '--base is required'],
    [['--base', 'HEAD', '--format', 'xml'], 'CLI_USAGE', 'Use one of: text, json, markdown.'],
    [['--base', 'HEAD', '--now', 'soon'], 'CLI_USAGE', 'is not an ISO 8601 time'],
  ])('refuses %j with exit 2, a code and a hint', (args, code, text) => {
    const r = plan(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(code);
    expect(r.stderr).toContain(text);
    expect(r.stderr).toContain('hint:');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('says when --repo is not a git repository', () => {
    const plain = mkdtempSync(join(tmpdir(), 'writ-plan-plain-'));
    dirs.push(plain);
    const r = runCli(['plan', '--repo', plain, '--base', 'HEAD']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('REPO_READ_FAILED');
  });

  it('prints help with exit 0 and is listed by writ --help', () => {
    const r = runCli(['plan', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: writ plan --base REV');
    expect(runCli(['--help']).stdout).toMatch(/^ {2}plan {8}/m);
  });
});
