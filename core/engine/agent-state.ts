/**
 * The agent's memory between cycles: cooldowns and open incidents, keyed by (rule, host)
 * (DESIGN.md: "Cooldown is keyed by (rule, host)"). Every update returns a new state and leaves the
 * old one alone. Callers persist the state *before* running a remediation, so a crash mid-heal
 * still counts the attempt.
 */
export interface AgentState {
  version: 1;
  /** stateKey → ISO instant until which the rule does not act on the host again. */
  cooldowns: Record<string, string>;
  /** stateKey → the open incident: drift the rule found and has not seen healed. */
  incidents: Record<string, Incident>;
}

/** Drift of one rule on one host, from the first remediation attempt (or escalation) until a check passes. */
export interface Incident {
  id: string;
  rule: string;
  host: string;
  /** ISO instant the incident was opened. */
  opened: string;
  /** Remediation attempts so far (counted when they start). */
  attempts: number;
  /** ISO instant of the latest attempt. */
  lastAttempt?: string;
  /** ISO instant a person was alerted; set once, so the incident is not raised twice. */
  escalated?: string;
}

/** Keys a state file may hold at the top level and in an incident; anything else is refused. */
const STATE_KEYS = ['version', 'cooldowns', 'incidents'];
const INCIDENT_KEYS = ['id', 'rule', 'host', 'opened', 'attempts', 'lastAttempt', 'escalated'];
/** What Date#toISOString writes; the only instant format the state uses. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const STATE_KEY = /^[^@\s]+@[^@\s]+$/;

/**
 * The key of a (rule, host) pair in AgentState.
 *
 * @example
 * stateKey('L1-LIN-SSH-001', 'ehr-db-01'); // 'L1-LIN-SSH-001@ehr-db-01'
 */
export function stateKey(rule: string, host: string): string {
  return `${rule}@${host}`;
}

/**
 * The state of an agent that remembers nothing yet.
 *
 * @example
 * emptyAgentState(); // { version: 1, cooldowns: {}, incidents: {} }
 */
export function emptyAgentState(): AgentState {
  return { version: 1, cooldowns: {}, incidents: {} };
}

/**
 * Checks a parsed state file strictly and returns a fresh copy, or the first problem found (the
 * caller moves the file aside and starts afresh, AGT_STATE_CORRUPT). Unknown versions, unknown
 * keys, keys that do not match their incident, non-ISO instants and negative or fractional
 * attempt counts are refused.
 *
 * @example
 * parseAgentState(JSON.parse(text)); // { state: { version: 1, … } } or { problem: 'version: 2 is not supported (expected 1)' }
 */
export function parseAgentState(value: unknown): { state: AgentState } | { problem: string } {
  if (!isPlainObject(value)) return { problem: 'the state is not a JSON object' };
  const extra = Object.keys(value).find((k) => !STATE_KEYS.includes(k));
  if (extra !== undefined) return { problem: `unknown key ${JSON.stringify(extra)}` };
  if (value['version'] !== 1) return { problem: `version: ${JSON.stringify(value['version'] ?? null)} is not supported (expected 1)` };

  const cooldowns = value['cooldowns'];
  if (!isPlainObject(cooldowns)) return { problem: 'cooldowns: expected an object' };
  const cooldownEntries: [string, string][] = [];
  for (const [key, until] of Object.entries(cooldowns)) {
    if (!STATE_KEY.test(key)) return { problem: `cooldowns: key ${JSON.stringify(key)} is not rule@host` };
    if (!isInstant(until)) return { problem: `cooldowns[${JSON.stringify(key)}]: expected an ISO instant` };
    cooldownEntries.push([key, until]);
  }

  const incidents = value['incidents'];
  if (!isPlainObject(incidents)) return { problem: 'incidents: expected an object' };
  const incidentEntries: [string, Incident][] = [];
  for (const [key, raw] of Object.entries(incidents)) {
    const at = `incidents[${JSON.stringify(key)}]`;
    const incident = parseIncident(raw);
    if (typeof incident === 'string') return { problem: `${at}${incident}` };
    if (key !== stateKey(incident.rule, incident.host)) return { problem: `${at}: key does not match its rule and host` };
    incidentEntries.push([key, incident]);
  }
  // fromEntries defines own keys, so a "__proto__" key could never reach a prototype (and STATE_KEY refuses it anyway).
  return { state: { version: 1, cooldowns: Object.fromEntries(cooldownEntries), incidents: Object.fromEntries(incidentEntries) } };
}

/**
 * The instant until which the rule is in cooldown on the host, when that is still after `now`.
 *
 * @example
 * cooldownUntil(state, 'L1-LIN-SSH-001', 'ehr-db-01', now); // '2026-03-01T10:05:00.000Z' or undefined
 */
export function cooldownUntil(state: AgentState, rule: string, host: string, now: Date): string | undefined {
  const until = own(state.cooldowns, stateKey(rule, host));
  if (until === undefined) return undefined;
  const ms = Date.parse(until);
  return Number.isFinite(ms) && ms > now.getTime() ? until : undefined;
}

/** What beginAttempt needs: the pair, the reference time, the rule's cooldown and an id for a new incident. */
export interface AttemptStart {
  rule: string;
  host: string;
  now: Date;
  cooldownSeconds: number;
  /** Used only when no incident is open for the pair. */
  incidentId: string;
}

