import type { CheckResult } from '../model/generated/check-result.js';
import type { Condition } from '../model/generated/rule.js';

/** What a rule's `when` conditions can read: the check result and the host it ran on. */
export interface ConditionContext {
  result: CheckResult;
  host: { id: string; platform: string; tags: readonly string[] };
}

/** A field read from a ConditionContext; `found` is false for a path that leads nowhere. */
export interface FieldRead {
  found: boolean;
  value: unknown;
}

/** rule.schema.json `when`: "Defaults to status eq fail." */
const DEFAULT_WHEN: readonly Condition[] = [{ field: 'status', op: 'eq', value: 'fail' as unknown as Condition['value'] }];

/** Longest string a regex condition is tried on; longer strings do not match (bounds backtracking work). */
export const MAX_REGEX_INPUT_CHARS = 10_000;

/** Deepest nesting compared by eq/ne/in/not_in/contains; deeper values are unequal (no stack overflow on odd data). */
const MAX_EQUAL_DEPTH = 64;

/** A number written out in full: optional minus, digits, optional fraction. No exponent, hex, spaces or signs like "+". */
const DECIMAL = /^-?\d+(?:\.\d+)?$/;

const MISSING: FieldRead = { found: false, value: undefined };

/**
 * Whether a rule's conditions hold for a check result on a host: every condition must hold (AND).
 * No conditions (`undefined`, or an empty list the schema would refuse) means the schema default,
 * `status eq fail`. Never throws: odd data, unknown ops and bad condition values simply do not match.
 *
 * Ops: `eq`/`ne` strict JSON equality (lists and objects compared deeply, no "3" == 3);
 * `in`/`not_in` the value is a list holding (or not) an equal item; `gt`/`gte`/`lt`/`lte` number
 * against number, where a field string that is entirely a decimal number ("12", "-0.5") counts
 * as that number; `contains` a string field contains the string, or a list field holds an equal item;
 * `regex` a string field (at most MAX_REGEX_INPUT_CHARS) matches the pattern (`u` flag; an invalid
 * pattern matches nothing); `exists` true: present and not null, false: missing or null.
 * A missing field matches only `exists: false`; `null` is a present value for eq/ne/in/not_in.
 *
 * @example
 * matchConditions([{ field: 'observed.max_auth_tries', op: 'gt', value: 4 }], {
 *   result: { status: 'fail', observed: { max_auth_tries: '6' }, message: 'MaxAuthTries is 6' },
 *   host: { id: 'ehr-db-01', platform: 'linux', tags: ['ehr'] },
 * }); // true
 */
export function matchConditions(when: readonly Condition[] | undefined, ctx: ConditionContext): boolean {
  const conditions = when === undefined || (Array.isArray(when) && when.length === 0) ? DEFAULT_WHEN : when;
  if (!Array.isArray(conditions)) return false;
  for (const condition of conditions) {
    if (!matchCondition(condition, ctx)) return false;
  }
  return true;
}

/**
 * Reads a dot path from the check result (`status`, `message`, `observed.X`, `expected.X`) or the
 * host (`host.id`, `host.platform`, `host.tags`). Only own properties are
 * followed, so `observed.__proto__` or `observed.constructor` are missing unless the check printed
 * such a key; list items are read by index (`observed.ports.0`).
 *
 * @example
 * readField('observed.max_auth_tries', { result: { status: 'fail', observed: { max_auth_tries: 6 }, message: '' }, host });
 * // { found: true, value: 6 }
 */
export function readField(path: string, ctx: ConditionContext): FieldRead {
  if (typeof path !== 'string' || path === '') return MISSING;
  const [root, ...rest] = path.split('.');
  let current: unknown;
  if (root === 'host') {
    const host = ctx.host;
    current = { id: host?.id, platform: host?.platform, tags: host?.tags };
  } else if (root === 'status' || root === 'message' || root === 'observed' || root === 'expected') {
    const own = ownValue(ctx.result, root);
    if (!own.found) return MISSING;
    current = own.value;
  } else {
    return MISSING;
  }
  if (current === undefined) return MISSING;
  for (const key of rest) {
    const own = ownValue(current, key);
    if (!own.found) return MISSING;
    current = own.value;
  }
  return { found: true, value: current };
}

