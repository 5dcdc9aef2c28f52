import { isScalar } from 'yaml';
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { Node } from 'yaml';
import type { Finding } from '../model/finding.js';
import { findingAt, type ParsedFile } from '../load/parsed-file.js';
import { nodeAtPointer } from '../load/node-at-pointer.js';
import { escapePointerSegment } from '../load/pointer-of-path.js';
import { closestWord } from './closest-word.js';
import { SCHEMAS, type JsonSchema } from './schemas.js';

const YAML11_BOOLEANS = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

/**
 * Turns ajv's errors for one document into findings a person can act on: each names the key or
 * value at fault with its exact line and column, says what was expected in plain words, and hints
 * at the fix (the closest known key, the allowed values, how to quote a YAML 1.1 look-alike).
 *
 * @example
 * schemaErrorsToFindings(parsed, ajvErrors, 'policies/'); // Finding[]
 */
export function schemaErrorsToFindings(file: ParsedFile, errors: readonly ErrorObject[], folderHint: string): Finding[] {
  const out: Finding[] = [];
  const seenPointers = new Set<string>();
  // A failed oneOf/discriminator drags in every branch's errors; keep the most specific ones.
  const relevant = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'if' && e.keyword !== 'anyOf');
  for (const err of relevant) {
    const finding = toFinding(file, err, folderHint);
    if (!finding) continue;
    const key = `${finding.pointer}|${finding.code}|${finding.message}`;
    if (seenPointers.has(key)) continue;
    seenPointers.add(key);
    out.push(finding);
  }
  // A type error on a node makes other complaints about the same node noise.
  const typed = new Set(out.filter((f) => f.code === 'SCHEMA_TYPE' || f.code.startsWith('YAML_')).map((f) => f.pointer));
  return out.filter((f) => !(typed.has(f.pointer) && f.code !== 'SCHEMA_TYPE' && !f.code.startsWith('YAML_')));
}