/**
 * Records that a remediation attempt starts: opens the incident when none is open, counts the
 * attempt, stamps lastAttempt and starts the cooldown (now + cooldownSeconds). Persist the returned
 * state before running the remediation.
 *
 * @example
 * const { state: next, incident } = beginAttempt(state, { rule: 'L1-LIN-SSH-001', host: 'ehr-db-01', now, cooldownSeconds: 300, incidentId: 'inc-7f3a' });
 * // incident.attempts === 1 on the first attempt
 */
export function beginAttempt(state: AgentState, start: AttemptStart): { state: AgentState; incident: Incident } {
  const key = stateKey(start.rule, start.host);
  const at = start.now.toISOString();
  const existing = own(state.incidents, key);
  const incident: Incident = existing
    ? { ...existing, attempts: existing.attempts + 1, lastAttempt: at }
    : { id: start.incidentId, rule: start.rule, host: start.host, opened: at, attempts: 1, lastAttempt: at };
  const seconds = Number.isFinite(start.cooldownSeconds) && start.cooldownSeconds > 0 ? start.cooldownSeconds : 0;
  const until = new Date(start.now.getTime() + seconds * 1000).toISOString();
  return {
    state: { ...state, cooldowns: { ...state.cooldowns, [key]: until }, incidents: { ...state.incidents, [key]: incident } },
    incident,
  };
}

/**
 * Records that a person was alerted about the pair. Opens an incident with no attempts when none is
 * open (an escalate rule), using `incidentId` or, without one, `rule@host@<now ISO>`. An incident
 * already escalated keeps its first escalation time.
 *
 * @example
 * markEscalated(state, 'L1-LIN-SSH-001', 'ehr-db-01', now).incidents['L1-LIN-SSH-001@ehr-db-01'].escalated; // now as ISO
 */
export function markEscalated(state: AgentState, rule: string, host: string, now: Date, incidentId?: string): AgentState {
  const key = stateKey(rule, host);
  const at = now.toISOString();
  const existing = own(state.incidents, key);
  if (existing?.escalated !== undefined) return state;
  const incident: Incident = existing
    ? { ...existing, escalated: at }
    : { id: incidentId ?? `${key}@${at}`, rule, host, opened: at, attempts: 0, escalated: at };
  return { ...state, incidents: { ...state.incidents, [key]: incident } };
}

/**
 * The rule's check passed on the host: the incident is over. The cooldown stays, so a flapping
 * setting is not healed again at once. Returns the same state when no incident is open.
 *
 * @example
 * closeIncident(state, 'L1-LIN-SSH-001', 'ehr-db-01');
 */
export function closeIncident(state: AgentState, rule: string, host: string): AgentState {
  const key = stateKey(rule, host);
  if (own(state.incidents, key) === undefined) return state;
  const incidents = Object.fromEntries(Object.entries(state.incidents).filter(([k]) => k !== key));
  return { ...state, incidents };
}

/**
 * Drops cooldowns that ended at or before `now` and, when `knownKeys` (the stateKeys of the
 * release's rule/host pairs) is given, incidents of pairs the release no longer has. Returns the
 * same state when nothing is dropped, so the caller can skip writing it.
 *
 * @example
 * pruneState(state, now, rules.map((r) => stateKey(r.ruleId, host.id)));
 */
export function pruneState(state: AgentState, now: Date, knownKeys?: Iterable<string>): AgentState {
  const t = now.getTime();
  const cooldowns = Object.entries(state.cooldowns).filter(([, until]) => Date.parse(until) > t);
  const known = knownKeys === undefined ? undefined : new Set(knownKeys);
  const incidents = Object.entries(state.incidents).filter(([key]) => known === undefined || known.has(key));
  if (cooldowns.length === Object.keys(state.cooldowns).length && incidents.length === Object.keys(state.incidents).length) return state;
  return { ...state, cooldowns: Object.fromEntries(cooldowns), incidents: Object.fromEntries(incidents) };
}

function parseIncident(raw: unknown): Incident | string {
  if (!isPlainObject(raw)) return ': expected an object';
  const extra = Object.keys(raw).find((k) => !INCIDENT_KEYS.includes(k));
  if (extra !== undefined) return `: unknown key ${JSON.stringify(extra)}`;
  const { id, rule, host, opened, attempts, lastAttempt, escalated } = raw;
  for (const [name, v] of [['id', id], ['rule', rule], ['host', host]] as const) {
    if (typeof v !== 'string' || v === '' || v.length > 200) return `.${name}: expected a non-empty string`;
  }
  if (!isInstant(opened)) return '.opened: expected an ISO instant';
  if (typeof attempts !== 'number' || !Number.isSafeInteger(attempts) || attempts < 0) return '.attempts: expected a whole number ≥ 0';
  if (lastAttempt !== undefined && !isInstant(lastAttempt)) return '.lastAttempt: expected an ISO instant';
  if (escalated !== undefined && !isInstant(escalated)) return '.escalated: expected an ISO instant';
  const incident: Incident = { id: id as string, rule: rule as string, host: host as string, opened, attempts };
  if (lastAttempt !== undefined) incident.lastAttempt = lastAttempt;
  if (escalated !== undefined) incident.escalated = escalated;
  return incident;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isInstant(v: unknown): v is string {
  if (typeof v !== 'string' || !ISO_INSTANT.test(v)) return false;
  // Round-trip, so impossible dates such as 2026-02-30 are refused.
  const ms = Date.parse(v);
  return Number.isFinite(ms) && new Date(ms).toISOString() === v;
}

/** Own keys only: state records are plain objects and must never answer from Object.prototype. */
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
