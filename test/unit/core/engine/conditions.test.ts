import { describe, expect, it } from 'vitest';
import { MAX_REGEX_INPUT_CHARS, matchConditions, readField, type ConditionContext } from '../../../../core/engine/conditions.js';
import type { CheckResult } from '../../../../core/model/generated/check-result.js';
import type { Condition } from '../../../../core/model/generated/rule.js';
import { cond, HOST, result } from './fixtures.js';

const observed = {
  n: 5,
  zero: 0,
  s: 'abc',
  numstr: '12',
  negstr: '-3.5',
  badnum: '12abc',
  spaced: ' 12',
  exp: '1e3',
  hex: '0x10',
  empty: '',
  inf: 'Infinity',
  bool: true,
  nul: null,
  list: ['a', 'b', 1],
  obj: { a: 1, b: [1, 2] },
} as unknown as CheckResult['observed'];

const ctx: ConditionContext = {
  result: result('fail', observed, { message: 'MaxAuthTries is 6', expected: { n: 3 } }),
  host: HOST,
};

const one = (c: Condition, context: ConditionContext = ctx) => matchConditions([c], context);

type Row = [field: string, op: Condition['op'], value: unknown, expected: boolean];

const table: Record<string, Row[]> = {
  eq: [
    ['status', 'eq', 'fail', true],
    ['status', 'eq', 'pass', false],
    ['message', 'eq', 'MaxAuthTries is 6', true],
    ['observed.n', 'eq', 5, true],
    ['observed.n', 'eq', '5', false],
    ['observed.numstr', 'eq', 12, false],
    ['observed.bool', 'eq', true, true],
    ['observed.bool', 'eq', 'true', false],
    ['observed.zero', 'eq', false, false],
    ['observed.list', 'eq', ['a', 'b', 1], true],
    ['observed.list', 'eq', ['b', 'a', 1], false],
    ['observed.list', 'eq', ['a', 'b', '1'], false],
    ['observed.obj', 'eq', { b: [1, 2], a: 1 }, true],
    ['observed.obj', 'eq', { a: 1 }, false],
    ['observed.obj', 'eq', { a: 1, b: [1, 2], c: 3 }, false],
    ['observed.obj', 'eq', [1, [1, 2]], false],
    ['observed.nul', 'eq', null, true],
    ['observed.nul', 'eq', 0, false],
    ['observed.missing', 'eq', null, false],
    ['observed.missing', 'eq', 'x', false],
    ['observed.n', 'eq', undefined, false],
    ['expected.n', 'eq', 3, true],
    ['host.id', 'eq', 'ehr-db-01', true],
    ['host.platform', 'eq', 'linux', true],
    ['host.tags', 'eq', ['ehr', 'db'], true],
  ],
  ne: [
    ['observed.n', 'ne', 4, true],
    ['observed.n', 'ne', 5, false],
    ['observed.n', 'ne', '5', true],
    ['observed.nul', 'ne', 'x', true],
    ['observed.nul', 'ne', null, false],
    ['observed.missing', 'ne', 4, false],
    ['observed.list', 'ne', ['a', 'b', 1], false],
    ['observed.n', 'ne', undefined, false],
    ['status', 'ne', 'pass', true],
  ],
  in: [
    ['observed.s', 'in', ['abc', 'x'], true],
    ['observed.s', 'in', ['x'], false],
    ['observed.s', 'in', [], false],
    ['observed.s', 'in', 'abc', false],
    ['observed.n', 'in', ['5'], false],
    ['observed.n', 'in', [4, 5], true],
    ['observed.nul', 'in', [null], true],
    ['observed.list', 'in', [['a', 'b', 1]], true],
    ['observed.missing', 'in', ['x', null], false],
    ['status', 'in', ['fail', 'error'], true],
  ],
  not_in: [
    ['observed.s', 'not_in', ['x'], true],
    ['observed.s', 'not_in', ['abc'], false],
    ['observed.s', 'not_in', [], true],
    ['observed.s', 'not_in', 'x', false],
    ['observed.n', 'not_in', ['5'], true],
    ['observed.nul', 'not_in', ['x'], true],
    ['observed.missing', 'not_in', ['x'], false],
  ],
  ordering: [
    ['observed.n', 'gt', 4, true],
    ['observed.n', 'gt', 5, false],
    ['observed.n', 'gte', 5, true],
    ['observed.n', 'gte', 5.5, false],
    ['observed.n', 'lt', 6, true],
    ['observed.n', 'lt', 5, false],
    ['observed.n', 'lte', 5, true],
    ['observed.zero', 'lte', 0, true],
    ['observed.numstr', 'gt', 11, true],
    ['observed.numstr', 'lte', 12, true],
    ['observed.numstr', 'lt', 12, false],
    ['observed.negstr', 'lt', 0, true],
    ['observed.negstr', 'gte', -3.5, true],
    ['observed.badnum', 'gt', 1, false],
    ['observed.spaced', 'gt', 1, false],
    ['observed.exp', 'gt', 1, false],
    ['observed.hex', 'gt', 1, false],
    ['observed.empty', 'lt', 1, false],
    ['observed.inf', 'gt', 1, false],
    ['observed.s', 'gt', 0, false],
    ['observed.bool', 'gt', 0, false],
    ['observed.nul', 'gt', -1, false],
    ['observed.nul', 'lt', 1, false],
    ['observed.list', 'gt', 0, false],
    ['observed.obj', 'gt', 0, false],
    ['observed.missing', 'gt', 0, false],
    ['observed.missing', 'lte', 0, false],
    ['observed.n', 'gt', '4', false],
    ['observed.n', 'gt', null, false],
    ['observed.n', 'gt', [4], false],
  ],
  contains: [
    ['observed.s', 'contains', 'b', true],
    ['observed.s', 'contains', 'abc', true],
    ['observed.s', 'contains', 'z', false],
    ['observed.s', 'contains', 1, false],
    ['message', 'contains', 'MaxAuthTries', true],
    ['observed.list', 'contains', 'a', true],
    ['observed.list', 'contains', 1, true],
    ['observed.list', 'contains', '1', false],
    ['observed.list', 'contains', 'z', false],
    ['observed.obj', 'contains', 'a', false],
    ['observed.n', 'contains', 5, false],
    ['observed.nul', 'contains', 'x', false],
    ['observed.missing', 'contains', 'x', false],
    ['host.tags', 'contains', 'ehr', true],
    ['host.tags', 'contains', 'web', false],
  ],
  regex: [
    ['observed.s', 'regex', '^a.c$', true],
    ['observed.s', 'regex', '^b', false],
    ['message', 'regex', 'MaxAuthTries is [0-9]+', true],
    ['observed.s', 'regex', '(', false],
    ['observed.s', 'regex', '\\p{L}+', true],
    ['observed.s', 'regex', 5, false],
    ['observed.n', 'regex', '5', false],
    ['observed.list', 'regex', 'a', false],
    ['observed.nul', 'regex', 'null', false],
    ['observed.missing', 'regex', '.*', false],
    ['host.id', 'regex', '^ehr-', true],
  ],
  exists: [
    ['observed.n', 'exists', true, true],
    ['observed.n', 'exists', false, false],
    ['observed.zero', 'exists', true, true],
    ['observed.empty', 'exists', true, true],
    ['observed.missing', 'exists', true, false],
    ['observed.missing', 'exists', false, true],
    ['observed.nul', 'exists', true, false],
    ['observed.nul', 'exists', false, true],
    ['observed.n', 'exists', 'yes', false],
    ['observed.missing', 'exists', undefined, false],
    ['expected', 'exists', true, true],
    ['host.tags', 'exists', true, true],
  ],
};

