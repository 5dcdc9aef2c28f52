import { createHash } from 'node:crypto';
import { BUNDLE_FORMAT, type BundledRunbook, type SiteBundle } from '../core/bundle/site-bundle.js';
import { emptyAgentState, type AgentState } from '../core/engine/agent-state.js';
import type { HostRecord } from '../core/engine/cycle-report.js';
import type { HostTarget, Transport } from '../core/exec/step.js';
import type { Rule } from '../core/model/generated/rule.js';
import type { Host, Site } from '../core/model/generated/site.js';
import type { AgentLog } from '../agent/agent-log.js';
import { mapLimit } from '../agent/map-limit.js';
import { runHost, type StateStore } from '../agent/run-host.js';
import type { CheapCheckRun } from './cheap-checks.js';

/** One bench host: an id and the loopback sshd that serves it. */
export interface BenchHost {
  id: string;
  port: number;
  /** Pinned host key line of that sshd. */
  hostKey: string;
  /** Private key that logs in as `user` there. */
  clientKey: string;
  user: string;
}

const SITE = 'bench-clinic';
// The generated Condition type reads `value` as an object; the schema takes any JSON value.
const FAIL = 'fail' as unknown as NonNullable<Rule['when']>[number]['value'];

/**
 * An in-memory site bundle (what the agent holds after verifying a release) whose site enables one
 * escalate-only rule per check run, with the run's values as the site's rule params, for `hosts`.
 * Each check's runbook carries its script as the signed check text; no result library is bundled.
 *
 * @example
 * const bundle = cheapCheckBundle(cheapCheckRuns(20), [{ id: 'h0', port, hostKey, clientKey, user }]);
 */
export function cheapCheckBundle(runs: readonly CheapCheckRun[], hosts: readonly BenchHost[]): SiteBundle {
  const runbooks = new Map<string, BundledRunbook>();
  const rules: Rule[] = [];
  const site: Site = {
    apiVersion: 'writ/v1', kind: 'Site', id: SITE, name: 'Bench clinic', timezone: 'UTC',
    appliances: [{ id: `${SITE}-appl`, encryption_key: 'A'.repeat(43), signing_key: 'A'.repeat(43) }],
    hosts: hosts.map((h): Host => ({ id: h.id, address: '127.0.0.1', port: h.port, platform: 'linux', transport: 'ssh', host_key: h.hostKey, credential: `bench-${h.port}` })),
    rules: [],
  };
  for (const run of runs) {
    const { check } = run;
    if (!runbooks.has(check.id)) {
      runbooks.set(check.id, {
        apiVersion: 'writ/v1', kind: 'Runbook', id: check.id, name: check.name, version: '1.0.0', platform: 'linux', severity: 'low',
        controls: ['hipaa:164.308(a)(1)(ii)(D)'], disruptive: false,
        parameters: Object.fromEntries(check.params.map((p) => [p.name, { type: p.type, description: p.description, ...(p.pattern ? { pattern: p.pattern } : {}) }])),
        parameter_order: check.params.map((p) => p.name),
        scripts: { check: { text: check.script, sha256: createHash('sha256').update(check.script).digest('hex'), timeout_seconds: 30 } },
        evidence_fields: [],
      });
    }
    const ruleId = `L1-${check.id}-V${run.variant}`;
    rules.push({
      apiVersion: 'writ/v1', kind: 'Rule', id: ruleId, name: `${check.name} (${run.variant})`, severity: 'low', check: check.id,
      when: [{ field: 'status', op: 'eq', value: FAIL }], action: { type: 'escalate', reason: 'bench' },
    });
    site.rules.push({ rule: ruleId, params: Object.fromEntries(check.params.map((p, j) => [p.name, run.values[j]!])) });
  }
  return { format: BUNDLE_FORMAT, site, rules, runbooks: [...runbooks.values()], libraries: [], controls: [], source: { commit: 'b'.repeat(40) } };
}

/** How the agent reaches a bench host (what run-cycle.ts builds from the site file and credential store). */
export function benchTarget(host: BenchHost): HostTarget {
  return {
    site: SITE, hostId: host.id, transport: 'ssh', platform: 'linux', address: '127.0.0.1', port: host.port, hostKey: host.hostKey,
    credential: { name: `bench-${host.port}`, username: host.user, privateKeyPath: host.clientKey }, connectTimeoutMs: 30_000,
  };
}

/**
 * Runs the agent's per-host flow (agent/run-host.ts: resolve rules, one check batch per host,
 * read results, decide) for every host of the bundle, `concurrency` hosts at a time as runCycle
 * does, with an in-memory state store and a silent log.
 */
export async function runAgentHosts(bundle: SiteBundle, hosts: readonly BenchHost[], transport: Transport, concurrency: number): Promise<HostRecord[]> {
  let state: AgentState = emptyAgentState();
  const store: StateStore = { get: () => state, update: (change) => void (state = change(state)) };
  let ids = 0;
  const now = new Date();
  const byId = new Map(bundle.site.hosts.map((h) => [h.id, h]));
  return mapLimit(hosts, concurrency, (h) => runHost({
    bundle, host: byId.get(h.id)!, target: benchTarget(h), transport, now, elapsed: () => performance.now(),
    healingAllowed: true, window: { open: false }, state: store, newIncidentId: () => `bench-${++ids}`, log: silentLog,
  }));
}

/** Problems in agent host records: unreachable hosts and checks that did not pass. */
export function recordProblems(records: readonly HostRecord[], checksPerHost: number): string[] {
  const problems: string[] = [];
  for (const r of records) {
    if (!r.reachable) problems.push(`${r.host}: unreachable (${r.reason_code ?? ''} ${r.message ?? ''})`);
    else if (r.rules.length !== checksPerHost) problems.push(`${r.host}: ${r.rules.length} rules instead of ${checksPerHost}`);
    for (const rule of r.rules) if (rule.check.status !== 'pass') problems.push(`${r.host} ${rule.rule}: ${rule.check.status} ${rule.check.reason_code ?? ''} ${rule.check.message}`);
  }
  return problems;
}

const silentLog: AgentLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => silentLog };
