import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CycleReport } from '../../../core/engine/cycle-report.js';
import { LAB_T0, startPwshSshd, startWindowsLab, WIN_DRIFTED, WIN_HOST, WIN_RULE, WIN_RUNBOOK, WIN_WANTED, type WindowsLab } from '../../fixtures/agent/windows-lab.js';
import type { TestSshd } from '../../../testkit/sshd.js';

// `writ agent --once` as a process against a Windows host reached over powershell-ssh: a loopback
// sshd whose `powershell` subsystem is pwsh, logged into as the unprivileged writ-test, and a
// release (test-only runbook WIN-LAB-001, rule L1-WIN-LAB-001) served by a real git http-backend.
// The cases run in order against one lab: heal, converge, heal to a hostile value, impostor host.

const at = (seconds: number) => new Date(Date.parse(LAB_T0) + seconds * 1000).toISOString();
const report = (stdout: string) => JSON.parse(stdout) as CycleReport;

function records(lab: WindowsLab): CycleReport[] {
  const out: CycleReport[] = [];
  const base = join(lab.stateDir, 'cycles');
  for (const day of readdirSync(base).sort()) {
    for (const f of readdirSync(join(base, day)).sort()) out.push(JSON.parse(readFileSync(join(base, day, f), 'utf8')) as CycleReport);
  }
  return out;
}

let sshd: TestSshd;
let lab: WindowsLab;
beforeAll(async () => {
  sshd = await startPwshSshd();
  lab = await startWindowsLab(sshd);
});
afterAll(async () => {
  await lab?.cleanup();
  await sshd?.stop();
});

describe('enforce: a Windows host over powershell-ssh is checked and healed', () => {
  it('heals the drift: fresh check, remediate, re-check; records it; exit 0', async () => {
    expect(lab.host.read(lab.files.settings)).toBe(WIN_DRIFTED);
    const run = await lab.agent(['--once', '--now', LAB_T0, '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const r = report(run.stdout);
    expect(r.release).toMatchObject({ state: 'new', version: 1 });
    const host = r.hosts[0]!;
    expect(host).toMatchObject({ host: WIN_HOST, platform: 'windows', transport: 'powershell-ssh', reachable: true });
    const rule = host.rules[0]!;
    expect(rule).toMatchObject({
      rule: WIN_RULE, mode: 'enforce', decision: 'remediate',
      check: { runbook: WIN_RUNBOOK, status: 'fail', observed: { file_exists: true, content_matches: false } },
    });
    expect(rule.remediation).toMatchObject({ runbook: WIN_RUNBOOK, attempt: 1, outcome: 'healed' });
    expect(rule.remediation!.steps.map((s) => [s.step, s.state, s.exit_code, s.status])).toEqual([
      ['fresh-check', 'ran', 0, 'fail'], ['remediate', 'ran', 0, undefined], ['re-check', 'ran', 0, 'pass'],
    ]);
    expect(rule.remediation!.steps.every((s) => /^[0-9a-f]{64}$/.test(s.script_sha256))).toBe(true);
    expect(lab.host.read(lab.files.settings)).toBe(WIN_WANTED);
    // The prior content was recorded for rollback, byte for byte.
    const prior = JSON.parse(lab.host.read(`${lab.files.stateDir}/WIN-LAB-001.prior.json`)) as { existed: boolean; content_base64: string };
    expect(prior).toEqual({ existed: true, content_base64: Buffer.from(WIN_DRIFTED).toString('base64') });
    expect(r.summary).toMatchObject({ hosts: 1, hosts_unreachable: 0, healed: 1 });
    const recorded = records(lab);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.run_id).toBe(r.run_id);
  });

  it('a second cycle finds it compliant and changes nothing', async () => {
    const before = lab.host.snapshot();
    const run = await lab.agent(['--once', '--now', at(20), '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const r = report(run.stdout);
    expect(r.release).toMatchObject({ state: 'current', version: 1 });
    const rule = r.hosts[0]!.rules[0]!;
    expect(rule).toMatchObject({ decision: 'compliant', check: { status: 'pass', observed: { content_matches: true } } });
    expect(rule.remediation).toBeUndefined();
    expect(lab.host.snapshot()).toEqual(before);
  });

  it('a wanted value full of PowerShell syntax arrives byte-identical, as data; nothing in it runs', async () => {
    const canary = lab.host.path('canary');
    const hostile = [
      `it's 'single' and "double"`,
      `'; New-Item -ItemType File -Path '${canary}'; '`,
      `"; New-Item -ItemType File -Path "${canary}"; "`,
      `; New-Item -ItemType File -Path ${canary}`,
      `$(New-Item -ItemType File -Path ${canary})`,
      '`$(touch ' + canary + ')` and `n backticks`',
      '${env:HOME} $env:USER',
      `\u201C; New-Item -ItemType File -Path ${canary}; \u201D`,
      `\u2014Force \u2014 an em dash`,
      `& touch ${canary} | Out-File ${canary}`,
    ].join(' ');
    lab.ruleParams['wanted'] = hostile;
    const rel = lab.release(at(1000));
    expect(rel.code, rel.stderr + rel.stdout).toBe(0);
    const run = await lab.agent(['--once', '--now', at(1010), '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const r = report(run.stdout);
    expect(r.release).toMatchObject({ state: 'new', version: 2 });
    const rule = r.hosts[0]!.rules[0]!;
    expect(rule).toMatchObject({ decision: 'remediate', check: { status: 'fail' }, remediation: { outcome: 'healed' } });
    expect(readFileSync(lab.host.path(lab.files.settings))).toEqual(Buffer.from(hostile, 'utf8'));
    expect(existsSync(canary)).toBe(false);
    expect(readdirSync(lab.host.root).sort()).toEqual(['lab']);
  });

  it('a host whose key is not the pinned one is unreachable (EXEC_HOST_KEY_MISMATCH); nothing runs; exit 1', async () => {
    writeFileSync(lab.host.path(lab.files.settings), WIN_DRIFTED);
    const before = lab.host.snapshot();
    const other = join(lab.top, 'impostor_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    lab.winHost['host_key'] = readFileSync(`${other}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
    const rel = lab.release(at(2000));
    expect(rel.code, rel.stderr + rel.stdout).toBe(0);
    const run = await lab.agent(['--once', '--now', at(2010), '--format', 'json']);
    expect(run.code, run.stderr).toBe(1);
    const r = report(run.stdout);
    expect(r.release).toMatchObject({ state: 'new', version: 3 });
    const host = r.hosts[0]!;
    expect(host).toMatchObject({ host: WIN_HOST, reachable: false, reason_code: 'EXEC_HOST_KEY_MISMATCH' });
    expect(host.rules).toEqual([expect.objectContaining({ rule: WIN_RULE, decision: 'not-checked', reason_code: 'AGT_HOST_UNREACHABLE', check: expect.objectContaining({ status: 'not-run' }) })]);
    expect(r.summary).toMatchObject({ hosts: 1, hosts_unreachable: 1, healed: 0, compliant: 0 });
    expect(lab.host.snapshot()).toEqual(before);
  });
});