function toFinding(file: ParsedFile, err: ErrorObject, folderHint: string): Finding | null {
  const doc = file.doc!;
  const pointer = err.instancePath;
  const where = nodeAtPointer(doc, pointer);
  const node = where.node;
  const range = (n: Node | null | undefined) => (n?.range ? ([n.range[0], n.range[1]] as [number, number]) : undefined);
  const name = pointer === '' ? 'the document' : `\`${lastSegment(pointer)}\``;
  const desc = describe(err.parentSchema as JsonSchema | undefined);
  const at = (code: string, message: string, hint: string, n: Node | null | undefined = node, ptr = pointer) =>
    findingAt(file, range(n) ?? range(node), ptr, code, message, hint);

  switch (err.keyword) {
    case 'required': {
      const missing = (err.params as { missingProperty: string }).missingProperty;
      const propSchema = resolve(((err.parentSchema as JsonSchema | undefined)?.['properties'] as Record<string, JsonSchema> | undefined)?.[missing]);
      const example = exampleOf(propSchema);
      return at('SCHEMA_REQUIRED', `${name} is missing the required key \`${missing}\``,
        `Add \`${missing}:\`${example ? ` (for example \`${missing}: ${example}\`)` : ''}.${propSchema?.['description'] ? ' ' + String(propSchema['description']) : ''}`,
        where.key ?? node);
    }
    case 'additionalProperties': {
      const extra = (err.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys(((err.parentSchema as JsonSchema | undefined)?.['properties'] as object | undefined) ?? {});
      const keyNode = nodeAtPointer(doc, `${pointer}/${escapePointerSegment(extra)}`).key;
      const guess = closestWord(extra, known);
      const hint = extra === '<<'
        ? 'Merge keys (<<) are a YAML 1.1 feature writ does not support; write the keys out.'
        : guess
          ? `Did you mean \`${guess}\`?`
          : `Known keys here: ${known.join(', ')}.`;
      return at('SCHEMA_UNKNOWN_KEY', `unknown key \`${extra}\` in ${name}`, hint, keyNode, `${pointer}/${escapePointerSegment(extra)}`);
    }
    case 'type': {
      const expected = String((err.params as { type: string | string[] }).type).replace(/,/g, ' or ');
      if (node && isScalar(node) && node.type === 'PLAIN') {
        const src = node.source ?? String(node.value);
        if (expected.includes('string') && typeof node.value === 'number') {
          const lossy = String(node.value) !== src;
          return at(lossy ? 'YAML_NUMBER_NOT_STRING' : 'SCHEMA_TYPE',
            lossy ? `${name} is written as ${src}, which YAML reads as the number ${node.value}` : `${name} must be a string, not the number ${src}`,
            `Quote it: "${src}".`);
        }
        if (expected.includes('boolean') && typeof node.value === 'string' && YAML11_BOOLEANS.test(src)) {
          return at('YAML_BOOLEAN_WORD', `${name} is "${src}", a word YAML 1.1 treats as a boolean but YAML 1.2 reads as text`,
            `Write ${/^(y|yes|on)$/i.test(src) ? 'true' : 'false'} instead.`);
        }
        if (expected.includes('string') && typeof node.value === 'boolean') {
          return at('SCHEMA_TYPE', `${name} must be a string, not the boolean ${src}`, `Quote it: "${src}".`);
        }
      }
      return at('SCHEMA_TYPE', `${name} must be ${article(expected)} (got ${kindOf(err.data)})`, desc ?? `Change the value to ${article(expected)}.`);
    }
    case 'enum': {
      const allowed = (err.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const guess = typeof err.data === 'string' ? closestWord(err.data, allowed) : undefined;
      return at('SCHEMA_ENUM', `${name} must be one of ${allowed.join(', ')} (got ${show(err.data)})`,
        guess ? `Did you mean "${guess}"?` : (desc ?? `Use one of: ${allowed.join(', ')}.`));
    }
    case 'const': {
      const allowed = (err.params as { allowedValue: unknown }).allowedValue;
      if (pointer === '/kind') {
        return at('SCHEMA_KIND', `kind is ${show(err.data)} but files in ${folderHint} hold kind ${String(allowed)}`,
          `Set \`kind: ${String(allowed)}\`, or move the file to the folder for its kind (policies/, runbooks/, sites/, frameworks/).`);
      }
      if (pointer === '/apiVersion') {
        return at('SCHEMA_API_VERSION', `apiVersion ${show(err.data)} is not a format this writ reads`,
          `writ/v1 is the current format (introduced in writ 0.1.0). Set \`apiVersion: writ/v1\` and check the file against schemas/.`);
      }
      return at('SCHEMA_CONST', `${name} must be ${show(allowed)} (got ${show(err.data)})`, desc ?? `Set it to ${show(allowed)}.`);
    }
    case 'pattern': {
      const isKey = err.propertyName !== undefined;
      const keyNode = isKey ? nodeAtPointer(doc, `${pointer}/${escapePointerSegment(err.propertyName!)}`).key : node;
      const example = exampleOf(err.parentSchema as JsonSchema | undefined);
      return at('SCHEMA_PATTERN',
        isKey ? `key \`${err.propertyName}\` in ${name} is not a valid name` : `${name} has the wrong form (got ${show(err.data)})`,
        `${desc ?? 'See the schema for the expected form.'}${example ? ` Example: ${example}.` : ''}`, keyNode);
    }
    case 'propertyNames':
      return null; // reported by the nested pattern error on the key
    case 'format': {
      const format = (err.params as { format: string }).format;
      const what = format === 'date' ? 'a date like 2027-01-31' : format === 'email' ? 'an e-mail address' : `a valid ${format}`;
      return at('SCHEMA_FORMAT', `${name} must be ${what} (got ${show(err.data)})`, desc ?? `Write ${what}.`);
    }
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
    case 'minLength': case 'maxLength': case 'minItems': case 'maxItems': case 'minProperties': case 'maxProperties': {
      const limit = (err.params as { limit: number }).limit;
      const words: Record<string, string> = {
        minimum: `at least ${limit}`, maximum: `at most ${limit}`, exclusiveMinimum: `more than ${limit}`, exclusiveMaximum: `less than ${limit}`,
        minLength: `at least ${limit} characters long`, maxLength: `at most ${limit} characters long`,
        minItems: `a list of at least ${limit} item${limit === 1 ? '' : 's'}`, maxItems: `a list of at most ${limit} items`,
        minProperties: `a mapping with at least ${limit} key${limit === 1 ? '' : 's'}`, maxProperties: `a mapping with at most ${limit} keys`,
      };
      return at('SCHEMA_RANGE', `${name} must be ${words[err.keyword]} (got ${show(err.data, 40)})`, desc ?? 'Adjust the value.');
    }
    case 'uniqueItems': {
      const { i, j } = err.params as { i: number; j: number };
      const dup = nodeAtPointer(doc, `${pointer}/${i}`).node;
      return at('SCHEMA_DUPLICATE_ITEM', `${name} lists the same item twice (items ${j + 1} and ${i + 1})`, 'Remove the repeated item.', dup ?? node);
    }
    case 'discriminator':
      return null; // the nested enum or required error on the tag says it more precisely
    default:
      return at('SCHEMA_INVALID', `${name} ${err.message ?? 'is invalid'}`, desc ?? 'See the schema in schemas/.');
  }
}

function resolve(schema: JsonSchema | undefined): JsonSchema | undefined {
  let s = schema;
  for (let i = 0; s && typeof s['$ref'] === 'string' && i < 4; i++) {
    const ref = s['$ref'] as string;
    const m = /^(?:([a-z-]+)\.schema\.json)?#\/\$defs\/(.+)$/.exec(ref);
    if (!m) break;
    const file = SCHEMAS[m[1] ?? 'common'];
    const resolved = (file?.['$defs'] as Record<string, JsonSchema> | undefined)?.[m[2]!];
    s = resolved ? { ...resolved, ...(s['description'] ? { description: s['description'] } : {}) } : undefined;
  }
  return s;
}

function describe(schema: JsonSchema | undefined): string | undefined {
  const d = resolve(schema)?.['description'];
  return typeof d === 'string' ? d : undefined;
}

function exampleOf(schema: JsonSchema | undefined): string | undefined {
  const ex = (resolve(schema)?.['examples'] as unknown[] | undefined)?.[0];
  if (ex === undefined || (typeof ex === 'object' && ex !== null)) return undefined;
  return typeof ex === 'string' ? ex : JSON.stringify(ex);
}

function lastSegment(pointer: string): string {
  const segs = pointer.split('/').slice(1);
  const parts: string[] = [];
  for (const s of segs) {
    if (/^\d+$/.test(s) && parts.length) parts[parts.length - 1] += `[${s}]`;
    else parts.push(s.replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  return parts.join('.');
}

function article(type: string): string {
  const t = type.replace('integer', 'whole number').replace('object', 'mapping').replace('array', 'list');
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${show(v)}`;
}

function show(v: unknown, max = 60): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v);
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}
