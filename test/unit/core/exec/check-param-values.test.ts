import { describe, expect, it } from 'vitest';
import { checkParamValues, findCarryProblem } from '../../../../core/exec/check-param-values.js';
import type { Parameters, Runbook } from '../../../../core/model/generated/runbook.js';
import { INJECTION_VALUES } from '../../../helpers/param-injection-cases.js';

function runbook(parameters: Parameters): Runbook {
  return {
    apiVersion: 'writ/v1', kind: 'Runbook', id: 'LIN-TEST-001', name: 'test', platform: 'linux', severity: 'low',
    controls: ['hipaa:164.312(b)'], parameters, scripts: { check: { inline: 'true' } },
  };
}

const rb = runbook({
  path: { type: 'string', description: 'a path', pattern: '^/[^\\n]*$', maxLength: 10, default: '/etc' },
  days: { type: 'integer', description: 'days', minimum: 1, maximum: 365 },
  ratio: { type: 'number', description: 'ratio', minimum: 0, maximum: 1, default: 0.5 },
  reload: { type: 'boolean', description: 'reload', default: true },
  mode: { type: 'string', description: 'mode', enum: ['audit', 'enforce'], default: 'audit' },
  units: {
    type: 'array', description: 'units', minItems: 1, maxItems: 3,
    items: { type: 'string', pattern: '^[a-z]+\\.service$', minLength: 9 }, default: ['ssh.service'],
  },
});

const refused = (values: Record<string, unknown>, platform: 'linux' | 'windows' = 'linux', book = rb) => {
  const r = checkParamValues(book, values as never, platform);
  if (r.ok) throw new Error('expected a refusal');
  expect(r.reasonCode).toBe('EXEC_PARAM_INVALID');
  expect(r.hint).not.toBe('');
  return r;
};

