import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runShellcheck } from '../../../../adapters/shellcheck/run-shellcheck.js';
import { ToolUnavailableError } from '../../../../core/errors/writ-error.js';

function findShellcheck(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v shellcheck'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

const realShellcheck = findShellcheck();

describe('runShellcheck against the real shellcheck', () => {
  it('has shellcheck installed (bash .ci/setup installs it)', () => {
    expect(realShellcheck, 'shellcheck is missing: run bash .ci/setup').not.toBeNull();
  });

  let work: string;
  let privateTmp: string;
  let savedTmpdir: string | undefined;

  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'writ-sc-test-'));
    // Batches go to os.tmpdir(); point it at a private directory to check the cleanup.
    privateTmp = await mkdtemp(join(tmpdir(), 'writ-sc-tmp-'));
    savedTmpdir = process.env['TMPDIR'];
    process.env['TMPDIR'] = privateTmp;
  });

  afterEach(async () => {
    if (savedTmpdir === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = savedTmpdir;
    await rm(work, { recursive: true, force: true });
    await rm(privateTmp, { recursive: true, force: true });
  });

  /** A shellcheck wrapper that logs how many files each process was given. */
  async function countingShellcheck(): Promise<{ path: string; runs: () => Promise<number[]> }> {
    const log = join(work, 'runs.log');
    const path = join(work, 'shellcheck-wrapper');
    // Arguments: 4 options, then `--`, then the files.
    await writeFile(path, `#!/bin/sh\necho $(($# - 5)) >> '${log}'\nexec '${realShellcheck}' "$@"\n`);
    await chmod(path, 0o755);
    const runs = async (): Promise<number[]> => {
      const text = await readFile(log, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map(Number);
    };
    return { path, runs };
  }

  it('reports SC2086 with the right line, column, severity and fix hint', async () => {
    const text = '#!/bin/bash\nset -euo pipefail\nx="${1:-}"\necho $x\n';
    const result = await runShellcheck([{ id: 'quote', text }]);
    expect(result.get('quote')).toEqual([
      {
        code: 'LINT_SH_SC2086',
        line: 4,
        column: 6,
        severity: 'warning',
        message: 'Double quote to prevent globbing and word splitting.',
        hint: 'See https://www.shellcheck.net/wiki/SC2086. Suggested fix: echo "$x"',
      },
    ]);
    expect(await readdir(privateTmp)).toEqual([]);
  });

  it('converts columns to UTF-16 code units: tabs count 1, an emoji counts 2', async () => {
    const text = '#!/bin/bash\nx="${1:-}"\nif true; then\n\t\techo $x\nfi\necho "😀" $x\n';
    const issues = (await runShellcheck([{ id: 's', text }])).get('s') ?? [];
    const sc2086 = issues.filter((i) => i.code === 'LINT_SH_SC2086').map((i) => [i.line, i.column]);
    const lines = text.split('\n');
    expect(sc2086).toEqual([
      [4, (lines[3] ?? '').indexOf('$x') + 1],
      [6, (lines[5] ?? '').indexOf('$x') + 1],
    ]);
    expect(sc2086[1]).toEqual([6, 11]);
  });

  it('maps levels: error and warning → error, info → warning, style → info', async () => {
    const result = await runShellcheck([
      { id: 'levels', text: '#!/bin/bash\nunused=1\nv=`date`\necho $v\n' },
      { id: 'broken', text: '#!/bin/bash\nif true; then\n  echo "unterminated\n' },
    ]);
    const issues = result.get('levels') ?? [];
    const severityOf = (code: string): string | undefined => issues.find((i) => i.code === code)?.severity;
    expect(severityOf('LINT_SH_SC2034')).toBe('error'); // warning: unused variable
    expect(severityOf('LINT_SH_SC2086')).toBe('warning'); // info
    expect(severityOf('LINT_SH_SC2006')).toBe('info'); // style: backticks
    const broken = result.get('broken') ?? [];
    expect(broken.length).toBeGreaterThan(0);
    // Parse errors (SC1xxx): the errors block; SC1009 is an info note pointing at the command.
    expect(broken.every((i) => /^LINT_SH_SC1\d{3}$/.test(i.code))).toBe(true);
    expect(broken.filter((i) => i.severity === 'error').length).toBeGreaterThan(0);
    expect(broken.find((i) => i.code === 'LINT_SH_SC1009')?.severity).toBe('warning');
    for (const i of [...issues, ...broken]) expect(i.hint).toContain(`https://www.shellcheck.net/wiki/${i.code.slice('LINT_SH_'.length)}`);
  });

  it('returns an empty list for a clean script and an empty map for no scripts', async () => {
    const result = await runShellcheck([{ id: 'clean', text: '#!/bin/bash\nset -euo pipefail\necho "hello"\n' }]);
    expect(result).toEqual(new Map([['clean', []]]));
    expect(await runShellcheck([], { shellcheckPath: join(work, 'nope') })).toEqual(new Map());
  });

  it('serves a warm cache without running shellcheck', async () => {
    const cacheDir = join(work, 'cache');
    const scripts = [
      { id: 'a', text: '#!/bin/bash\necho $1\n' },
      { id: 'b', text: '#!/bin/bash\necho "$1"\n' },
    ];
    const first = await runShellcheck(scripts, { cacheDir });
    expect(first.get('a')?.map((i) => i.code)).toEqual(['LINT_SH_SC2086']);

    const again = await runShellcheck(scripts, { cacheDir, shellcheckPath: join(work, 'no-such-shellcheck') });
    expect(again).toEqual(first);

    const wrapper = await countingShellcheck();
    await runShellcheck(scripts, { cacheDir, shellcheckPath: wrapper.path });
    expect(await wrapper.runs()).toEqual([]);
  });

  it('checks only the uncached scripts and rechecks a corrupt cache entry', async () => {
    const cacheDir = join(work, 'cache');
    const a = { id: 'a', text: '#!/bin/bash\necho $1\n' };
    const b = { id: 'b', text: '#!/bin/bash\necho $2\n' };
    await runShellcheck([a], { cacheDir });
    const [namespace] = await readdir(cacheDir);
    const entries = await readdir(join(cacheDir, namespace ?? ''));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatch(/^[0-9a-f]{64}\.json$/);

    const wrapper = await countingShellcheck();
    const result = await runShellcheck([a, b], { cacheDir, shellcheckPath: wrapper.path });
    expect(await wrapper.runs()).toEqual([1]);
    expect(result.get('b')?.map((i) => i.code)).toEqual(['LINT_SH_SC2086']);

    await writeFile(join(cacheDir, namespace ?? '', entries[0] ?? ''), '{not json');
    const repaired = await runShellcheck([a, b], { cacheDir, shellcheckPath: wrapper.path });
    expect(await wrapper.runs()).toEqual([1, 1]);
    expect(repaired.get('a')?.map((i) => i.code)).toEqual(['LINT_SH_SC2086']);
  });

  it('checks identical texts once and reports them under every id', async () => {
    const wrapper = await countingShellcheck();
    const text = '#!/bin/bash\necho $1\n';
    const result = await runShellcheck(
      [
        { id: 'one', text },
        { id: 'two', text },
        { id: 'three', text },
        { id: 'other', text: `${text}# other\n` },
      ],
      { shellcheckPath: wrapper.path },
    );
    expect(await wrapper.runs()).toEqual([2]);
    expect([...result.keys()]).toEqual(['one', 'two', 'three', 'other']);
    expect(result.get('two')).toEqual(result.get('one'));
    expect(result.get('one')).not.toBe(result.get('two'));
    expect(result.get('three')?.[0]).toMatchObject({ code: 'LINT_SH_SC2086', line: 2, column: 6 });
  });

  it('checks 300 scripts in batches of 200, in parallel, and cleans up its temp directories', async () => {
    const wrapper = await countingShellcheck();
    const scripts = Array.from({ length: 300 }, (_, n) => ({ id: `s${n}`, text: `#!/bin/bash\n${'# pad\n'.repeat(n % 7)}echo $${(n % 9) + 1} ${n}\n` }));
    const result = await runShellcheck(scripts, { shellcheckPath: wrapper.path, concurrency: 2 });
    expect((await wrapper.runs()).sort((x, y) => x - y)).toEqual([100, 200]);
    expect(result.size).toBe(300);
    scripts.forEach((s, n) => {
      expect(result.get(s.id), s.id).toEqual([expect.objectContaining({ code: 'LINT_SH_SC2086', line: 2 + (n % 7), column: 6 })]);
    });
    expect(await readdir(privateTmp)).toEqual([]);
  });

  it('ignores SHELLCHECK_OPTS so results only depend on the script', async () => {
    const saved = process.env['SHELLCHECK_OPTS'];
    process.env['SHELLCHECK_OPTS'] = '--exclude=SC2086';
    try {
      const result = await runShellcheck([{ id: 'a', text: '#!/bin/bash\necho $1\n' }]);
      expect(result.get('a')?.map((i) => i.code)).toEqual(['LINT_SH_SC2086']);
    } finally {
      if (saved === undefined) delete process.env['SHELLCHECK_OPTS'];
      else process.env['SHELLCHECK_OPTS'] = saved;
    }
  });

  it('throws ToolUnavailableError when shellcheck is missing, and cleans up', async () => {
    const error = await runShellcheck([{ id: 'a', text: 'echo $1\n' }], { shellcheckPath: join(work, 'missing', 'shellcheck') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolUnavailableError);
    expect(error).toMatchObject({ code: 'TOOL_UNAVAILABLE', recovery: 'human' });
    expect((error as ToolUnavailableError).hint).toContain('apt-get install shellcheck');
    expect(await readdir(privateTmp)).toEqual([]);
  });

  it('throws ToolUnavailableError with recovery retry when shellcheck times out', async () => {
    const slow = join(work, 'slow-shellcheck');
    await writeFile(slow, '#!/bin/sh\nexec sleep 5\n');
    await chmod(slow, 0o755);
    const error = await runShellcheck([{ id: 'a', text: 'echo $1\n' }], { shellcheckPath: slow, timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolUnavailableError);
    expect(error).toMatchObject({ code: 'TOOL_UNAVAILABLE', recovery: 'retry' });
    expect(await readdir(privateTmp)).toEqual([]);
  });
});
