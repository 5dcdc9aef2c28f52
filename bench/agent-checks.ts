/**
 * The same 20 cheap checks on 1 host and on 5 hosts (5 sshd on loopback), side by side in one run:
 * - writ: per host one SshTransport session and one `run()` of the 20 StepRequests, hosts in
 *   parallel (what the agent does per host); also the whole agent per-host path (runHost: resolve
 *   the rules from a site bundle, one batch, read and schema-check each result, decide).
 * - floor: per host one OpenSSH `ssh … bash -s` with the 20 checks concatenated on stdin.
 * - Ansible (Debian's, `apt-get install ansible`): a playbook of 20 `ansible.builtin.shell` tasks with
 *   the same text, pipelining on, forks = hosts, gathering explicit.
 * Targets: writ ≥ 25× faster than Ansible (ratio ≤ 0.04) and ≤ 1.5× the floor. Plus the agent's peak
 * RSS for 100 hosts × 77 checks at concurrency 8, measured in a child process (target < 150 MB).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SshTransport } from '../adapters/exec/ssh-transport.js';
import type { StepOutcome, StepRequest } from '../core/exec/step.js';
import type { RssChildConfig, RssChildResult } from './agent-rss-child.js';
import { type Benchmark, type BenchRow, formatBenchTable, median, ratioCell } from './bench-table.js';
import { benchTarget, cheapCheckBundle, recordProblems, runAgentHosts, type BenchHost } from './cheap-check-agent.js';
import { cheapCheckRuns, cheapCheckSteps, standaloneCheck, type CheapCheckRun } from './cheap-checks.js';
import { startSshd, type TestSshd } from '../testkit/sshd.js';

export interface AgentChecksOptions {
  log?: (line: string) => void;
  /** Measured runs of writ and the floor per host count (after one warm-up); default 5. */
  runs?: number;
  /** Measured Ansible runs per host count (after one warm-up); default 3. */
  ansibleRuns?: number;
  /** Hosts and checks per host of the memory run; default 100 × 77. */
  rssHosts?: number;
  rssChecks?: number;
}

const CHECKS = 20;
const HOST_COUNTS = [1, 5] as const;
/** The agent's default host concurrency (agent config `concurrency`). */
const AGENT_CONCURRENCY = 8;
const ANSIBLE_PLAYBOOK = '/usr/bin/ansible-playbook';

/** What is running or on disk, so Ctrl-C or a kill still removes every sshd, temp dir and child. */
class Leftovers {
  readonly sshds: TestSshd[] = [];
  readonly dirs: string[] = [];
  readonly children = new Set<ChildProcess>();
  /** Ansible's ControlPersist folders: their ssh masters outlive ansible-playbook by 60 s. */
  readonly controlDirs = new Set<string>();

