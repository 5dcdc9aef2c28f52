import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parse as parseYaml, stringify } from 'yaml';
import type { CycleReport } from '../../core/engine/cycle-report.js';
import { DemoError } from '../../core/errors/demo-error.js';
import { UsageError } from '../../core/errors/writ-error.js';
import { referenceTime } from '../../adapters/clock/system-clock.js';
import { startLoopbackGitServer, type LoopbackGitServer } from '../../adapters/git/loopback-git-server.js';
import { serveStatic, type StaticServer } from '../../adapters/site-build/serve-static.js';
import { readApplianceKeys } from '../../adapters/keys/appliance-keys.js';
import { writeSecretFile } from '../../adapters/keys/write-secret-file.js';
import { writeFileAtomic } from '../../adapters/fs/write-file-atomic.js';
import { buildAuditorSite } from '../demo/auditor-site.js';
import { DEMO_APPLIANCE, DEMO_SITE, demoRuleFiles, demoSiteFile, SSH_CREDENTIAL } from '../demo/demo-clinic.js';
import { demoGitAsync, hasGit } from '../demo/demo-git.js';
import { checkPolicySource, idsIn, syncDemoPolicyRepo } from '../demo/demo-policy-repo.js';
import { planSshHost, startDemoSshHost, type DemoSshHost } from '../demo/demo-ssh-host.js';
import { demoNow, openDemoState, saveDemoState, type DemoLayout } from '../demo/demo-state.js';
import { renderDemoSummary, type StageTiming } from '../demo/demo-summary.js';
import { runWritCommand, type CommandRun } from '../demo/run-writ-command.js';
import type { CliIo } from '../io.js';
import { agentCommand } from './agent.js';
import { applianceCommand } from './appliance.js';
import { evidenceCommand } from './evidence.js';
import { keysCommand } from './keys.js';
import { planCommand } from './plan.js';
import { releaseCommand } from './release.js';
import { validateCommand } from './validate.js';

export const DEMO_HELP = `Usage: writ demo [--state DIR] [--no-ssh] [--no-serve] [--from DIR] [--now ISO]

The whole pipeline on this machine, in one folder: makes a throwaway key set and appliance key,
builds a policy repository from this checkout's policies/, runbooks/ and frameworks/ plus a demo
clinic (sites/clinic-demo.yaml) whose hosts are this machine (the appliance itself, and again over
SSH through a loopback sshd when OpenSSH is installed), validates, plans and releases it, serves it
from a loopback git server (smart HTTP), runs one agent cycle in audit mode (nothing on the machine
is changed), pushes the signed evidence and verifies it offline, builds the auditor site and
serves it on 127.0.0.1 until Ctrl-C. Running it again reuses the keys, the repository and the
evidence and adds one more day.

Options:
  --state DIR   the demo's folder (default .writ-demo in the current folder); nothing is written
                outside it except sshd's temporary folder, removed at the end
  --no-ssh      leave the SSH host out (it is left out anyway without OpenSSH)
  --no-serve    build the auditor site but do not serve it (exit when done)
  --from DIR    where policies/, runbooks/ and frameworks/ come from (default: this writ checkout)
  --now ISO     reference time of this run (default: one day after the last run; the clock on the first)

Exit codes: 0 the demo ran (drift found is the point, not a failure), 2 a stage failed (the
message names it) or a usage error.
`;

/** The checkout this writ runs from (dist/cli/commands → three folders up). */
const CHECKOUT = join(import.meta.dirname, '../../..');

