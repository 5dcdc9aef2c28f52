import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { CycleReport } from '../../core/engine/cycle-report.js';
import { UsageError, WritError } from '../../core/errors/writ-error.js';
import type { Transport } from '../../core/exec/step.js';
import type { Host } from '../../core/model/generated/site.js';
import { renderText } from '../../core/report/render-text.js';
import { escapeControl } from '../../core/report/escape-control.js';
import { referenceTime } from '../../adapters/clock/system-clock.js';
import { loadAgentConfig } from '../../adapters/config/load-agent-config.js';
import { LocalTransport } from '../../adapters/exec/local-transport.js';
import { PowerShellTransport } from '../../adapters/exec/powershell-transport.js';
import { SshTransport } from '../../adapters/exec/ssh-transport.js';
import { acquirePidLock } from '../../adapters/fs/pid-lock.js';
import { readApplianceKeys } from '../../adapters/keys/appliance-keys.js';
import { runAgentLoop } from '../../agent/agent-loop.js';
import { createAgentLog } from '../../agent/agent-log.js';
import { openEvidenceRecorder } from '../../agent/evidence-recorder.js';
import { recordCycleFile } from '../../agent/record-cycle.js';
import type { CycleSettings } from '../../agent/run-cycle.js';
import type { CliIo } from '../io.js';

export const AGENT_HELP = `Usage: writ agent --config FILE [--once] [--now ISO] [options]

The appliance loop: fetch the release branch, verify the newest release (or keep enforcing the last
verified one while the source is down, corrupt, rolled back or stale), check every host of the site
over SSH, PowerShell remoting or locally, heal drift with the approved runbooks where the rules say
enforce, and record each cycle for evidence. One agent per state dir (a lock file).

Options:
  --config FILE      agent config (see agent/agent.example.yaml)
  --once             run one cycle and exit: 0 all compliant (or healed), 1 drift, errors or an
                     unverified release remain, 2 bad config or a second agent
  --now ISO          reference time for expiry, windows, cooldowns and records (default WRIT_NOW
                     or the clock; in the loop it advances from there)
  --log json|text    log format on stderr (default: text on a terminal, JSON lines otherwise;
                     WRIT_LOG sets it too)
  --format text|json what --once prints on stdout: a summary, or the cycle report
`;

/** `writ agent`. */
export async function agentCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      config: { type: 'string' }, once: { type: 'boolean', default: false }, now: { type: 'string' },
      log: { type: 'string' }, format: { type: 'string', default: 'text' }, help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout(AGENT_HELP);
    return 0;
  }
  if (!values.config) throw new UsageError('writ agent needs --config FILE', { hint: 'Start from agent/agent.example.yaml; run writ agent --help.' });
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`unknown format "${values.format}"`, { hint: 'Use one of: text, json.' });
  const logFormat = values.log ?? io.env['WRIT_LOG'] ?? (io.stderrIsTTY ? 'text' : 'json');
  if (logFormat !== 'text' && logFormat !== 'json') throw new UsageError(`unknown log format "${logFormat}"`, { hint: 'Use --log json or --log text.' });
  const base = values.now !== undefined || io.env['WRIT_NOW'] !== undefined ? referenceTime(values.now, io.env['WRIT_NOW']) : undefined;

  const configPath = resolve(io.cwd, values.config);
  const { config, findings } = loadAgentConfig(configPath);
  if (!config || findings.some((f) => f.severity === 'error')) {
    io.stderr(renderText(findings, { color: false, filesChecked: 1 }));
    io.stderr(`writ: AGT_CONFIG_INVALID: ${configPath} has ${findings.filter((f) => f.severity === 'error').length} problem(s); the agent did not start.\n`);
    return 2;
  }

  const applianceKeys = readApplianceKeys(config.applianceKeyPath);
  if (applianceKeys.site !== config.site) {
    throw new AgentStartError(`the appliance key ${config.applianceKeyPath} belongs to site ${applianceKeys.site}, not ${config.site}`, { hint: `Point appliance_key at this clinic's key, or run writ appliance init --site ${config.site}.` });
  }
  const appliance = config.appliance ?? applianceKeys.id;
  const readSecret = (path: string, what: string) => {
    try {
      return readFileSync(path);
    } catch (e) {
      throw new AgentStartError(`cannot read the ${what} ${path}`, { hint: `Check ${what} in ${configPath}.`, cause: e });
    }
  };
  const settings: CycleSettings = {
    site: config.site,
    appliance,
    source: {
      url: config.source.url, branch: config.source.branch, timeoutMs: config.source.timeoutMs,
      ...(config.source.tokenFile ? { token: readSecret(config.source.tokenFile, 'token_file').toString('utf8').trim() } : {}),
    },
    trustedRoot: new Uint8Array(readSecret(config.trustRootPath, 'trust_root')),
    applianceKey: applianceKeys.encryption,
    stateDir: config.stateDir,
    maxReleaseAgeMs: config.release.maxAgeMs,
    concurrency: config.concurrency,
    connectTimeoutMs: config.connectTimeoutMs,
    credentials: config.credentials,
  };

  const log = createAgentLog({ format: logFormat, level: config.log.level, write: (line) => io.stderr(line) });
  const lock = acquirePidLock(join(ensureDir(config.stateDir), 'agent.lock'));
  const transports = new Map<string, Transport>();
  const transportFor = (kind: Host['transport']): Transport => {
    const key = kind === 'winrm' ? 'powershell-ssh' : kind;
    const existing = transports.get(key);
    if (existing) return existing;
    const made: Transport = key === 'ssh' ? new SshTransport() : key === 'local' ? new LocalTransport() : new PowerShellTransport(config.pwshPath ? { pwshPath: config.pwshPath } : {});
    transports.set(key, made);
    return made;
  };
  let stopResolve: () => void = () => undefined;
  const stopped = new Promise<void>((r) => (stopResolve = r));
  const unsubscribe = io.onSignal?.((signal) => {
    log.info('stopping', { signal });
    stopResolve();
  });
  const startedAt = performance.now();
  // --once replays exactly the given moment; the loop advances from it.
  const nowFn = () => (base === undefined ? new Date() : values.once ? new Date(base.getTime()) : new Date(base.getTime() + (performance.now() - startedAt)));
  let last: CycleReport | undefined;
  try {
    const evidence = await openEvidenceRecorder({
      evidenceDir: config.evidenceDir, stateDir: config.stateDir, site: config.site, appliance,
      signingPem: applianceKeys.signingPem, log, now: nowFn,
      ...(config.evidencePush ? {
        push: {
          url: config.evidencePush.url, branch: config.evidencePush.branch, timeoutMs: config.evidencePush.timeoutMs,
          ...(config.evidencePush.tokenFile ? { token: readSecret(config.evidencePush.tokenFile, 'evidence_push.token_file').toString('utf8').trim() } : {}),
        },
      } : {}),
    });
    last = await runAgentLoop(settings, {
      transportFor,
      record: async (report, context) => {
        // The signed chain is the evidence; the plain report stays in the state dir for people debugging.
        const path = await recordCycleFile(join(config.stateDir, 'cycles'), report);
        log.debug('cycle_report_written', { path });
        await evidence.record(report, context);
      },
      log, newId: randomUUID, elapsed: () => performance.now(),
    }, {
      once: values.once, intervalMs: config.poll.intervalMs, jitterMs: config.poll.jitterMs,
      now: nowFn,
      random: Math.random, stopped,
    });
  } finally {
    unsubscribe?.();
    for (const t of transports.values()) await t.close().catch(() => undefined);
    lock.release();
  }
  if (!values.once || !last) return 0;
  if (values.format === 'json') io.stdout(JSON.stringify(last, null, 2) + '\n');
  else io.stdout(summaryText(last));
  return cycleExitCode(last);
}