describe('checkParamValues', () => {
  it('returns values in declaration order with defaults filled in', () => {
    const r = checkParamValues(rb, { units: ['a.service', 'sshd.service'], days: 90 }, 'linux');
    expect(r).toEqual({
      ok: true,
      params: [
        { name: 'path', value: '/etc' },
        { name: 'days', value: 90 },
        { name: 'ratio', value: 0.5 },
        { name: 'reload', value: true },
        { name: 'mode', value: 'audit' },
        { name: 'units', value: ['a.service', 'sshd.service'] },
      ],
    });
  });

  it('refuses a missing value without a default, and an undeclared value', () => {
    expect(refused({}).field).toBe('days');
    const extra = refused({ days: 1, dayz: 2 });
    expect(extra.field).toBe('dayz');
    expect(extra.message).toContain('declares no parameter dayz');
    expect(refused(JSON.parse('{"days":1,"__proto__":"x"}') as Record<string, unknown>).field).toBe('__proto__');
    expect(refused({ days: 1, constructor: 'x' }).field).toBe('constructor');
  });

  it('tells integers from numbers, and checks minimum and maximum', () => {
    expect(refused({ days: 1.5 }).message).toContain('must be an integer');
    expect(refused({ days: '90' }).message).toContain('must be an integer');
    expect(refused({ days: 0 }).message).toContain('at least 1');
    expect(refused({ days: 366 }).message).toContain('at most 365');
    expect(refused({ days: 1, ratio: Number.NaN }).field).toBe('ratio');
    expect(refused({ days: 1, ratio: 2 }).message).toContain('at most 1');
    expect(checkParamValues(rb, { days: 1, ratio: 1 }, 'linux').ok).toBe(true);
  });

  it('checks booleans, enums and types strictly', () => {
    expect(refused({ days: 1, reload: 'true' }).message).toContain('true or false');
    expect(refused({ days: 1, mode: 'Audit' }).field).toBe('mode');
    expect(refused({ days: 1, path: 5 }).message).toContain('must be a string');
    expect(refused({ days: 1, path: ['/a'] }).message).toContain('got a list');
    expect(refused({ days: 1, units: 'ssh.service' }).message).toContain('must be a list');
  });

  it('matches patterns with the u flag and counts lengths in code points', () => {
    expect(refused({ days: 1, path: 'etc' }).message).toContain('pattern');
    // 10 astral characters are 20 UTF-16 code units but 10 code points: within maxLength 10.
    expect(checkParamValues(rb, { days: 1, path: '/' + '😀'.repeat(9) }, 'linux').ok).toBe(true);
    expect(refused({ days: 1, path: '/' + '😀'.repeat(10) }).message).toContain('at most 10');
    const astral = runbook({ c: { type: 'string', description: 'one code point', pattern: '^.$' } });
    expect(checkParamValues(astral, { c: '😀' }, 'linux').ok).toBe(true);
    const bad = runbook({ c: { type: 'string', description: 'broken pattern', pattern: '(' } });
    expect(refused({ c: 'x' }, 'linux', bad).message).toContain('not a valid regular expression');
  });

  it('checks list items and item counts', () => {
    expect(refused({ days: 1, units: [] }).message).toContain('at least 1');
    expect(refused({ days: 1, units: ['a.service', 'b.service', 'c.service', 'd.service'] }).message).toContain('at most 3');
    expect(refused({ days: 1, units: ['a.service', 'B.service'] }).field).toBe('units[1]');
    expect(refused({ days: 1, units: ['a.service', 7] }).field).toBe('units[1]');
    expect(refused({ days: 1, units: [['a.service']] }).field).toBe('units[0]');
  });

  it('refuses what cannot travel as data, before anything runs', () => {
    const free = runbook({ v: { type: 'string', description: 'anything' }, list: { type: 'array', description: 'anything', default: [] } });
    expect(refused({ v: 'a\0b' }, 'linux', free).message).toContain('NUL');
    expect(refused({ v: 'a\0b' }, 'windows', free).message).toContain('NUL');
    expect(refused({ v: 'x\uD800y' }, 'linux', free).message).toContain('well-formed');
    expect(refused({ v: '\uDC00' }, 'windows', free).message).toContain('well-formed');
    expect(refused({ v: 'ok', list: ['a\nb'] }, 'linux', free).field).toBe('list[0]');
    expect(refused({ v: 'ok', list: ['a', 'b\0'] }, 'linux', free).field).toBe('list[1]');
    // Windows splats lists as arrays: a newline inside an item is data there.
    expect(checkParamValues(free, { v: 'ok', list: ['a\nb'] }, 'windows').ok).toBe(true);
    // A declared default is checked too.
    const badDefault = runbook({ v: { type: 'string', description: 'x', default: 'a\0' } });
    expect(refused({}, 'linux', badDefault).field).toBe('v');
  });

  it('passes shell metacharacters, Unicode look-alikes and option look-alikes through unchanged', () => {
    const free = runbook({ v: { type: 'string', description: 'anything' } });
    for (const value of INJECTION_VALUES) {
      expect(checkParamValues(free, { v: value }, 'linux')).toEqual({ ok: true, params: [{ name: 'v', value }] });
      expect(checkParamValues(free, { v: value }, 'windows')).toEqual({ ok: true, params: [{ name: 'v', value }] });
    }
  });

  it('lets the runbook\'s own pattern forbid them', () => {
    const strict = runbook({ unit: { type: 'string', description: 'unit', pattern: '^[A-Za-z0-9][A-Za-z0-9@._:-]{0,254}$' } });
    for (const value of ['ssh;reboot', '$(id)', '`id`', '--help', 'a\nb', 'ssh\u2014service']) {
      expect(refused({ unit: value }, 'linux', strict).field).toBe('unit');
    }
  });

  it('never echoes a refused value in its message', () => {
    const r = refused({ days: 'secret-looking-value-123' });
    expect(r.message).not.toContain('secret-looking-value-123');
  });
});

describe('findCarryProblem', () => {
  it('names the list item that cannot travel', () => {
    expect(findCarryProblem('paths', ['/etc', '/a\n/b'], 'linux')).toEqual({ field: 'paths[1]', message: 'cannot travel as data: newline inside a list item' });
    expect(findCarryProblem('n', Number.POSITIVE_INFINITY, 'linux')?.message).toContain('finite');
    expect(findCarryProblem('s', 'a\r\n\u2028b', 'linux')).toBeUndefined();
  });
});
