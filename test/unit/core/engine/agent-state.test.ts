import { describe, expect, it } from 'vitest';
import {
  beginAttempt,
  closeIncident,
  cooldownUntil,
  emptyAgentState,
  markEscalated,
  parseAgentState,
  pruneState,
  stateKey,
  type AgentState,
} from '../../../../core/engine/agent-state.js';
import { at, deepFreeze, iso, NOW } from './fixtures.js';

const RULE = 'L1-LIN-SSH-001';
const HOST = 'ehr-db-01';
const KEY = `${RULE}@${HOST}`;

const attempt = (state: AgentState, now = NOW, cooldownSeconds = 300, incidentId = 'inc-1') =>
  beginAttempt(deepFreeze(state), { rule: RULE, host: HOST, now, cooldownSeconds, incidentId });

describe('stateKey and emptyAgentState', () => {
  it('keys a pair as rule@host', () => {
    expect(stateKey(RULE, HOST)).toBe(KEY);
  });

  it('starts with nothing remembered', () => {
    expect(emptyAgentState()).toEqual({ version: 1, cooldowns: {}, incidents: {} });
    expect(emptyAgentState()).not.toBe(emptyAgentState());
  });
});

describe('beginAttempt', () => {
  it('opens an incident on the first attempt and starts the cooldown', () => {
    const before = emptyAgentState();
    const { state, incident } = attempt(before);
    expect(incident).toEqual({ id: 'inc-1', rule: RULE, host: HOST, opened: iso(0), attempts: 1, lastAttempt: iso(0) });
    expect(state).toEqual({ version: 1, cooldowns: { [KEY]: iso(300) }, incidents: { [KEY]: incident } });
    expect(before).toEqual(emptyAgentState());
  });

  it('counts further attempts on the same incident, keeping its id and opening time', () => {
    const first = attempt(emptyAgentState()).state;
    const { state, incident } = attempt(first, at(600), 120, 'inc-2');
    expect(incident).toEqual({ id: 'inc-1', rule: RULE, host: HOST, opened: iso(0), attempts: 2, lastAttempt: iso(600) });
    expect(state.cooldowns[KEY]).toBe(iso(720));
    expect(first.incidents[KEY]!.attempts).toBe(1);
  });

  it('keeps other pairs untouched', () => {
    const other = beginAttempt(emptyAgentState(), { rule: RULE, host: 'desk-01', now: NOW, cooldownSeconds: 60, incidentId: 'inc-9' }).state;
    const { state } = attempt(other);
    expect(Object.keys(state.incidents).sort()).toEqual([`${RULE}@desk-01`, KEY]);
    expect(state.cooldowns[`${RULE}@desk-01`]).toBe(iso(60));
  });

  it('a zero cooldown leaves the rule free to act again at once', () => {
    const { state } = attempt(emptyAgentState(), NOW, 0);
    expect(cooldownUntil(state, RULE, HOST, NOW)).toBeUndefined();
  });
});

describe('cooldownUntil', () => {
  const state = attempt(emptyAgentState()).state;
  it.each([
    ['just after the attempt', 1, iso(300)],
    ['one second before the end', 299, iso(300)],
    ['at the end', 300, undefined],
    ['after the end', 301, undefined],
  ])('%s', (_, seconds, expected) => {
    expect(cooldownUntil(state, RULE, HOST, at(seconds))).toBe(expected);
  });

  it('is keyed by rule and host', () => {
    expect(cooldownUntil(state, RULE, 'desk-01', NOW)).toBeUndefined();
    expect(cooldownUntil(state, 'L1-LIN-SSH-002', HOST, NOW)).toBeUndefined();
  });

  it('never answers from Object.prototype', () => {
    expect(cooldownUntil(emptyAgentState(), 'constructor', '', NOW)).toBeUndefined();
  });
});

