import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRepoFiles } from '../../../../adapters/fs/read-repo-files.js';
import { readTreeFiles } from '../../../../adapters/git/read-tree-files.js';
import { miniRepo, type RepoFiles } from '../../../helpers/mini-repo.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs the git CLI in `dir` with a fixed identity and no user or system configuration. */
function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], {
    cwd: dir, encoding: 'utf8',
    env: {
      PATH: process.env['PATH'] ?? '', HOME: dir, GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com',
      GIT_AUTHOR_DATE: '2026-11-01T10:00:00Z', GIT_COMMITTER_DATE: '2026-11-01T10:00:00Z',
    },
  }).trim();
}

function write(dir: string, files: RepoFiles): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

function commitAll(dir: string, message: string): string {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

const MAX = 64 * 1024;
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('readTreeFiles (isomorphic-git against a repository made by the git CLI)', () => {
  let dir: string;
  let first: string;
  let second: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'writ-tree-'));
    dirs.push(dir);
    git(dir, 'init', '-q', '-b', 'main');
    write(dir, {
      ...miniRepo(),
      'README.md': '# policy\n',
      '.github/workflows/validate.yaml': 'on: pull_request\n',
      'policies/.drafts/L1-DRAFT-001.yaml': 'kind: Rule\n',
      'runbooks/linux/LIN-TEST-001/check.sh': '#!/usr/bin/env bash\necho ok\n',
      'runbooks/linux/big.yaml': `a: ${'x'.repeat(MAX + 10)}\n`,
    });
    symlinkSync('../frameworks/hipaa.yaml', join(dir, 'policies/link.yaml'));
    first = commitAll(dir, 'first');
    git(dir, 'tag', 'v1');
    git(dir, 'tag', '-a', 'v1-annotated', '-m', 'release v1');
    git(dir, 'branch', 'first-branch');
    write(dir, { 'sites/clinic-test.yaml': (miniRepo()['sites/clinic-test.yaml'] as string).replace('max_tries: 3', 'max_tries: 5') });
    git(dir, 'add', '-A');
    // A submodule entry (mode 160000) without a real submodule checkout.
    git(dir, 'update-index', '--add', '--cacheinfo', `160000,${first},runbooks/vendor`);
    git(dir, 'commit', '-q', '-m', 'second');
    second = git(dir, 'rev-parse', 'HEAD');
  });

  it('reads the policy folders of HEAD like readRepoFiles reads the checkout', async () => {
    const fromGit = await readTreeFiles(dir, 'HEAD', { maxFileBytes: MAX });
    const fromDisk = await readRepoFiles(dir, { maxFileBytes: MAX });
    expect(fromGit.commit).toBe(second);
    expect(fromGit.files.map((f) => f.path)).toEqual(fromDisk.files.map((f) => f.path));
    for (const [i, f] of fromGit.files.entries()) {
      expect(f.size, f.path).toBe(fromDisk.files[i]!.size);
      expect(text(f.bytes), f.path).toBe(text(fromDisk.files[i]!.bytes));
    }
    expect(fromGit.files.map((f) => f.path)).not.toContain('README.md');
    expect(fromGit.files.map((f) => f.path)).not.toContain('policies/.drafts/L1-DRAFT-001.yaml');
  });

  it('returns a blob over the cap with empty bytes and its real size', async () => {
    const { files } = await readTreeFiles(dir, 'HEAD', { maxFileBytes: MAX });
    const big = files.find((f) => f.path === 'runbooks/linux/big.yaml')!;
    expect(big.bytes.byteLength).toBe(0);
    expect(big.size).toBe(MAX + 14);
  });

  it('reports symbolic links and submodules as findings without following them', async () => {
    const { files, findings } = await readTreeFiles(dir, 'HEAD', { maxFileBytes: MAX });
    expect(findings.map((f) => `${f.file} ${f.code} ${f.severity}`)).toEqual(['policies/link.yaml REPO_SYMLINK error', 'runbooks/vendor REPO_SUBMODULE error']);
    expect(files.map((f) => f.path)).not.toContain('policies/link.yaml');
  });

  it.each([
    ['HEAD', () => second], ['main', () => second], ['refs/heads/main', () => second], ['@', () => second],
    ['first-branch', () => first], ['v1', () => first], ['v1-annotated', () => first],
    ['HEAD~1', () => first], ['HEAD^', () => first], ['main~', () => first], ['v1-annotated~0', () => first],
  ])('resolves %s', async (rev, want) => {
    expect((await readTreeFiles(dir, rev, { maxFileBytes: MAX })).commit).toBe(want());
  });

  it('resolves full and short commit ids and reads that commit\'s content', async () => {
    const full = await readTreeFiles(dir, first, { maxFileBytes: MAX });
    const short = await readTreeFiles(dir, first.slice(0, 7).toUpperCase(), { maxFileBytes: MAX });
    expect(short.commit).toBe(first);
    const site = (r: typeof full) => text(r.files.find((f) => f.path === 'sites/clinic-test.yaml')!.bytes);
    expect(site(full)).toContain('max_tries: 3');
    expect(site(await readTreeFiles(dir, second, { maxFileBytes: MAX }))).toContain('max_tries: 5');
    expect(full.findings.map((f) => f.code)).toEqual(['REPO_SYMLINK']);
  });

  it('reads packed objects the same as loose ones', async () => {
    const before = await readTreeFiles(dir, 'HEAD~1', { maxFileBytes: MAX });
    const packed = mkdtempSync(join(tmpdir(), 'writ-tree-packed-'));
    dirs.push(packed);
    git(packed, 'clone', '-q', '--no-local', dir, '.');
    git(packed, 'gc', '-q');
    const after = await readTreeFiles(packed, first, { maxFileBytes: MAX, cache: {} });
    expect(after.files.map((f) => [f.path, f.size])).toEqual(before.files.map((f) => [f.path, f.size]));
  });

  it.each([
    ['nope', 'names no branch, tag or commit'],
    ['deadbeef', 'names no branch, tag or commit'],
    ['0123456789012345678901234567890123456789', 'which is not in this clone'],
    ['../../etc/passwd', 'is not a branch, tag or commit id'],
    ['main..v1', 'is not a branch, tag or commit id'],
    ['-x', 'is not a branch, tag or commit id'],
    ['HEAD~5', 'goes past commit'],
    ['HEAD^2', 'only 1 parent'],
  ])('refuses %s with GIT_REV_NOT_FOUND and a hint', async (rev, message) => {
    const e = await readTreeFiles(dir, rev, { maxFileBytes: MAX }).catch((x: unknown) => x) as { code: string; message: string; hint: string; recovery: string };
    expect(e.code).toBe('GIT_REV_NOT_FOUND');
    expect(e.message).toContain(message);
    expect(e.hint).toContain('git log --oneline');
    expect(e.recovery).toBe('human');
  });

  it('refuses an object that is not a commit', async () => {
    const blob = git(dir, 'rev-parse', 'HEAD:README.md');
    await expect(readTreeFiles(dir, blob, { maxFileBytes: MAX })).rejects.toMatchObject({ code: 'GIT_REV_NOT_FOUND', message: expect.stringContaining('not a commit') });
  });

  it('reads below repoDir when it is a folder inside the work tree', async () => {
    const outer = mkdtempSync(join(tmpdir(), 'writ-tree-outer-'));
    dirs.push(outer);
    git(outer, 'init', '-q', '-b', 'main');
    write(join(outer, 'policy'), miniRepo());
    write(outer, { 'policies/ignored.yaml': 'outside the policy folder\n' });
    commitAll(outer, 'nested');
    const { files } = await readTreeFiles(join(outer, 'policy'), 'main', { maxFileBytes: MAX });
    expect(files.map((f) => f.path)).toEqual(Object.keys(miniRepo()).sort());
  });

  it('says when the folder is not in a git repository', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'writ-plain-'));
    dirs.push(plain);
    await expect(readTreeFiles(plain, 'HEAD', { maxFileBytes: MAX })).rejects.toMatchObject({ code: 'REPO_READ_FAILED' });
  });
});
