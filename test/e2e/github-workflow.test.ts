import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commitFiles } from '../../testkit/git-http-server.js';
import { miniRepo } from '../helpers/mini-repo.js';

/**
 * The workflow for users without the App (.github/workflows/writ-validate.yml): its permissions stay
 * least-privilege, no expression is spliced into a shell script (the script-injection class), and
 * its writ steps really run: each `run:` body is executed by bash the way Actions does (`bash -e`),
 * with `npx writ` pointed at this checkout's CLI, in a policy repository with a base and a head.
 */

const root = join(import.meta.dirname, '../..');
const workflowPath = join(root, '.github/workflows/writ-validate.yml');
interface Step { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string>; if?: string; id?: string }
const workflow = parse(readFileSync(workflowPath, 'utf8')) as { permissions: Record<string, string>; jobs: Record<string, { steps: Step[]; permissions?: unknown }> };
const steps = workflow.jobs['validate']!.steps;
const step = (name: string): Step => steps.find((s) => s.name === name)!;

let dir: string;
let base: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'writ-workflow-'));
  const files = miniRepo();
  base = commitFiles(dir, files, 'base');
  const site = Object.keys(files).find((p) => p.startsWith('sites/'))!;
  commitFiles(dir, { [site]: `${String(files[site])}# reviewed change\n` }, 'head');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs one step's script as Actions would (`bash -e {0}`), with GitHub's output files. */
function runStep(s: Step, env: Record<string, string> = {}) {
  const outputs = join(dir, '.gh-output');
  const summary = join(dir, '.gh-summary');
  writeFileSync(outputs, '');
  writeFileSync(summary, '');
  const script = s.run!.replaceAll('npx writ', `node ${join(root, 'cli/bin/writ.js')}`);
  const r = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', script], {
    cwd: dir, encoding: 'utf8', timeout: 120_000,
    env: { ...process.env, ...s.env, ...env, GITHUB_OUTPUT: outputs, GITHUB_STEP_SUMMARY: summary, NO_COLOR: '1', WRIT_NOW: '2026-11-18T12:00:00Z' },
  });
  return { status: r.status, stderr: r.stderr, outputs: readFileSync(outputs, 'utf8'), summary: readFileSync(summary, 'utf8') };
}

describe('.github/workflows/writ-validate.yml', () => {
  it('asks only for what it uses: read the repository, write code-scanning results', () => {
    expect(workflow.permissions).toEqual({ contents: 'read', 'security-events': 'write' });
    expect(workflow.jobs['validate']!.permissions).toBeUndefined();
    expect(steps.find((s) => s.uses?.startsWith('actions/checkout'))).toMatchObject({ with: { 'persist-credentials': false } });
  });

  it('splices no ${{ }} expression into a shell script (values come in through env)', () => {
    for (const s of steps.filter((x) => x.run)) expect(s.run, s.name).not.toMatch(/\$\{\{/);
  });

  it('writes SARIF 2.1.0 for code scanning and reports exit 0 on a clean repository', () => {
    const r = runStep(step('writ validate (SARIF)'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.outputs).toBe('exit=0\n');
    const sarif = JSON.parse(readFileSync(join(dir, 'writ.sarif'), 'utf8')) as { version: string; runs: { tool: { driver: { name: string } }; results: unknown[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.tool.driver.name).toBe('writ');
    expect(sarif.runs[0]!.results).toEqual([]);
    expect(step('Upload findings to code scanning').with).toMatchObject({ sarif_file: 'writ.sarif' });
  }, 180_000);

  it('keeps going on findings (exit 1 is recorded for the last step), and the last step fails the job', () => {
    const broken = mkdtempSync(join(tmpdir(), 'writ-workflow-broken-'));
    try {
      const files = miniRepo();
      const site = Object.keys(files).find((p) => p.startsWith('sites/'))!;
      commitFiles(broken, { ...files, [site]: `${String(files[site])}unknown_field: true\n` }, 'broken');
      const script = step('writ validate (SARIF)').run!.replaceAll('npx writ', `node ${join(root, 'cli/bin/writ.js')}`);
      const outputs = join(broken, '.out');
      writeFileSync(outputs, '');
      const r = spawnSync('bash', ['-e', '-c', script], { cwd: broken, encoding: 'utf8', env: { ...process.env, GITHUB_OUTPUT: outputs, NO_COLOR: '1' }, timeout: 120_000 });
      expect(r.status).toBe(0);
      expect(readFileSync(outputs, 'utf8')).toBe('exit=1\n');
      const results = (JSON.parse(readFileSync(join(broken, 'writ.sarif'), 'utf8')) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] }).runs[0]!.results;
      expect(results.length).toBeGreaterThan(0);
      expect(results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe(site);
      expect(step('Fail on validation errors').if).toBe("steps.validate.outputs.exit == '1'");
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  }, 180_000);

  it('writes the pull request plan as markdown into the job summary', () => {
    const r = runStep(step('writ plan into the job summary'), { BASE_SHA: base });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.summary).toMatch(/^#+ /m);
    expect(r.summary.length).toBeGreaterThan(20);
  }, 180_000);
});
