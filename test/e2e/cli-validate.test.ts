import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { miniRepo, writeRepo, type RepoFiles } from '../helpers/mini-repo.js';
import { runCli } from '../helpers/run-cli.js';

const ROOT = join(import.meta.dirname, '../..');
const cacheDir = mkdtempSync(join(tmpdir(), 'writ-cache-'));
const dirs: string[] = [cacheDir];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function validate(files: RepoFiles, ...args: string[]) {
  const dir = writeRepo(files);
  dirs.push(dir);
  return runCli(['validate', '--repo', dir, '--cache-dir', cacheDir, '--now', '2026-11-28T09:00:00Z', ...args]);
}

type JsonReport = { summary: { errors: number }; findings: { file: string; line: number; column: number; code: string; severity: string }[] };

describe('writ validate', () => {
  it('exits 0 on this repository', () => {
    const r = runCli(['validate', '--repo', ROOT, '--cache-dir', cacheDir]);
    expect(r.stderr).toBe('');
    expect(r.code, r.stdout).toBe(0);
  });

  it('exits 0 on the mini repository and says so', () => {
    const r = validate(miniRepo());
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('No problems');
  });

  // Each hostile input gets its own code with a line and a column, exit 1, and no stack trace.
  const hostile: [string, string | Uint8Array, string, number, number][] = [
    ['duplicate key', 'a: 1\nb: 2\na: 3\n', 'YAML_DUPLICATE_KEY', 3, 1],
    ['alias bomb', 'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n', 'YAML_ALIAS_BOMB', 2, 8],
    ['self-referencing alias', 'a: &x [*x]\n', 'YAML_ALIAS_CYCLE', 1, 8],
    ['language tag', 'a: !!python/object/apply:os.system ["id"]\n', 'YAML_UNSUPPORTED_TAG', 1, 4],
    ['custom tag', 'a: !Ref other\n', 'YAML_UNSUPPORTED_TAG', 1, 4],
    ['several documents', 'a: 1\n---\nb: 2\n', 'YAML_MULTIPLE_DOCUMENTS', 2, 1],
    ['octal look-alike', 'apiVersion: writ/v1\nmode: 0777\n', 'YAML_OCTAL_AMBIGUOUS', 2, 7],
    ['non-UTF-8 bytes', new Uint8Array([0x61, 0x3a, 0x20, 0x62, 0xe9, 0x0a]), 'YAML_INVALID_UTF8', 1, 5],
    ['oversized file', 'a: ' + 'x'.repeat(1024 * 1024) + '\n', 'YAML_FILE_TOO_LARGE', 1, 1],
    ['deep nesting', 'a: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n', 'YAML_TOO_DEEP', 1, 68],
  ];
  it.each(hostile)('reports %s with its code, line and column', (_name, content, code, line, column) => {
    const r = validate({ ...miniRepo(), 'sites/hostile.yaml': content }, '--format', 'json');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as JsonReport;
    const f = report.findings.find((x) => x.file === 'sites/hostile.yaml' && x.code === code);
    expect(f, r.stdout).toBeDefined();
    expect([f!.line, f!.column]).toEqual([line, column]);
  });

  it('reports YAML 1.1 surprises where the schema expects text or a boolean', () => {
    const files = miniRepo();
    files['runbooks/linux/LIN-TEST-001.yaml'] = (files['runbooks/linux/LIN-TEST-001.yaml'] as string).replace('severity: high', 'severity: high\nversion: 1.10\ndisruptive: no');
    files['sites/clinic-test.yaml'] = (files['sites/clinic-test.yaml'] as string).replace('name: Test Clinic', 'name: Test Clinic\nmode: on');
    const report = JSON.parse(validate(files, '--format', 'json').stdout) as JsonReport;
    expect(report.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.code}`)).toEqual([
      'runbooks/linux/LIN-TEST-001.yaml:7:10 YAML_NUMBER_NOT_STRING',
      'runbooks/linux/LIN-TEST-001.yaml:8:13 YAML_BOOLEAN_WORD',
      'sites/clinic-test.yaml:5:7 SCHEMA_ENUM',
    ]);
  });

  it('reports an unknown key with a suggestion', () => {
    const files = miniRepo();
    files['sites/clinic-test.yaml'] = (files['sites/clinic-test.yaml'] as string).replace('timezone:', 'timzone: UTC\ntimezone:');
    const r = validate(files);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('sites/clinic-test.yaml:5:1');
    expect(r.stdout).toContain('SCHEMA_UNKNOWN_KEY');
    expect(r.stdout).toContain('Did you mean `timezone`?');
  });

  it('prints text without colour when piped, and SARIF and GitHub annotations on request', () => {
    const files = { ...miniRepo(), 'sites/hostile.yaml': 'a: 1\na: 2\n' };
    const text = validate(files);
    expect(text.stdout).not.toContain('\u001b[');
    expect(text.stdout).toMatch(/^sites\/hostile\.yaml:2:1 +error +YAML_DUPLICATE_KEY/m);
    const sarif = JSON.parse(validate(files, '--format', 'sarif').stdout) as { version: string; runs: { results: { ruleId: string }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toContain('YAML_DUPLICATE_KEY');
    expect(validate(files, '--format', 'github').stdout).toMatch(/^::error file=sites\/hostile\.yaml,line=2,col=1/m);
  });

  it('runs shellcheck over shell scripts and reports at the line inside the YAML', () => {
    const files = miniRepo();
    files['runbooks/linux/LIN-TEST-001.yaml'] = (files['runbooks/linux/LIN-TEST-001.yaml'] as string).replace("printf 'set %s\\n' \"$max_tries\"", 'echo $max_tries');
    const report = JSON.parse(validate(files, '--format', 'json').stdout) as JsonReport;
    expect(report.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.code}`)).toContain('runbooks/linux/LIN-TEST-001.yaml:27:12 LINT_SH_SC2086');
  });

  it.each([
    [['validate', '--format', 'xml'], 'unknown format "xml"'],
    [['validate', '--bogus'], "Unknown option '--bogus'"],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['validate', '--now', 'yesterday'], 'is not an ISO 8601 time'],
  ])('refuses %j with exit 2, a message and a hint, no stack trace', (args, message) => {
    const r = runCli(args, { cwd: ROOT });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('hint:');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('says what to do when the folder holds no policy', () => {
    const empty = mkdtempSync(join(tmpdir(), 'writ-empty-'));
    dirs.push(empty);
    const r = runCli(['validate', '--repo', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no policy files under');
    expect(runCli(['validate', '--repo', join(empty, 'missing')]).stderr).toContain('REPO_READ_FAILED');
  });

  it('prints help with exit 0', () => {
    expect(runCli(['validate', '--help'])).toMatchObject({ code: 0 });
    expect(runCli(['--help']).stdout).toContain('validate');
  });
});