describe('markEscalated', () => {
  it('stamps an open incident', () => {
    const opened = attempt(emptyAgentState()).state;
    const state = markEscalated(deepFreeze(opened), RULE, HOST, at(60));
    expect(state.incidents[KEY]).toEqual({ id: 'inc-1', rule: RULE, host: HOST, opened: iso(0), attempts: 1, lastAttempt: iso(0), escalated: iso(60) });
    expect(state.cooldowns).toEqual(opened.cooldowns);
  });

  it('opens an incident with no attempts for an escalate rule, with the given id or a derived one', () => {
    expect(markEscalated(emptyAgentState(), RULE, HOST, NOW, 'inc-7').incidents[KEY]).toEqual({ id: 'inc-7', rule: RULE, host: HOST, opened: iso(0), attempts: 0, escalated: iso(0) });
    expect(markEscalated(emptyAgentState(), RULE, HOST, NOW).incidents[KEY]!.id).toBe(`${KEY}@${iso(0)}`);
  });

  it('keeps the first escalation time and returns the same state', () => {
    const once = markEscalated(emptyAgentState(), RULE, HOST, NOW, 'inc-7');
    expect(markEscalated(once, RULE, HOST, at(3600))).toBe(once);
  });
});

describe('closeIncident', () => {
  it('removes the incident and keeps the cooldown', () => {
    const opened = deepFreeze(attempt(emptyAgentState()).state);
    const state = closeIncident(opened, RULE, HOST);
    expect(state).toEqual({ version: 1, cooldowns: { [KEY]: iso(300) }, incidents: {} });
    expect(opened.incidents[KEY]).toBeDefined();
  });

  it('returns the same state when no incident is open', () => {
    const s = emptyAgentState();
    expect(closeIncident(s, RULE, HOST)).toBe(s);
  });

  it('a new failure after closing opens a new incident', () => {
    const closed = closeIncident(attempt(emptyAgentState()).state, RULE, HOST);
    const { incident } = attempt(closed, at(900), 300, 'inc-2');
    expect(incident).toMatchObject({ id: 'inc-2', attempts: 1, opened: iso(900) });
  });
});

describe('pruneState', () => {
  const state = deepFreeze<AgentState>({
    version: 1,
    cooldowns: { [KEY]: iso(300), [`${RULE}@desk-01`]: iso(-1), [`L1-OLD-001@${HOST}`]: iso(600) },
    incidents: {
      [KEY]: { id: 'inc-1', rule: RULE, host: HOST, opened: iso(-60), attempts: 1 },
      [`L1-OLD-001@${HOST}`]: { id: 'inc-2', rule: 'L1-OLD-001', host: HOST, opened: iso(-60), attempts: 2 },
    },
  });

  it('drops cooldowns that have ended', () => {
    expect(pruneState(state, NOW).cooldowns).toEqual({ [KEY]: iso(300), [`L1-OLD-001@${HOST}`]: iso(600) });
    expect(pruneState(state, at(300)).cooldowns).toEqual({ [`L1-OLD-001@${HOST}`]: iso(600) });
  });

  it('drops incidents of pairs the release no longer has; their cooldowns run out on their own', () => {
    const pruned = pruneState(state, NOW, new Set([KEY, `${RULE}@desk-01`]));
    expect(Object.keys(pruned.incidents)).toEqual([KEY]);
    expect(pruned.cooldowns[`L1-OLD-001@${HOST}`]).toBe(iso(600));
  });

  it('keeps every incident without knownKeys, and takes any iterable', () => {
    expect(Object.keys(pruneState(state, NOW).incidents)).toHaveLength(2);
    expect(Object.keys(pruneState(state, NOW, [KEY]).incidents)).toEqual([KEY]);
  });

  it('returns the same state when nothing goes', () => {
    const clean = pruneState(state, NOW, [KEY, `L1-OLD-001@${HOST}`]);
    expect(pruneState(clean, NOW, [KEY, `L1-OLD-001@${HOST}`])).toBe(clean);
  });
});