/** 0 when every host was reached and nothing is left non-compliant; 1 otherwise. */
export function cycleExitCode(report: CycleReport): number {
  // A release that could not be refreshed is something to act on, even when every host is fine.
  if (report.release.state !== 'new' && report.release.state !== 'current') return 1;
  for (const host of report.hosts) {
    if (!host.reachable) return 1;
    for (const rule of host.rules) {
      if (rule.decision === 'compliant' || rule.decision === 'not-applicable' || rule.decision === 'waived' || rule.decision === 'no-match') continue;
      if (rule.remediation && (rule.remediation.outcome === 'healed' || rule.remediation.outcome === 'already-compliant')) continue;
      return 1;
    }
  }
  return 0;
}

function summaryText(report: CycleReport): string {
  const s = report.summary;
  const r = report.release;
  const release = r.version === undefined ? `no verified release (${r.reason_code ?? ''})` : `release ${r.version} (${r.state}${r.age_seconds ? `, verified ${Math.round(r.age_seconds / 3600)} h ago` : ''})`;
  const lines = [
    `writ agent: site ${report.site}, ${release}, run ${report.run_id}`,
    `  ${s.hosts} host(s), ${s.hosts_unreachable} unreachable; ${s.checks} check(s): ${s.compliant} compliant, ${s.drift} drift, ${s.check_errors} error(s)`,
    `  healed ${s.healed}, heal failed ${s.heal_failed}, planned (audit) ${s.planned}, deferred ${s.deferred}, escalated ${s.escalated}, waived ${s.waived}`,
  ];
  if (r.reason_code) lines.push(`  release source: ${r.reason_code}${r.cause ? ` (${r.cause.code}: ${r.cause.message})` : ''}`);
  for (const host of report.hosts) {
    if (!host.reachable) lines.push(`  ${host.host}: not reached (${host.reason_code}): ${host.message ?? ''}`);
    for (const rule of host.rules) {
      if (rule.decision === 'compliant' || rule.decision === 'no-match' || rule.decision === 'not-checked') continue;
      const outcome = rule.remediation ? ` → ${rule.remediation.outcome}` : '';
      lines.push(`  ${host.host} ${rule.rule}: ${rule.decision}${outcome}${rule.reason_code ? ` (${rule.reason_code})` : ''}`);
    }
  }
  return lines.map((l) => escapeControl(l)).join('\n') + '\n';
}

/** The state dir holds trusted metadata, the release and incidents: private to the agent's user. */
function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

class AgentStartError extends WritError {
  readonly code = 'AGT_CONFIG_INVALID';
}
