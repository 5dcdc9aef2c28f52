import type { Parameter, Runbook } from '../model/generated/runbook.js';
import type { ParamValue } from '../policy/resolve-host-rules.js';

/** A parameter value ready to travel, in the runbook's declaration order. */
export interface CheckedParam {
  name: string;
  value: ParamValue;
}

export type CheckParamValuesResult =
  | { ok: true; params: CheckedParam[] }
  | { ok: false; reasonCode: 'EXEC_PARAM_INVALID'; field: string; message: string; hint: string };

type Scalar = string | number | boolean;
/** The rules one scalar is checked against: a parameter's own, or its `items`. */
type ScalarRules = Partial<Omit<NonNullable<Parameter['items']>, 'type'>> & { type?: Parameter['type'] };
type Refusal = { field: string; message: string };

const HINT_VALUE = 'Fix the value in the rule or site file (params:) so it matches the runbook\'s parameter declaration.';
const HINT_CARRY =
  'Parameter values travel as data: no NUL character anywhere, no newline inside a list item (Linux lists arrive newline-joined), and only well-formed Unicode text. Fix the value in the rule or site file.';

/**
 * Checks parameter values against a runbook's declarations before anything runs, and returns them in
 * declaration order (defaults filled in). Refuses the first problem with EXEC_PARAM_INVALID: a value
 * of the wrong type (integer vs number), outside enum, pattern (`u` flag), length (code points),
 * minimum/maximum or item count; a declared parameter with neither value nor default; a value for
 * an undeclared parameter; and anything that cannot travel as data (see findCarryProblem).
 *
 * Quotes, `;`, `$()`, backticks, newlines in plain strings, U+2028, Unicode dashes, curly quotes and
 * `--option` lookalikes are data: they pass unchanged unless the runbook's own pattern forbids them.
 *
 * @example
 * checkParamValues(runbook, { max_days: 90 }, 'linux');
 * // → { ok: true, params: [{ name: 'max_days', value: 90 }, { name: 'state_dir', value: '/var/lib/writ/rollback' }] }
 */
export function checkParamValues(
  runbook: Runbook,
  values: Readonly<Record<string, ParamValue>>,
  platform: 'linux' | 'windows',
): CheckParamValuesResult {
  const declared = runbook.parameters ?? {};
  const params: CheckedParam[] = [];
  for (const name of Object.keys(declared)) {
    const spec = declared[name];
    if (!spec) continue;
    const given = Object.hasOwn(values, name) ? values[name] : undefined;
    const value = given !== undefined ? given : spec.default;
    if (value === undefined) {
      return refuse(
        { field: name, message: `parameter ${name} of ${runbook.id} has no value and no default` },
        `Set ${name} in the rule's or the site's params, or give it a default in runbooks/${runbook.platform}/${runbook.id}.yaml.`,
      );
    }
    const problem = checkValue(name, value, spec) ?? findCarryProblem(name, value, platform);
    if (problem) return refuse(problem, problem.message.startsWith('cannot travel') ? HINT_CARRY : HINT_VALUE);
    params.push({ name, value });
  }
  for (const name of Object.keys(values)) {
    if (!Object.hasOwn(declared, name) || !declared[name]) {
      return refuse(
        { field: name, message: `${runbook.id} declares no parameter ${name}` },
        `Remove ${name} from the params, or use one of: ${Object.keys(declared).join(', ') || '(none)'}.`,
      );
    }
  }
  return { ok: true, params };
}

/**
 * Why a value cannot travel to a script as data, or undefined. Shared by checkParamValues and the
 * transports, which refuse such a step rather than send it: a NUL character (Linux values are
 * NUL-terminated), text that is not well-formed Unicode (lone surrogates have no UTF-8 form), a
 * non-finite number, a nested list, and on Linux a newline inside a list item (items are
 * newline-joined, so the script would see two items).
 *
 * @example
 * findCarryProblem('paths', ['/etc\n/tmp'], 'linux');
 * // → { field: 'paths[0]', message: 'cannot travel as data: newline inside a list item' }
 */
export function findCarryProblem(name: string, value: unknown, platform: 'linux' | 'windows'): Refusal | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const field = `${name}[${i}]`;
      if (Array.isArray(item)) return { field, message: 'cannot travel as data: a list inside a list' };
      const problem = scalarCarryProblem(field, item);
      if (problem) return problem;
      if (platform === 'linux' && typeof item === 'string' && item.includes('\n')) {
        return { field, message: 'cannot travel as data: newline inside a list item' };
      }
    }
    return undefined;
  }
  return scalarCarryProblem(name, value);
}