describe('parseAgentState', () => {
  const good: AgentState = {
    version: 1,
    cooldowns: { [KEY]: iso(300) },
    incidents: { [KEY]: { id: 'inc-1', rule: RULE, host: HOST, opened: iso(0), attempts: 2, lastAttempt: iso(60), escalated: iso(120) } },
  };

  it('round-trips a state through JSON', () => {
    expect(parseAgentState(JSON.parse(JSON.stringify(good)))).toEqual({ state: good });
    expect(parseAgentState(JSON.parse(JSON.stringify(emptyAgentState())))).toEqual({ state: emptyAgentState() });
  });

  it('returns a copy the caller can keep', () => {
    const raw = JSON.parse(JSON.stringify(good));
    const parsed = parseAgentState(raw);
    raw.incidents[KEY].attempts = 99;
    raw.cooldowns[KEY] = 'x';
    expect(parsed).toEqual({ state: good });
  });

  const incident = good.incidents[KEY]!;
  const withIncident = (patch: Record<string, unknown>, key = KEY) => ({ ...good, incidents: { [key]: { ...incident, ...patch } } });
  const without = (name: string) => {
    const copy: Record<string, unknown> = { ...incident };
    delete copy[name];
    return { ...good, incidents: { [KEY]: copy } };
  };

  it.each<[string, unknown, string]>([
    ['null', null, 'the state is not a JSON object'],
    ['a list', [], 'the state is not a JSON object'],
    ['a string', 'state', 'the state is not a JSON object'],
    ['version 2', { ...good, version: 2 }, 'version: 2 is not supported (expected 1)'],
    ['version "1"', { ...good, version: '1' }, 'version: "1" is not supported (expected 1)'],
    ['no version', { cooldowns: {}, incidents: {} }, 'version: null is not supported (expected 1)'],
    ['an unknown key', { ...good, extra: true }, 'unknown key "extra"'],
    ['cooldowns as a list', { ...good, cooldowns: [] }, 'cooldowns: expected an object'],
    ['no incidents', { version: 1, cooldowns: {} }, 'incidents: expected an object'],
    ['a cooldown key that is not rule@host', { ...good, cooldowns: { nope: iso(0) } }, 'cooldowns: key "nope" is not rule@host'],
    ['a cooldown that is not an instant', { ...good, cooldowns: { [KEY]: 'tomorrow' } }, `cooldowns["${KEY}"]: expected an ISO instant`],
    ['a cooldown on an impossible date', { ...good, cooldowns: { [KEY]: '2026-02-30T00:00:00.000Z' } }, `cooldowns["${KEY}"]: expected an ISO instant`],
    ['a cooldown as a number', { ...good, cooldowns: { [KEY]: 1_700_000_000_000 } }, `cooldowns["${KEY}"]: expected an ISO instant`],
    ['an incident under another key', withIncident({}, `${RULE}@desk-01`), `incidents["${RULE}@desk-01"]: key does not match its rule and host`],
    ['an incident as a string', { ...good, incidents: { [KEY]: 'open' } }, `incidents["${KEY}"]: expected an object`],
    ['an unknown incident key', withIncident({ note: 'x' }), `incidents["${KEY}"]: unknown key "note"`],
    ['an empty id', withIncident({ id: '' }), `incidents["${KEY}"].id: expected a non-empty string`],
    ['no rule', without('rule'), `incidents["${KEY}"].rule: expected a non-empty string`],
    ['no opened', without('opened'), `incidents["${KEY}"].opened: expected an ISO instant`],
    ['negative attempts', withIncident({ attempts: -1 }), `incidents["${KEY}"].attempts: expected a whole number ≥ 0`],
    ['fractional attempts', withIncident({ attempts: 1.5 }), `incidents["${KEY}"].attempts: expected a whole number ≥ 0`],
    ['attempts as a string', withIncident({ attempts: '1' }), `incidents["${KEY}"].attempts: expected a whole number ≥ 0`],
    ['lastAttempt not an instant', withIncident({ lastAttempt: 'yesterday' }), `incidents["${KEY}"].lastAttempt: expected an ISO instant`],
    ['escalated as true', withIncident({ escalated: true }), `incidents["${KEY}"].escalated: expected an ISO instant`],
  ])('refuses %s', (_, value, problem) => {
    expect(parseAgentState(value)).toEqual({ problem });
  });

  it('refuses a __proto__ key without touching any prototype', () => {
    const raw = JSON.parse(`{"version":1,"cooldowns":{"__proto__":"${iso(0)}"},"incidents":{}}`);
    expect(parseAgentState(raw)).toEqual({ problem: 'cooldowns: key "__proto__" is not rule@host' });
    const rawIncident = JSON.parse('{"version":1,"cooldowns":{},"incidents":{"__proto__":{"polluted":true}}}');
    expect('problem' in parseAgentState(rawIncident)).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses an object that is not plain', () => {
    expect(parseAgentState(new Map())).toEqual({ problem: 'the state is not a JSON object' });
  });
});