/** `writ demo`. */
export async function demoCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      state: { type: 'string' }, 'no-ssh': { type: 'boolean', default: false }, from: { type: 'string' },
      now: { type: 'string' }, 'no-serve': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout(DEMO_HELP);
    return 0;
  }
  const explicitNow = values.now !== undefined ? referenceTime(values.now, undefined) : undefined;
  const stateDir = resolve(io.cwd, values.state ?? '.writ-demo');
  const from = resolve(io.cwd, values.from ?? CHECKOUT);

  const stages: StageTiming[] = [];
  let interrupted = false;
  const stage = async <T>(name: string, work: () => Promise<{ value: T; note: string }> | { value: T; note: string }): Promise<T> => {
    if (interrupted) throw new DemoError('DEMO_STAGE_FAILED', `interrupted before stage ${name}`, { hint: 'Run writ demo again; it picks up the state it has.' });
    const started = performance.now();
    if (io.stdoutIsTTY) io.stdout(`  ${name.padEnd(10)} …`);
    const { value, note } = await work();
    const ms = performance.now() - started;
    stages.push({ name, ms, note });
    io.stdout(`${io.stdoutIsTTY ? '\r' : ''}  ${name.padEnd(10)} ${(ms / 1000).toFixed(1).padStart(5)} s  ${note}\n`);
    return value;
  };

  let sshHost: DemoSshHost | undefined;
  let server: LoopbackGitServer | undefined;
  let siteServer: StaticServer | undefined;
  const unsubscribe = io.onSignal?.(() => {
    interrupted = true;
    sshHost?.stopNow();
  });

  io.stdout(`writ demo: state folder ${stateDir}\n`);
  try {
    // 1. What the machine has.
    const ssh = await stage('tools', () => {
      if (!hasGit()) throw new DemoError('DEMO_TOOL_MISSING', 'git is not installed', { hint: 'Install git (Debian: apt-get install git); the demo serves its repository with git http-backend.' });
      if (spawnSync('shellcheck', ['--version'], { stdio: 'ignore' }).status !== 0) {
        throw new DemoError('DEMO_TOOL_MISSING', 'shellcheck is not installed', { hint: 'Install it (Debian: apt-get install shellcheck, or bash .ci/setup); writ release refuses scripts it has not checked.' });
      }
      checkPolicySource(from);
      const plan = planSshHost({ skip: values['no-ssh'] });
      return { value: plan, note: `git, shellcheck${plan.use ? `, OpenSSH (SSH host logs in as ${plan.user})` : `; SSH host skipped: ${plan.reason}`}` };
    });
    let sshSkipped = ssh.use ? undefined : ssh.reason;

    // 2. The state folder and this run's reference time.
    const { layout, state } = openDemoState(stateDir);
    if (state && explicitNow && explicitNow.getTime() <= Date.parse(state.last_now)) {
      // Evidence only moves forward: a record dated before the chain's last one would not verify.
      throw new UsageError(`--now ${explicitNow.toISOString()} is not after the last run (${state.last_now})`, { hint: 'Leave --now out (the demo moves one day on by itself) or pass a later time.' });
    }
    const now = demoNow(state, explicitNow, () => new Date());
    const iso = now.toISOString();
    const run = (state?.runs ?? 0) + 1;

    // 3. Keys: the TUF key set and the appliance key, made once.
    const appliance = await stage('keys', async () => {
      const made: string[] = [];
      if (!existsSync(join(layout.keys, 'root.json'))) {
        await must(runWritCommand(keysCommand, 'keys', ['init', '--dir', layout.keys, '--now', iso, '--root-expires-days', '3650'], io), 'keys');
        made.push('TUF key set');
      }
      const keyFile = join(layout.appliance, 'appliance.key');
      if (!existsSync(keyFile)) {
        await must(runWritCommand(applianceCommand, 'appliance', ['init', '--site', DEMO_SITE, '--dir', layout.appliance, '--id', DEMO_APPLIANCE], io), 'appliance');
        made.push('appliance key');
      }
      const keys = readApplianceKeys(keyFile);
      const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
      return {
        value: { encryptionKey: b64u(keys.encryption.publicRaw), signingKey: b64u(keys.signingPublicRaw) },
        note: made.length ? `made ${made.join(' and ')} in ${layout.keys}, ${layout.appliance}` : 'reused the key set and appliance key',
      };
    });

    // 4. The SSH host: a loopback sshd with the demo's own host key.
    if (ssh.use) {
      sshHost = await stage('sshd', async () => {
        try {
          const started = await startDemoSshHost({ sshDir: layout.ssh, secretsDir: layout.secrets, user: ssh.user, ...(state?.ssh_port ? { preferredPort: state.ssh_port } : {}) });
          return { value: started, note: `127.0.0.1:${started.port}, logs in as ${started.user}${started.createdPrivsepDir ? ' (created /run/sshd, sshd\'s privilege separation folder)' : ''}` };
        } catch (e) {
          sshSkipped = `sshd did not start: ${(e as Error).message}`;
          return { value: undefined, note: `SSH host skipped: ${sshSkipped}` };
        }
      });
    }

    // 5. The policy repository: this checkout's policy plus the demo clinic, committed when changed.
    const runbooks = idsIn(from, 'runbooks');
    const siteFile = demoSiteFile({
      appliance, runbooks, repoRules: idsIn(from, 'policies'),
      ...(sshHost ? { ssh: { port: sshHost.port, hostKey: sshHost.hostKey } } : {}),
    });
    const repo = await stage('repo', () => {
      const synced = syncDemoPolicyRepo({ from, dir: layout.policy, now, generated: { ...demoRuleFiles(runbooks), [`sites/${DEMO_SITE}.yaml`]: siteFile } });
      return { value: synced, note: synced.changed ? `committed ${synced.head.slice(0, 12)} in ${layout.policy}` : `unchanged since the last run (${synced.head.slice(0, 12)})` };
    });

    // 6–8. validate, plan, release: the same commands a person runs.
    const cacheDir = join(layout.cache, 'shellcheck');
    await stage('validate', async () => {
      const v = await runWritCommand(validateCommand, 'validate', ['--repo', layout.policy, '--format', 'json', '--now', iso, '--cache-dir', cacheDir], io);
      const out = parseJson<{ summary: { errors: number; warnings: number; files: number }; findings: { file: string; line: number; code: string; severity: string; message: string }[] }>(v, 'validate');
      if (v.code !== 0) {
        const first = out.findings.slice(0, 3).map((f) => `${f.file}:${f.line} ${f.code} ${f.message}`).join('; ');
        throw new DemoError('DEMO_STAGE_FAILED', `stage validate: the demo policy has ${out.summary.errors} error(s): ${first}`, { hint: `Fix the policy in ${from} (writ validate shows every finding) and run the demo again.` });
      }
      const byCode = new Map<string, number>();
      for (const f of out.findings) if (f.severity === 'warning') byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1);
      const warnings = [...byCode].map(([code, n]) => `${code} ×${n}${code === 'LINT_RUNBOOK_STANDALONE_USED' ? ' (the demo rules use runbooks marked standalone)' : ''}`).join(', ');
      return { value: undefined, note: `${out.summary.files} files, 0 errors, ${out.summary.warnings} warning(s)${warnings ? `: ${warnings}` : ''}` };
    });
    await stage('plan', async () => {
      const p = await runWritCommand(planCommand, 'plan', ['--repo', layout.policy, '--base', repo.base, '--head', repo.head, '--format', 'json', '--now', iso], io);
      if (p.code === 2) throw stageFailed('plan', p);
      const out = parseJson<{ summary: { hostsAffected: number; rulesAffected: number; entries: { created: number; changed: number; removed: number }; controlsTouched: string[] } }>(p, 'plan');
      const e = out.summary.entries;
      const note = e.created + e.changed + e.removed === 0
        ? 'no change since the last run'
        : `${out.summary.hostsAffected} host(s): ${e.created} rule entries added, ${e.changed} changed, ${e.removed} removed; ${out.summary.controlsTouched.length} HIPAA controls touched`;
      return { value: undefined, note };
    });
    await stage('release', async () => {
      const r = await runWritCommand(releaseCommand, 'release', ['--repo', layout.policy, '--keys', layout.keys, '--now', iso, '--format', 'json', '--cache-dir', cacheDir], io);
      if (r.code !== 0) throw stageFailed('release', r);
      const out = parseJson<{ release_version: number; branch: string; branch_commit: string }>(r, 'release');
      return { value: out, note: `version ${out.release_version} signed to ${out.branch} (${out.branch_commit.slice(0, 12)})` };
    });

    // 9. The loopback git server: fetch for anyone on this machine, push with a per-run token.
    const pushToken = randomBytes(32).toString('hex');
    mkdirSync(layout.secrets, { recursive: true, mode: 0o700 });
    // A new token every run: the last run's token opens nothing.
    rmSync(join(layout.secrets, 'push-token'), { force: true });
    writeSecretFile(join(layout.secrets, 'push-token'), pushToken + '\n');
    server = await stage('serve git', async () => {
      const s = await startLoopbackGitServer({ gitDir: join(layout.policy, '.git'), name: 'policy.git', pushToken });
      return { value: s, note: `${s.url} (git http-backend; pushing needs this run's token)` };
    });

    // 10. One agent cycle, audit mode.
    writeAgentConfig(layout, server.url, sshHost);
    const agent = await stage('agent', async () => {
      const a = await runWritCommand(agentCommand, 'agent', ['--config', layout.agentConfig, '--once', '--now', iso, '--format', 'json', '--log', 'json'], io);
      // 1 is drift or unreachable hosts: what the demo shows. 2 is a config or start failure.
      if (a.code !== 0 && a.code !== 1) throw stageFailed('agent', a);
      const report = parseJson<CycleReport>(a, 'agent');
      const events = a.stderr.split('\n').filter(Boolean).map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return {};
        }
      });
      const notPushed = events.find((e) => e['event'] === 'evidence_not_pushed');
      if (notPushed) {
        throw new DemoError('DEMO_STAGE_FAILED', `stage agent: the evidence was not pushed: ${String(notPushed['reason_code'])} ${String(notPushed['message'])}`, { hint: String(notPushed['hint'] ?? 'Run the demo again.') });
      }
      const pushed = events.find((e) => e['event'] === 'evidence_pushed');
      const recorded = events.find((e) => e['event'] === 'evidence_recorded');
      if (!pushed || !recorded) throw new DemoError('DEMO_STAGE_FAILED', 'stage agent: the cycle recorded or pushed no evidence', { hint: `See what the agent logged: writ agent --config ${layout.agentConfig} --once --log text` });
      const s = report.summary;
      return {
        value: { report, pushedCommit: String(pushed['commit']), records: Number(recorded['records']) },
        note: `release ${report.release.version ?? '?'} (${report.release.state}); ${s.checks} checks on ${s.hosts} host(s): ${s.compliant} compliant, ${s.drift} drift, ${s.check_errors} error(s)`,
      };
    });

    // 11. Fetch the evidence branch back over HTTP and verify it offline.
    const branch = `writ/evidence/${DEMO_SITE}`;
    const verified = await stage('evidence', async () => {
      rmSync(layout.evidenceBranch, { recursive: true, force: true });
      await demoGitAsync(layout.root, ['clone', '--quiet', '--single-branch', '--branch', branch, server!.url, layout.evidenceBranch]);
      const v = await runWritCommand(evidenceCommand, 'evidence', ['verify', '--dir', layout.evidenceBranch, '--keys', join(layout.policy, 'sites', `${DEMO_SITE}.yaml`), '--format', 'json'], io);
      const out = parseJson<{ ok: boolean; chains: { records: number; verified_through: number; problems: { code: string; message: string }[] }[] }>(v, 'evidence verify');
      const chain = out.chains[0];
      if (v.code !== 0 || !out.ok || !chain) {
        const problem = chain?.problems[0];
        throw new DemoError('DEMO_STAGE_FAILED', `stage evidence: the pushed evidence does not verify${problem ? `: ${problem.code} ${problem.message}` : ''}`, { hint: `Inspect it with writ evidence verify --dir ${layout.evidenceBranch} --keys ${join(layout.policy, 'sites', `${DEMO_SITE}.yaml`)}` });
      }
      const days = readdirSync(join(layout.evidenceBranch, DEMO_SITE, DEMO_APPLIANCE)).filter((f) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(f)).map((f) => f.slice(0, 10)).sort();
      return { value: { records: chain.records, verifiedThrough: chain.verified_through, days }, note: `cloned ${branch} over HTTP; ${chain.records} records over ${days.length} day(s) verify` };
    });

    // 12. THE SITE STEP: build the auditor site from the policy and the verified evidence.
    const site = await stage('site', async () => {
      rmSync(layout.site, { recursive: true, force: true });
      const built = await buildAuditorSite({ repoDir: layout.policy, evidenceDir: layout.evidenceBranch, outDir: layout.site, now });
      return { value: built, note: built.built ? `${built.pages} pages, ${built.records} records, ${built.brokenChains} broken chains, in ${built.outDir}` : `not built: ${built.reason}` };
    });
    saveDemoState(layout, { format: 'writ-demo-state/v1', runs: run, last_now: iso, ...(sshHost ? { ssh_port: sshHost.port } : state?.ssh_port ? { ssh_port: state.ssh_port } : {}) });
    // The pipeline is done: the git server and sshd go before the site is served.
    await server.stop();
    server = undefined;
    await sshHost?.stop();
    sshHost = undefined;

    // 13. Serve the built site on loopback until Ctrl-C (or not at all with --no-serve).
    let siteLine: { url: string } | { reason: string };
    if (!site.built) siteLine = { reason: `not built, so nothing is served: ${site.reason}` };
    else if (values['no-serve']) siteLine = { reason: `built in ${site.outDir}; not served (--no-serve)` };
    else {
      siteServer = await stage('serve site', async () => {
        const s = await serveStatic({ dir: site.outDir, port: 0 });
        return { value: s, note: s.url };
      });
      siteLine = { url: new URL(site.entry, siteServer.url).href };
    }

    io.stdout(renderDemoSummary({
      stateDir, run, now, stages, ...(sshSkipped ? { sshSkipped } : {}), report: agent.report,
      evidence: { recordsThisRun: agent.records, pushedCommit: agent.pushedCommit, records: verified.records, days: verified.days, verifiedThrough: verified.verifiedThrough, branch },
      site: siteLine,
      disruptiveRunbooks: disruptiveRunbooks(layout.policy),
      paths: { policy: layout.policy, keys: layout.keys, agentConfig: layout.agentConfig, evidence: layout.evidence, evidenceBranch: layout.evidenceBranch },
    }));
    if (siteServer) {
      io.stdout(`Serving the auditor site at ${'url' in siteLine ? siteLine.url : siteServer.url} until Ctrl-C.\n`);
      await untilSignal(io);
    }
    return 0;
  } finally {
    unsubscribe?.();
    await siteServer?.close();
    await server?.stop();
    await sshHost?.stop();
  }
}