function scalarCarryProblem(field: string, value: unknown): Refusal | undefined {
  if (typeof value === 'string') {
    if (value.includes('\0')) return { field, message: 'cannot travel as data: NUL character in the value' };
    if (!isWellFormed(value)) return { field, message: 'cannot travel as data: not well-formed Unicode (a lone surrogate)' };
    return undefined;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? undefined : { field, message: 'cannot travel as data: not a finite number' };
  }
  if (typeof value === 'boolean') return undefined;
  return { field, message: `cannot travel as data: a ${value === null ? 'null' : typeof value} value` };
}

// ES2024's String.prototype.isWellFormed (Node 20); the project's lib is ES2023.
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

function refuse(problem: Refusal, hint: string): CheckParamValuesResult {
  return { ok: false, reasonCode: 'EXEC_PARAM_INVALID', field: problem.field, message: problem.message, hint };
}

function checkValue(name: string, value: ParamValue, spec: Parameter): Refusal | undefined {
  if (spec.type === 'array') {
    if (!Array.isArray(value)) return { field: name, message: `${name} must be a list, got ${describe(value)}` };
    if (spec.minItems !== undefined && value.length < spec.minItems) {
      return { field: name, message: `${name} needs at least ${spec.minItems} item(s), got ${value.length}` };
    }
    if (spec.maxItems !== undefined && value.length > spec.maxItems) {
      return { field: name, message: `${name} allows at most ${spec.maxItems} item(s), got ${value.length}` };
    }
    if (spec.enum && !spec.enum.some((allowed) => sameValue(allowed, value))) {
      return { field: name, message: `${name} is not one of the allowed values` };
    }
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const field = `${name}[${i}]`;
      if (Array.isArray(item)) return { field, message: `${field} must not be a list` };
      const problem = checkScalar(field, item as Scalar, spec.items ?? {});
      if (problem) return problem;
    }
    return undefined;
  }
  if (Array.isArray(value)) return { field: name, message: `${name} must be a ${spec.type}, got a list` };
  return checkScalar(name, value, spec);
}

function checkScalar(field: string, value: Scalar, rules: ScalarRules): Refusal | undefined {
  switch (rules.type) {
    case 'string':
      if (typeof value !== 'string') return { field, message: `${field} must be a string, got ${describe(value)}` };
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return { field, message: `${field} must be an integer, got ${describe(value)}` };
      break;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return { field, message: `${field} must be a number, got ${describe(value)}` };
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return { field, message: `${field} must be true or false, got ${describe(value)}` };
      break;
    default:
      // Array items without a declared type: any scalar.
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        return { field, message: `${field} must be a string, number or boolean, got ${describe(value)}` };
      }
  }
  if (rules.enum && !rules.enum.some((allowed) => sameValue(allowed, value))) {
    return { field, message: `${field} must be one of ${rules.enum.map((v) => JSON.stringify(v)).join(', ')}` };
  }
  if (typeof value === 'string') {
    // Lengths count code points, as JSON Schema does, not UTF-16 code units.
    const length = [...value].length;
    if (rules.minLength !== undefined && length < rules.minLength) {
      return { field, message: `${field} must be at least ${rules.minLength} character(s) long, got ${length}` };
    }
    if (rules.maxLength !== undefined && length > rules.maxLength) {
      return { field, message: `${field} must be at most ${rules.maxLength} character(s) long, got ${length}` };
    }
    if (rules.pattern !== undefined) {
      let re: RegExp;
      try {
        re = new RegExp(rules.pattern, 'u');
      } catch {
        return { field, message: `${field}: the runbook's pattern is not a valid regular expression` };
      }
      if (!re.test(value)) return { field, message: `${field} does not match the pattern ${rules.pattern}` };
    }
  }
  if (typeof value === 'number') {
    if (rules.minimum !== undefined && value < rules.minimum) return { field, message: `${field} must be at least ${rules.minimum}, got ${value}` };
    if (rules.maximum !== undefined && value > rules.maximum) return { field, message: `${field} must be at most ${rules.maximum}, got ${value}` };
  }
  return undefined;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  return a === b;
}

// Describes a value's kind without echoing it: values can be long, and error text ends up in logs.
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value;
}