describe('matchConditions: each op', () => {
  for (const [group, rows] of Object.entries(table)) {
    it.each(rows)(`${group}: %s %s %j → %s`, (field, op, value, expected) => {
      expect(one(cond(field, op, value))).toBe(expected);
    });
  }

  it('an unknown op matches nothing', () => {
    expect(one({ field: 'status', op: 'like' as Condition['op'], value: 'fail' as unknown as Condition['value'] })).toBe(false);
  });
});

describe('matchConditions: defaults and AND', () => {
  it('no conditions means status eq fail', () => {
    expect(matchConditions(undefined, { result: result('fail'), host: HOST })).toBe(true);
    expect(matchConditions(undefined, { result: result('pass'), host: HOST })).toBe(false);
    expect(matchConditions(undefined, { result: result('error'), host: HOST })).toBe(false);
  });

  it('an empty list (refused by the schema) also means status eq fail, never "always"', () => {
    expect(matchConditions([], { result: result('pass'), host: HOST })).toBe(false);
    expect(matchConditions([], { result: result('fail'), host: HOST })).toBe(true);
  });

  it('every condition must hold', () => {
    expect(matchConditions([cond('status', 'eq', 'fail'), cond('observed.n', 'gt', 4)], ctx)).toBe(true);
    expect(matchConditions([cond('status', 'eq', 'fail'), cond('observed.n', 'gt', 5)], ctx)).toBe(false);
    expect(matchConditions([cond('observed.n', 'gt', 5), cond('status', 'eq', 'fail')], ctx)).toBe(false);
  });
});