  track(child: ChildProcess): ChildProcess {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  /** Synchronous, so a signal handler can call it. */
  removeAll(): void {
    for (const c of this.children) c.kill('SIGKILL');
    for (const d of this.controlDirs) closeControlMasters(d);
    for (const s of this.sshds) s.stopNow();
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}

/**
 * Runs the benchmark and returns its rows (detail lines go to `log`).
 *
 * @example
 * const rows = await agentChecks({ runs: 3, ansibleRuns: 1 });
 */
export async function agentChecks(options: AgentChecksOptions = {}): Promise<BenchRow[]> {
  const log = options.log ?? ((line: string) => console.log(line));
  const runs = Math.max(1, options.runs ?? 5);
  const ansibleRuns = Math.max(1, options.ansibleRuns ?? 3);
  const rssHosts = options.rssHosts ?? 100;
  const rssChecks = options.rssChecks ?? 77;
  if (!existsSync(ANSIBLE_PLAYBOOK)) throw new Error(`${ANSIBLE_PLAYBOOK} is missing: this benchmark compares with Debian's Ansible. Run: apt-get install -y ansible`);

  const left = new Leftovers();
  const onSignal = (signal: NodeJS.Signals) => {
    left.removeAll();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const loadStart = loadavg().map((x) => x.toFixed(2)).join(' ');
  try {
    const work = mkdtempSync(join(tmpdir(), 'writ-bench-agent-checks-'));
    left.dirs.push(work);
    // writ-test (Ansible's remote user) must reach remote-tmp; nothing secret lives in `work`.
    chmodSync(work, 0o711);
    const started = await Promise.allSettled(Array.from({ length: Math.max(...HOST_COUNTS) }, () => startSshd()));
    for (const s of started) if (s.status === 'fulfilled') left.sshds.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const sshds = left.sshds;
    const ansibleVersion = execFileSync(ANSIBLE_PLAYBOOK, ['--version'], { env: ansibleEnv(work, join(work, 'none.cfg'), join(work, 'cp-version')), encoding: 'utf8' }).split('\n')[0]!.trim();
    log(`agent-checks: ${CHECKS} cheap checks (bench/cheap-checks.ts) per host, ${sshds.length} sshd on 127.0.0.1 (ports ${sshds.map((s) => s.port).join(', ')}); ${ansibleVersion}`);
    log(`  load average at start: ${loadStart}`);

    const checkRuns = cheapCheckRuns(CHECKS);
    const steps = cheapCheckSteps(checkRuns);
    const floorScript = checkRuns.map(standaloneCheck).join('');
    const remoteTmp = join(work, 'remote-tmp');
    mkdirSync(remoteTmp);
    chmodSync(remoteTmp, 0o1777);
    writeFileSync(join(work, 'playbook.yml'), playbook(checkRuns));
    const transport = new SshTransport();

    const rows: BenchRow[] = [];
    for (const n of HOST_COUNTS) {
      const hosts: BenchHost[] = sshds.slice(0, n).map((s, i) => ({ id: `host-${i}`, port: s.port, hostKey: s.hostKey, clientKey: s.clientKey, user: s.user }));
      const bundle = cheapCheckBundle(checkRuns, hosts);
      const cfg = writeAnsibleFiles(work, hosts, sshds, n, remoteTmp);
      let cpRun = 0;
      const measures: Measure[] = [
        {
          name: 'writ', times: [], run: async () => Promise.all(hosts.map((h) => writHost(transport, h, steps))),
        },
        {
          name: 'writ runHost', times: [], run: async () => {
            const records = await runAgentHosts(bundle, hosts, transport, AGENT_CONCURRENCY);
            return () => recordProblems(records, CHECKS);
          },
        },
        { name: 'floor', times: [], run: async () => Promise.all(hosts.map((h, i) => floorHost(left, h, sshds[i]!, floorScript))) },
        {
          name: 'ansible', times: [], maxRuns: ansibleRuns,
          run: async () => ansibleRun(left, work, cfg, join(work, `cp-${n}-${cpRun}`)),
          // Its ssh masters linger 60 s (ControlPersist) and must not serve the next run.
          settle: () => closeControlMasters(join(work, `cp-${n}-${cpRun++}`)),
        },
        // Detail only: one ssh login and an empty command, the fixed cost inside the floor.
        { name: 'ssh login only', times: [], run: async () => Promise.all(hosts.map((h, i) => floorHost(left, h, sshds[i]!, ''))) },
      ];
      const writPhases: HostPhases[][] = [];
      for (let r = -1; r < runs; r++) {
        // Rotate the order so no measure always runs first (or right after the slowest).
        const order = measures.map((_, i) => measures[(i + Math.max(r, 0)) % measures.length]!);
        for (const m of order) {
          if (r >= 0 && m.maxRuns !== undefined && r >= m.maxRuns) continue;
          const t0 = performance.now();
          const out = await m.run();
          const ms = performance.now() - t0;
          m.settle?.();
          const problems = problemsOf(m.name, out);
          if (problems.length > 0) throw new Error(`${m.name}, ${n} host(s): ${problems.slice(0, 3).join('; ')}`);
          if (r < 0) continue;
          m.times.push(ms);
          if (m.name === 'writ') writPhases.push(out as HostPhases[]);
        }
      }
      const med = Object.fromEntries(measures.map((m) => [m.name, median(m.times)])) as Record<string, number>;
      const label = `${n} host${n === 1 ? '' : 's'}`;
      log(`\n  ${label} × ${CHECKS} checks (medians; all runs in ms, run order rotated):`);
      for (const m of measures) log(`    ${m.name.padEnd(15)} ${med[m.name]!.toFixed(0).padStart(6)} ms   [${m.times.map((t) => t.toFixed(0)).join(', ')}]`);
      const ratios = [
        ['writ / ansible', med['writ']! / med['ansible']!], ['writ / floor', med['writ']! / med['floor']!],
        ['writ runHost / ansible', med['writ runHost']! / med['ansible']!], ['writ runHost / floor', med['writ runHost']! / med['floor']!],
        ['floor / ansible', med['floor']! / med['ansible']!], ['ansible / writ', med['ansible']! / med['writ']!],
      ] as const;
      log(`    ratios: ${ratios.map(([k, v]) => `${k} ${ratioCell(v)}`).join(', ')}`);
      log(`    writ per host (median over hosts and runs): ${phaseSummary(writPhases.flat())}`);
      rows.push(
        { measure: `agent checks, ${label} × ${CHECKS}: writ vs Ansible`, writMs: med['writ']!, anchorMs: med['ansible']!, maxWritMs: null, maxRatio: 0.04 },
        { measure: `agent checks, ${label} × ${CHECKS}: writ vs 1 ssh exec/host`, writMs: med['writ']!, anchorMs: med['floor']!, maxWritMs: null, maxRatio: 1.5 },
        { measure: `agent checks, ${label} × ${CHECKS}: runHost vs 1 ssh exec/host`, writMs: med['writ runHost']!, anchorMs: med['floor']!, maxWritMs: null, maxRatio: null },
      );
    }
    await transport.close();

    // Memory: the agent's per-host flow for rssHosts hosts × rssChecks checks in a child process.
    const rss = await rssChild(left, work, sshds, rssHosts, rssChecks);
    if (rss.problems.length > 0) throw new Error(`memory run: ${rss.problems.join('; ')}`);
    const rssMB = (rss.maxRssKiB * 1024) / 1e6;
    log(`\n  memory: ${rss.hosts} hosts × ${rss.checks} checks, concurrency ${AGENT_CONCURRENCY}, ${sshds.length} sshd (${rssHosts / sshds.length} host ids and connections each): ` +
      `peak RSS ${rssMB.toFixed(1)} MB (${(rss.maxRssKiB / 1024).toFixed(1)} MiB), ${((rss.startRssKiB * 1024) / 1e6).toFixed(1)} MB before the first host; ${(rss.durationMs / 1000).toFixed(1)} s`);
    rows.push({ measure: `agent peak RSS, ${rss.hosts} hosts × ${rss.checks} checks`, writMs: rssMB, anchorMs: null, maxWritMs: 150, maxRatio: null, unit: 'MB' });
    log(`  load average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (start ${loadStart})`);
    return rows;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    left.removeAll();
    await Promise.all(left.sshds.map((s) => s.stop().catch(() => undefined)));
  }
}

interface Measure {
  name: string;
  times: number[];
  maxRuns?: number;
  run(): Promise<unknown>;
  /** Runs after each timed run, outside the timing. */
  settle?: () => void;
}

/** Where one host's time went in a writ run. */
interface HostPhases {
  openMs: number;
  runMs: number;
  closeMs: number;
  /** Sum of the steps' durations as the runner timed them (on the host). */
  stepsMs: number;
  outcomes: StepOutcome[];
}

async function writHost(transport: SshTransport, host: BenchHost, steps: StepRequest[]): Promise<HostPhases> {
  const t0 = performance.now();
  const session = await transport.open(benchTarget(host));
  const t1 = performance.now();
  let outcomes: StepOutcome[];
  let t2: number;
  try {
    outcomes = await session.run(steps);
  } finally {
    t2 = performance.now();
    await session.close();
  }
  const t3 = performance.now();
  return { openMs: t1 - t0, runMs: t2 - t1, closeMs: t3 - t2, stepsMs: outcomes.reduce((s, o) => s + o.durationMs, 0), outcomes };
}

function phaseSummary(phases: HostPhases[]): string {
  const m = (f: (p: HostPhases) => number) => median(phases.map(f)).toFixed(0);
  return `open (TCP + SSH handshake + auth) ${m((p) => p.openMs)} ms, run (one exec channel, ${CHECKS} steps) ${m((p) => p.runMs)} ms ` +
    `of which the steps themselves ${m((p) => p.stepsMs)} ms (runner-timed), close ${m((p) => p.closeMs)} ms`;
}

/** Problems in what a measure returned (checked after the timing). */
function problemsOf(name: string, out: unknown): string[] {
  if (name === 'writ') {
    return (out as HostPhases[]).flatMap((p) => p.outcomes.filter((o) => o.state !== 'ran' || o.exitCode !== 0 || !o.stdout.startsWith('{"status":"pass"'))
      .map((o) => `${o.key}: ${o.state} ${o.exitCode} ${o.reasonCode ?? ''} ${o.message ?? ''} ${o.stdout.slice(0, 120)} ${o.stderr.slice(0, 200)}`));
  }
  if (name === 'writ runHost') return (out as () => string[])();
  if (name === 'floor') {
    return (out as string[]).flatMap((stdout, i) => {
      const lines = stdout.trim().split('\n');
      const bad = lines.filter((l) => !l.startsWith('{"status":"pass"'));
      return lines.length !== CHECKS || bad.length > 0 ? [`host ${i}: ${lines.length} result lines, ${bad.length} not pass: ${bad[0] ?? ''}`] : [];
    });
  }
  return [];
}

/** One `ssh … bash -s` per host with `script` on stdin; resolves to its stdout. */
function floorHost(left: Leftovers, host: BenchHost, sshd: TestSshd, script: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = left.track(spawn('ssh', [
      '-F', '/dev/null', '-i', host.clientKey, '-o', `UserKnownHostsFile=${sshd.knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes',
      '-o', 'IdentitiesOnly=yes', '-p', String(host.port), `${host.user}@127.0.0.1`, 'bash -s',
    ], { stdio: ['pipe', 'pipe', 'pipe'] }));
    const out: Buffer[] = [];
    let err = '';
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => (err += String(d)));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolvePromise(Buffer.concat(out).toString('utf8')) : reject(new Error(`ssh exited ${code}: ${err.trim()}`))));
    child.stdin!.end(script);
  });
}

/**
 * The playbook as YAML text: one shell task per check. Each command is tagged `!unsafe` so Jinja
 * leaves the shell text alone (`{#` in `${#lines[@]}` would open a template comment); a JSON string
 * is a valid YAML double-quoted scalar.
 */
function playbook(runs: readonly CheapCheckRun[]): string {
  const tasks = runs.map((r) => [
    `    - name: ${r.check.id}`,
    '      ansible.builtin.shell:',
    `        cmd: !unsafe ${JSON.stringify(standaloneCheck(r))}`,
    '        executable: /bin/bash',
    '      changed_when: false',
  ].join('\n'));
  return ['- name: cheap checks', '  hosts: all', '  gather_facts: false', '  tasks:', ...tasks, ''].join('\n');
}

/** Inventory and ansible.cfg for `n` hosts; returns the cfg path. */
function writeAnsibleFiles(work: string, hosts: readonly BenchHost[], sshds: readonly TestSshd[], n: number, remoteTmp: string): string {
  const inventory = {
    all: {
      hosts: Object.fromEntries(hosts.map((h, i) => [h.id, {
        ansible_host: '127.0.0.1', ansible_port: h.port, ansible_user: h.user, ansible_ssh_private_key_file: h.clientKey,
        ansible_ssh_common_args: `-o UserKnownHostsFile=${sshds[i]!.knownHosts} -o StrictHostKeyChecking=yes`,
      }])),
    },
  };
  const inventoryPath = join(work, `inventory-${n}.yml`);
  writeFileSync(inventoryPath, JSON.stringify(inventory, null, 1));
  const cfgPath = join(work, `ansible-${n}.cfg`);
  writeFileSync(cfgPath, [
    '[defaults]',
    `inventory = ${inventoryPath}`,
    `forks = ${n}`,
    'gathering = explicit',
    'host_key_checking = True',
    // Pinned, so no interpreter discovery round trip (the fastest setting, not the default).
    'interpreter_python = /usr/bin/python3',
    'retry_files_enabled = False',
    `local_tmp = ${join(work, 'ansible-local')}`,
    `remote_tmp = ${remoteTmp}`,
    'nocolor = True',
    'deprecation_warnings = False',
    '',
    '[ssh_connection]',
    'pipelining = True',
    '',
  ].join('\n'));
  return cfgPath;
}

/** Ansible's environment: its config, and every folder it writes to inside `work` (no ~/.ansible). */
function ansibleEnv(work: string, cfg: string, controlDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env, ANSIBLE_CONFIG: cfg, ANSIBLE_HOME: join(work, 'ansible-home'), ANSIBLE_LOCAL_TEMP: join(work, 'ansible-local'),
    ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir, ANSIBLE_NOCOLOR: '1',
  };
}

/**
 * One ansible-playbook run with a fresh ControlPersist folder `controlDir` (no warm master from an
 * earlier run); the caller closes its masters afterwards (closeControlMasters), outside the timing.
 */
async function ansibleRun(left: Leftovers, work: string, cfg: string, controlDir: string): Promise<void> {
  left.controlDirs.add(controlDir);
  await new Promise<void>((resolvePromise, reject) => {
    const child = left.track(spawn(ANSIBLE_PLAYBOOK, [join(work, 'playbook.yml')], { env: ansibleEnv(work, cfg, controlDir), stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    child.stdout!.on('data', (d) => (out += String(d)));
    child.stderr!.on('data', (d) => (out += String(d)));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 && / failed=0 /.test(out) ? resolvePromise() : reject(new Error(`ansible-playbook exited ${code}: ${out.slice(-1500)}`))));
  });
}

/** Asks each ssh ControlMaster in `dir` to exit, then removes the folder (synchronous; fine in a signal handler). */
function closeControlMasters(dir: string): void {
  let sockets: string[] = [];
  try {
    sockets = readdirSync(dir);
  } catch {
    return;
  }
  for (const s of sockets) {
    try {
      execFileSync('ssh', ['-F', '/dev/null', '-o', `ControlPath=${join(dir, s)}`, '-O', 'exit', 'bench-control'], { stdio: 'ignore', timeout: 5000 });
    } catch {
      // Already gone.
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Spawns the memory child with `hosts` host ids spread over the sshds and returns its report. */
async function rssChild(left: Leftovers, work: string, sshds: readonly TestSshd[], hosts: number, checks: number): Promise<RssChildResult> {
  const config: RssChildConfig = {
    checks, concurrency: AGENT_CONCURRENCY,
    hosts: Array.from({ length: hosts }, (_, i) => {
      const s = sshds[i % sshds.length]!;
      return { id: `host-${String(i).padStart(3, '0')}`, port: s.port, hostKey: s.hostKey, clientKey: s.clientKey, user: s.user };
    }),
  };
  const configPath = join(work, 'rss-child.json');
  writeFileSync(configPath, JSON.stringify(config));
  const childJs = join(dirname(fileURLToPath(import.meta.url)), 'agent-rss-child.js');
  return new Promise((resolvePromise, reject) => {
    const child = left.track(spawn(process.execPath, [childJs, configPath], { stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += String(d)));
    child.stderr!.on('data', (d) => (err += String(d)));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`agent-rss-child exited ${code}: ${err.slice(-1500)}`));
      try {
        resolvePromise(JSON.parse(out.trim().split('\n').pop()!) as RssChildResult);
      } catch {
        reject(new Error(`agent-rss-child printed no result: ${out.slice(-500)} ${err.slice(-500)}`));
      }
    });
  });
}

export const ANCHOR_DESCRIPTION = 'writ vs Ansible: Debian\'s ansible-playbook, 20 shell tasks, pipelining, forks = hosts; writ vs floor: one `ssh … bash -s` per host with the 20 checks on stdin';

/** Picked up by bench/run-all.ts. */
export const benchmark: Benchmark = {
  name: 'agent-checks',
  anchor: ANCHOR_DESCRIPTION,
  run: (log) => agentChecks({ log }),
};

/** `node dist/bench/agent-checks.js [--runs N] [--ansible-runs N] [--rss-hosts N] [--rss-checks N]` */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string' }, 'ansible-runs': { type: 'string' }, 'rss-hosts': { type: 'string' }, 'rss-checks': { type: 'string' } },
    strict: true,
  });
  const rows = await agentChecks({
    ...(values.runs ? { runs: Number(values.runs) } : {}),
    ...(values['ansible-runs'] ? { ansibleRuns: Number(values['ansible-runs']) } : {}),
    ...(values['rss-hosts'] ? { rssHosts: Number(values['rss-hosts']) } : {}),
    ...(values['rss-checks'] ? { rssChecks: Number(values['rss-checks']) } : {}),
  });
  console.log(`\n${formatBenchTable(rows, 'anchor or floor ms')}\n\nratio = writ / anchor; ${ANCHOR_DESCRIPTION}.`);
  console.log(`medians of ${values.runs ?? 5} runs (Ansible ${values['ansible-runs'] ?? 3}) after 1 warm-up each; ${process.version}, ${process.platform}/${process.arch}`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
