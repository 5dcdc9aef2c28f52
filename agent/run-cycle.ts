import { windowState } from '../core/engine/maintenance-window.js';
import { pruneState } from '../core/engine/agent-state.js';
import { summarizeCycle, type CycleReport, type HostRecord } from '../core/engine/cycle-report.js';
import type { Credential, HostTarget, Transport } from '../core/exec/step.js';
import type { Host } from '../core/model/generated/site.js';
import { resolveBundleHostRules } from '../core/policy/resolve-host-rules.js';
import type { AgentLog } from './agent-log.js';
import { mapLimit } from './map-limit.js';
import { obtainRelease, type ReleaseStatus } from './obtain-release.js';
import { runHost } from './run-host.js';
import { openStateFile } from './state-file.js';

/** What one cycle needs, already read and checked from the agent config. */
export interface CycleSettings {
  site: string;
  appliance?: string;
  source: { url: string; branch: string; token?: string; timeoutMs: number };
  trustedRoot: Uint8Array;
  applianceKey: { privateRaw: Uint8Array; publicRaw: Uint8Array };
  stateDir: string;
  maxReleaseAgeMs: number;
  concurrency: number;
  connectTimeoutMs: number;
  credentials: ReadonlyMap<string, Credential>;
}

export interface CycleDeps {
  /** The transport that serves a host's `transport` kind. */
  transportFor(kind: Host['transport']): Transport;
  /**
   * Receives the finished cycle (the evidence recorder), with the site's own host addresses: the
   * clinic's infrastructure, which the PHI scrubber keeps instead of treating as client addresses.
   */
  record(report: CycleReport, context: { infrastructure: string[] }): Promise<void>;
  log: AgentLog;
  newId(): string;
  /** Monotonic milliseconds. */
  elapsed(): number;
}

/**
 * One agent cycle: obtain the release (newest verified, or the last verified one when the source
 * fails), check every host of the site with bounded concurrency, heal per the rules, persist the
 * agent state, and hand the cycle's report to the recorder. Hosts that fail or time out are
 * reported as such; the others' results are kept.
 *
 * @example
 * const report = await runCycle(settings, deps, now);
 */
export async function runCycle(settings: CycleSettings, deps: CycleDeps, now: Date): Promise<CycleReport> {
  const started = deps.elapsed();
  const runId = deps.newId();
  let log = deps.log.child({ site: settings.site, run_id: runId });
  log.info('cycle_start', { now: now.toISOString() });

  const status = await obtainRelease({
    url: settings.source.url, branch: settings.source.branch, timeoutMs: settings.source.timeoutMs,
    ...(settings.source.token ? { token: settings.source.token } : {}),
    site: settings.site, trustedRoot: settings.trustedRoot, applianceKey: settings.applianceKey,
    stateDir: settings.stateDir, maxAgeMs: settings.maxReleaseAgeMs, now,
  });
  if (status.release) log = log.child({ release_version: status.release.version, release_digest: status.release.bundleSha256 });
  logRelease(log, status, settings.maxReleaseAgeMs);

  const report: CycleReport = {
    format: 'writ-cycle/v1', run_id: runId, site: settings.site, ...(settings.appliance ? { appliance: settings.appliance } : {}),
    started: now.toISOString(), duration_ms: 0, release: releaseSummary(status),
    healing_allowed: status.state === 'new' || status.state === 'current' || status.state === 'stale',
    maintenance_window: { open: false }, hosts: [], summary: summarizeCycle([]),
  };
  if (!status.release) {
    report.duration_ms = Math.round(deps.elapsed() - started);
    await deps.record(report, { infrastructure: [] });
    log.error('cycle_done', { reason_code: 'AGT_NO_RELEASE', ...report.summary });
    return report;
  }

  const bundle = status.release.bundle;
  const site = bundle.site;
  const { store, problem } = openStateFile(settings.stateDir);
  if (problem) log.warn('state_reset', { reason_code: 'AGT_STATE_CORRUPT', message: problem });
  const window = windowState(site.maintenance_windows, site.timezone, now);
  report.maintenance_window = { open: window.open, ...(window.window ? { window: window.window } : {}), ...(window.nextOpen ? { next_open: window.nextOpen } : {}) };

  const hosts = await mapLimit(site.hosts, Math.max(1, settings.concurrency), async (host): Promise<HostRecord> => {
    const hostLog = log.child({ host: host.id });
    try {
      return await runHost({
        bundle, host, target: targetOf(settings, host), transport: deps.transportFor(host.transport), now,
        elapsed: deps.elapsed, healingAllowed: report.healing_allowed, window, state: store, newIncidentId: deps.newId, log: hostLog,
      });
    } catch (e) {
      // A bug or an unexpected fault on one host must not lose the others' results.
      hostLog.error('host_failed', { reason_code: 'AGT_HOST_UNREACHABLE', message: (e as Error).message });
      return {
        host: host.id, platform: host.platform, transport: host.transport, reachable: false, reason_code: 'AGT_HOST_UNREACHABLE',
        message: `internal error: ${(e as Error).message}`, rules: [], skipped: [], started: now.toISOString(), duration_ms: 0,
      };
    }
  });

  const known = new Set<string>();
  for (const host of site.hosts) for (const rule of resolveBundleHostRules(bundle, host.id, now).rules) known.add(`${rule.ruleId}@${host.id}`);
  store.update((s) => pruneState(s, now, known));

  report.hosts = hosts;
  report.summary = summarizeCycle(hosts);
  report.duration_ms = Math.round(deps.elapsed() - started);
  await deps.record(report, { infrastructure: site.hosts.map((h) => h.address).filter((a): a is string => a !== undefined && IP_LITERAL.test(a)) });
  log.info('cycle_done', { ...report.summary, duration_ms: report.duration_ms, release_state: status.state });
  return report;
}