function matchCondition(condition: Condition, ctx: ConditionContext): boolean {
  if (condition === null || typeof condition !== 'object') return false;
  const field = readField(condition.field, ctx);
  const expected: unknown = condition.value;

  if (condition.op === 'exists') {
    const present = field.found && field.value !== null;
    if (expected === true) return present;
    if (expected === false) return !present;
    return false;
  }
  if (!field.found) return false;
  const actual = field.value;

  switch (condition.op) {
    case 'eq':
      return jsonEqual(actual, expected, 0);
    case 'ne':
      return isJson(expected) && !jsonEqual(actual, expected, 0);
    case 'in':
      return Array.isArray(expected) && expected.some((item) => jsonEqual(actual, item, 0));
    case 'not_in':
      return Array.isArray(expected) && !expected.some((item) => jsonEqual(actual, item, 0));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return compareNumbers(condition.op, actual, expected);
    case 'contains':
      if (typeof actual === 'string') return typeof expected === 'string' && actual.includes(expected);
      if (Array.isArray(actual)) return isJson(expected) && actual.some((item) => jsonEqual(item, expected, 0));
      return false;
    case 'regex':
      return matchRegex(actual, expected);
    default:
      return false;
  }
}

/** An own data property only: inherited keys and getters read as missing, so hostile keys cannot reach Object.prototype. */
function ownValue(container: unknown, key: string): FieldRead {
  if (container === null || typeof container !== 'object') return MISSING;
  if (Array.isArray(container) && !/^(?:0|[1-9]\d*)$/.test(key)) return MISSING;
  const descriptor = Object.getOwnPropertyDescriptor(container, key);
  if (descriptor === undefined || !('value' in descriptor) || descriptor.value === undefined) return MISSING;
  return { found: true, value: descriptor.value };
}

function compareNumbers(op: 'gt' | 'gte' | 'lt' | 'lte', actual: unknown, expected: unknown): boolean {
  if (typeof expected !== 'number' || !Number.isFinite(expected)) return false;
  const n = toNumber(actual);
  if (n === undefined) return false;
  switch (op) {
    case 'gt':
      return n > expected;
    case 'gte':
      return n >= expected;
    case 'lt':
      return n < expected;
    case 'lte':
      return n <= expected;
  }
}

/** Checks print numbers as text now and then ("12" from a config file); only a whole decimal string counts. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.length > 64 || !DECIMAL.test(value)) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Compiled patterns by source; rules are few and fixed per release, so this stays small. */
const patterns = new Map<string, RegExp | null>();
const MAX_CACHED_PATTERNS = 1_000;

function matchRegex(actual: unknown, pattern: unknown): boolean {
  if (typeof actual !== 'string' || typeof pattern !== 'string') return false;
  if (actual.length > MAX_REGEX_INPUT_CHARS) return false;
  let re = patterns.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      re = null;
    }
    if (patterns.size >= MAX_CACHED_PATTERNS) patterns.clear();
    patterns.set(pattern, re);
  }
  return re !== null && re.test(actual);
}

/** True for values JSON can carry (so `ne` against a missing or odd condition value never matches). */
function isJson(value: unknown): boolean {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'object';
}

/** JSON equality: same type, same primitive, lists item by item, objects by own keys (order does not matter). */
function jsonEqual(a: unknown, b: unknown, depth: number): boolean {
  if (depth > MAX_EQUAL_DEPTH) return false;
  if (a === null || b === null) return a === b;
  if (typeof a !== typeof b) return false;
  switch (typeof a) {
    case 'string':
    case 'boolean':
      return a === b;
    case 'number':
      return Number.isFinite(a) && a === b;
    case 'object': {
      const aList = Array.isArray(a);
      if (aList !== Array.isArray(b)) return false;
      if (aList) {
        const x = a as unknown[];
        const y = b as unknown[];
        return x.length === y.length && x.every((item, i) => jsonEqual(item, y[i], depth + 1));
      }
      const xKeys = ownKeys(a as object);
      const yKeys = ownKeys(b as object);
      if (xKeys.length !== yKeys.length) return false;
      return xKeys.every((key) => {
        const y = ownValue(b, key);
        return y.found && jsonEqual(ownValue(a, key).value, y.value, depth + 1);
      });
    }
    default:
      return false;
  }
}

function ownKeys(o: object): string[] {
  return Object.keys(o).filter((key) => ownValue(o, key).found);
}