/** Resolves on the next SIGINT or SIGTERM (at once when this io has no signals). */
function untilSignal(io: CliIo): Promise<void> {
  return new Promise((resolve) => {
    const off = io.onSignal?.(() => {
      off?.();
      resolve();
    });
    if (!off) resolve();
  });
}

/** The agent config for this run: the served repository, the push token, the SSH credential. */
function writeAgentConfig(layout: DemoLayout, url: string, ssh: DemoSshHost | undefined): void {
  const config = {
    apiVersion: 'writ/v1', kind: 'AgentConfig', site: DEMO_SITE, appliance: DEMO_APPLIANCE,
    source: { url, timeout_seconds: 60 },
    trust_root: join(layout.keys, 'root.json'),
    appliance_key: join(layout.appliance, 'appliance.key'),
    state_dir: layout.agentState,
    evidence_dir: layout.evidence,
    connect_timeout_seconds: 10,
    evidence_push: { token_file: join(layout.secrets, 'push-token'), timeout_seconds: 60 },
    ...(ssh ? { credentials: { [SSH_CREDENTIAL]: { username: ssh.user, private_key_file: ssh.clientKey } } } : {}),
  };
  writeFileAtomic(layout.agentConfig, '# Written by writ demo for this run; rewritten on every run.\n' + stringify(config), 0o600);
}

/** Runbook ids whose YAML says `disruptive: true`, from the demo's policy repository. */
function disruptiveRunbooks(policyDir: string): Set<string> {
  const out = new Set<string>();
  for (const platform of ['linux', 'windows']) {
    const dir = join(policyDir, 'runbooks', platform);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.yaml')) continue;
      const doc = parseYaml(readFileSync(join(dir, name), 'utf8')) as { id?: unknown; disruptive?: unknown } | null;
      if (doc?.disruptive === true && typeof doc.id === 'string') out.add(doc.id);
    }
  }
  return out;
}

async function must(run: Promise<CommandRun>, stage: string): Promise<CommandRun> {
  const r = await run;
  if (r.code !== 0) throw stageFailed(stage, r);
  return r;
}

function stageFailed(stage: string, r: CommandRun): DemoError {
  const said = (r.stderr || r.stdout).trim().split('\n').slice(-6).join('\n  ');
  return new DemoError('DEMO_STAGE_FAILED', `stage ${stage}: \`${r.line}\` exited with ${r.code}:\n  ${said}`, { hint: 'Run that command yourself to see all of its output; the state folder is kept.' });
}

function parseJson<T>(r: CommandRun, what: string): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw stageFailed(what, r);
  }
}