/** An IPv4 or IPv6 literal (host names are not addresses the scrubber would replace). */
const IP_LITERAL = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)$/;

function targetOf(settings: CycleSettings, host: Host): HostTarget | { error: { code: string; message: string } } {
  let credential: Credential | undefined;
  if (host.transport !== 'local') {
    if (!host.credential) return { error: { code: 'EXEC_CREDENTIAL_MISSING', message: `host ${host.id} names no credential` } };
    credential = settings.credentials.get(host.credential);
    if (!credential) return { error: { code: 'EXEC_CREDENTIAL_MISSING', message: `credential ${host.credential} of host ${host.id} is not in the agent's credential store` } };
  }
  return {
    site: settings.site, hostId: host.id, transport: host.transport, platform: host.platform,
    ...(host.address !== undefined ? { address: host.address } : {}),
    ...(host.port !== undefined ? { port: host.port } : {}),
    ...(host.host_key !== undefined ? { hostKey: host.host_key } : {}),
    ...(host.tls_cert_sha256 !== undefined ? { tlsCertSha256: host.tls_cert_sha256 } : {}),
    ...(credential ? { credential } : {}),
    connectTimeoutMs: settings.connectTimeoutMs,
  };
}

function releaseSummary(status: ReleaseStatus): CycleReport['release'] {
  const r = status.release;
  return {
    state: status.state,
    ...(r ? { version: r.version, digest: r.bundleSha256, commit: r.commit, verified_at: r.verifiedAt } : {}),
    ...(status.ageSeconds !== undefined ? { age_seconds: status.ageSeconds } : {}),
    ...(status.reasonCode ? { reason_code: status.reasonCode } : {}),
    ...(status.cause ? { cause: { code: status.cause.code, message: status.cause.message } } : {}),
  };
}

function logRelease(log: AgentLog, status: ReleaseStatus, maxAgeMs: number): void {
  if (status.storeProblem) log.warn('release_store_reset', { reason_code: 'AGT_STATE_CORRUPT', message: status.storeProblem });
  const cause = status.cause ? { cause_code: status.cause.code, message: status.cause.message, hint: status.cause.hint } : {};
  switch (status.state) {
    case 'new':
    case 'current':
      log.info('release_verified', { release_state: status.state, staleness_seconds: 0 });
      return;
    case 'stale':
      log.warn('release_stale', { reason_code: status.reasonCode, staleness_seconds: status.ageSeconds, ...cause });
      return;
    case 'too-old':
      log.error('release_too_old', { reason_code: 'AGT_RELEASE_TOO_OLD', staleness_seconds: status.ageSeconds, max_age_seconds: Math.round(maxAgeMs / 1000), source_reason_code: status.reasonCode, ...cause });
      return;
    case 'none':
      log.error('no_release', { reason_code: 'AGT_NO_RELEASE', source_reason_code: status.reasonCode, ...cause });
  }
}