describe('matchConditions: prototype keys and odd data', () => {
  it.each([
    'observed.__proto__',
    'observed.constructor',
    'observed.toString',
    'observed.hasOwnProperty',
    'observed.list.length',
    'observed.list.map',
    'observed.s.length',
    'observed.obj.__proto__',
    'host.constructor',
    'host.tags.length',
    'constructor',
    '__proto__',
    'toString',
    'result',
    'observed..n',
    '',
  ])('%s reads as missing', (field) => {
    expect(readField(field, ctx)).toEqual({ found: false, value: undefined });
    expect(one(cond(field, 'exists', false))).toBe(true);
    expect(one(cond(field, 'exists', true))).toBe(false);
    expect(one(cond(field, 'ne', 'x'))).toBe(false);
  });

  it('an own __proto__ or constructor key printed by a check is an ordinary field', () => {
    const parsed = JSON.parse('{"__proto__": 7, "constructor": "x"}') as CheckResult['observed'];
    const c = { result: result('fail', parsed), host: HOST };
    expect(one(cond('observed.__proto__', 'eq', 7), c)).toBe(true);
    expect(one(cond('observed.constructor', 'eq', 'x'), c)).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('list items are read by index', () => {
    expect(readField('observed.list.0', ctx)).toEqual({ found: true, value: 'a' });
    expect(readField('observed.list.2', ctx)).toEqual({ found: true, value: 1 });
    expect(readField('observed.list.3', ctx)).toEqual({ found: false, value: undefined });
    expect(readField('observed.list.01', ctx)).toEqual({ found: false, value: undefined });
    expect(readField('observed.obj.b.1', ctx)).toEqual({ found: true, value: 2 });
  });

  it('reads null as a present value', () => {
    expect(readField('observed.nul', ctx)).toEqual({ found: true, value: null });
    expect(readField('observed.nul.x', ctx)).toEqual({ found: false, value: undefined });
  });

  it.each([
    ['observed is null', { status: 'fail', observed: null, message: 'x' }],
    ['observed is a list', { status: 'fail', observed: [1, 2], message: 'x' }],
    ['observed is a string', { status: 'fail', observed: 'oops', message: 'x' }],
    ['no observed at all', { status: 'fail', message: 'x' }],
    ['an empty object', {}],
  ])('never throws when %s', (_, odd) => {
    const c = { result: odd as unknown as CheckResult, host: HOST };
    for (const op of ['eq', 'ne', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'contains', 'regex', 'exists'] as const) {
      expect(() => one(cond('observed.x', op, 1), c)).not.toThrow();
      expect(one(cond('observed.x', op, 1), c)).toBe(false);
    }
    expect(one(cond('observed.x', 'exists', false), c)).toBe(true);
  });

  it('a getter is never called: accessors read as missing', () => {
    const tricky = {};
    Object.defineProperty(tricky, 'boom', { enumerable: true, get: () => { throw new Error('called'); } });
    const c = { result: result('fail', tricky as CheckResult['observed']), host: HOST };
    expect(one(cond('observed.boom', 'exists', true), c)).toBe(false);
    expect(() => one(cond('observed', 'eq', { boom: 1 }), c)).not.toThrow();
    expect(one(cond('observed', 'eq', {}), c)).toBe(true);
  });

  it('deeply nested values compare without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const c = { result: result('fail', { d: deep } as unknown as CheckResult['observed']), host: HOST };
    expect(one(cond('observed.d', 'eq', deep), c)).toBe(false);
    expect(one(cond('observed.d', 'exists', true), c)).toBe(true);
  });
});

describe('matchConditions: regex input is bounded', () => {
  it(`tries strings of up to ${MAX_REGEX_INPUT_CHARS} characters and no longer`, () => {
    const at = (s: string) => ({ result: result('fail', {}, { message: s }), host: HOST });
    expect(one(cond('message', 'regex', '^a+$'), at('a'.repeat(MAX_REGEX_INPUT_CHARS)))).toBe(true);
    expect(one(cond('message', 'regex', '^a+$'), at('a'.repeat(MAX_REGEX_INPUT_CHARS + 1)))).toBe(false);
    expect(one(cond('message', 'regex', 'a'), at('a'.repeat(1_000_000)))).toBe(false);
  });

  it('a catastrophic pattern on an oversized string returns at once', () => {
    const hostile = { result: result('fail', {}, { message: `${'a'.repeat(100_000)}!` }), host: HOST };
    const started = performance.now();
    expect(one(cond('message', 'regex', '^(a+)+$'), hostile)).toBe(false);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('uses the u flag: an escape that is invalid in unicode mode matches nothing', () => {
    const c = { result: result('fail', { s: 'a-b' }), host: HOST };
    expect(one(cond('observed.s', 'regex', '[\\-]'), c)).toBe(true);
    expect(one(cond('observed.s', 'regex', '\\-'), c)).toBe(false);
    expect(one(cond('observed.s', 'regex', '\\a'), c)).toBe(false);
    expect(one(cond('observed.s', 'regex', '^.-.$'), { result: result('fail', { s: '😀-b' }), host: HOST })).toBe(true);
  });
});
