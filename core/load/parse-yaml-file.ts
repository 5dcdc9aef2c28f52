import { isAlias, isCollection, isNode, isPair, isScalar, parseAllDocuments, visit } from 'yaml';
import type { Document, Node, YAMLError } from 'yaml';
import type { Finding } from '../model/finding.js';
import { LineIndex } from './line-index.js';
import { findingAt, type ParsedFile } from './parsed-file.js';
import { DEFAULT_LOAD_LIMITS, type LoadLimits, type SourceFile } from './source-file.js';
import { pointerOfPath } from './pointer-of-path.js';

const CORE_TAGS = new Set(['tag:yaml.org,2002:str', 'tag:yaml.org,2002:map', 'tag:yaml.org,2002:seq']);

/**
 * Loads one YAML file into a document with source ranges and a plain value, turning every hostile or
 * surprising construct into a finding instead of a crash or a hang: size over the cap, bytes that are
 * not UTF-8, several documents, syntax errors, duplicate keys (both lines named), unknown or
 * language tags, alias bombs and self-referencing aliases, nesting deeper than the cap, and YAML 1.1
 * octal look-alikes. YAML is read as 1.2 (core schema) with merge keys off.
 *
 * @example
 * const parsed = parseYamlFile({ path: 'sites/a.yaml', bytes, size: bytes.length });
 * if (parsed.findings.length) console.log(parsed.findings);
 */
export function parseYamlFile(source: SourceFile, limits: LoadLimits = DEFAULT_LOAD_LIMITS): ParsedFile {
  const empty = (text: string, finding: (f: ParsedFile) => Finding): ParsedFile => {
    const f: ParsedFile = { path: source.path, text, lines: new LineIndex(text), doc: null, value: undefined, findings: [] };
    f.findings.push(finding(f));
    return f;
  };

  if (source.size > limits.maxFileBytes || source.bytes.length > limits.maxFileBytes) {
    return empty('', (f) =>
      findingAt(f, undefined, '', 'YAML_FILE_TOO_LARGE',
        `file is ${source.size} bytes, over the ${limits.maxFileBytes}-byte limit`,
        'Split it into smaller files (one rule, runbook or site per file) or move large scripts into sibling files.'),
    );
  }

  const decoded = decodeUtf8(source.bytes);
  if (typeof decoded !== 'string') {
    const prefix = new TextDecoder('utf-8').decode(source.bytes.subarray(0, decoded.badOffset));
    return empty(prefix, (f) => {
      const finding = findingAt(f, [prefix.length, prefix.length], '', 'YAML_INVALID_UTF8',
        `byte 0x${decoded.badByte.toString(16).padStart(2, '0')} at byte offset ${decoded.badOffset} is not valid UTF-8`,
        'Save the file as UTF-8 (no Latin-1 or UTF-16); re-type any pasted characters around this position.');
      return finding;
    });
  }
  const text = decoded;
  const lines = new LineIndex(text);
  const file: ParsedFile = { path: source.path, text, lines, doc: null, value: undefined, findings: [] };
  const add = (range: readonly [number, number] | undefined, pointer: string, code: string, message: string, hint: string, severity: 'error' | 'warning' = 'error') =>
    file.findings.push(findingAt(file, range, pointer, code, message, hint, severity));

  const flowDepth = maxFlowDepth(text, limits.maxDepth);
  if (flowDepth.depth > limits.maxDepth) {
    add([flowDepth.offset, flowDepth.offset + 1], '', 'YAML_TOO_DEEP',
      `nesting goes deeper than ${limits.maxDepth} levels`,
      'Flatten the structure; no writ file needs more than a few levels.');
    return file;
  }

  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { version: '1.2', schema: 'core', merge: false, uniqueKeys: true, prettyErrors: false, strict: true, stringKeys: false }) as Document.Parsed[];
  } catch (e) {
    add([0, 0], '', e instanceof RangeError ? 'YAML_TOO_DEEP' : 'YAML_SYNTAX',
      'the YAML could not be parsed', 'Check the indentation and brackets near the start of the file.');
    return file;
  }
  if (!Array.isArray(docs)) {
    // parseAllDocuments returns an EmptyStream for a file without content.
    add([0, 0], '', 'YAML_EMPTY', 'the file is empty', 'Write the document, or delete the file.');
    return file;
  }
  if (docs.length === 0) {
    add([0, 0], '', 'YAML_EMPTY', 'the file is empty', 'Write the document, or delete the file.');
    return file;
  }
  if (docs.length > 1) {
    const second = docs[1]!;
    add([second.range[0], second.range[0] + 3], '', 'YAML_MULTIPLE_DOCUMENTS',
      `the file holds ${docs.length} YAML documents; writ reads exactly one per file`,
      'Remove the `---` separator and move each document to its own file named after its id.');
  }
  const doc = docs[0]!;
  file.doc = doc;

  for (const err of doc.errors) reportYamlError(file, doc, err, add);
  for (const warn of doc.warnings) {
    if (warn.code === 'TAG_RESOLVE_FAILED') continue; // reported below with the tag's name
    add(warn.pos, '', 'YAML_WARNING', warn.message.split('\n')[0] ?? warn.message, 'Rewrite the construct in plain YAML.', 'warning');
  }
  if (doc.errors.length > 0) return file;

  const structural = inspectNodes(file, doc, limits);
  if (structural) return file;

  if (doc.contents === null) {
    add([0, 0], '', 'YAML_EMPTY', 'the document is empty', 'Write the document, or delete the file.');
    return file;
  }
  try {
    file.value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (e) {
    const firstAlias = findFirstAlias(doc);
    if (e instanceof ReferenceError) {
      add(firstAlias?.range as [number, number] | undefined, '', 'YAML_ALIAS_BOMB',
        `aliases expand to more than ${limits.maxAliasCount} nodes`,
        'Write the values out instead of nesting aliases; anchors and aliases are for small repeated blocks only.');
    } else {
      add([0, 0], '', 'YAML_SYNTAX', 'the YAML could not be turned into data', 'Simplify the document.');
    }
  }
  return file;
}

function decodeUtf8(bytes: Uint8Array): string | { badOffset: number; badByte: number } {
  try {
    let text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return text;
  } catch {
    const bad = firstInvalidUtf8(bytes);
    return { badOffset: bad, badByte: bytes[bad] ?? 0 };
  }
}

/** Offset of the first byte that starts an invalid UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let n = 0;
    if (c < 0x80) { i++; continue; }
    else if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) n = 2;
    else if (c >= 0xf0 && c <= 0xf4) n = 3;
    else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
    }
    const cp = n === 2 ? ((c & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) : 0;
    if (n === 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) return i;
    if (n === 3) {
      const v = ((c & 0x07) << 18) | ((b[i + 1]! & 0x3f) << 12);
      if (v < 0x10000 || v > 0x10ffff) return i;
    }
    i += n + 1;
  }
  return Math.max(0, b.length - 1);
}

/**
 * Deepest bracket nesting outside quotes and comments, and where it first went past `limit`:
 * a cheap guard before the recursive parser.
 */
function maxFlowDepth(text: string, limit: number): { depth: number; offset: number } {
  let depth = 0;
  let max = 0;
  let at = 0;
  let quote = '';
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) {
        if (quote === "'" && text[i + 1] === "'") i++;
        else quote = '';
      } else if (ch === '\\' && quote === '"') i++;
      continue;
    }
    if (ch === '\n') { lineStart = true; continue; }
    if (ch === '#' && (lineStart || text[i - 1] === ' ' || text[i - 1] === '\t')) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl - 1;
      continue;
    }
    if (ch !== ' ' && ch !== '\t') lineStart = false;
    if ((ch === '"' || ch === "'") && depth > 0) quote = ch;
    else if (ch === '[' || ch === '{') {
      depth++;
      if (depth > max) {
        max = depth;
        if (depth === limit + 1) at = i;
      }
    } else if ((ch === ']' || ch === '}') && depth > 0) depth--;
  }
  return { depth: max, offset: at };
}

function reportYamlError(
  file: ParsedFile,
  doc: Document.Parsed,
  err: YAMLError,
  add: (range: readonly [number, number] | undefined, pointer: string, code: string, message: string, hint: string) => void,
): void {
  const firstLine = err.message.split('\n')[0] ?? err.message;
  if (err.code === 'DUPLICATE_KEY') {
    const dup = findDuplicateKey(doc, err.pos[0]);
    const keyText = dup ? dup.key : text(file, err.pos);
    const finding = findingAt(file, err.pos, dup?.pointer ?? '', 'YAML_DUPLICATE_KEY',
      `key "${keyText}" appears twice in the same mapping`,
      'Keep one of the two entries; YAML would otherwise silently use only one of them.');
    if (dup) {
      const first = file.lines.position(dup.firstOffset);
      finding.related = [{ file: file.path, line: first.line, column: first.column, message: `first "${keyText}" is here` }];
      finding.message += ` (first at line ${first.line})`;
    }
    file.findings.push(finding);
    return;
  }
  if (err.code === 'TAG_RESOLVE_FAILED') {
    add(err.pos, '', 'YAML_UNSUPPORTED_TAG', `tag ${text(file, err.pos)} is not allowed`,
      'Remove the tag: writ files hold plain strings, numbers, booleans, lists and mappings only (quote a value to make it a string).');
    return;
  }
  if (err.code === 'BAD_ALIAS' || err.code === 'BAD_INDENT' || err.code === 'MISSING_CHAR' || err.code === 'UNEXPECTED_TOKEN') {
    add(err.pos, '', 'YAML_SYNTAX', firstLine, 'Check the indentation, quotes and brackets on this line.');
    return;
  }
  add(err.pos, '', 'YAML_SYNTAX', firstLine, 'Fix the YAML syntax at this position.');
}

function text(file: ParsedFile, pos: readonly [number, number]): string {
  return file.text.slice(pos[0], Math.min(pos[1], pos[0] + 60));
}

/** Finds the mapping holding a duplicated key whose second occurrence starts at `offset`. */
function findDuplicateKey(doc: Document.Parsed, offset: number): { key: string; firstOffset: number; pointer: string } | null {
  let found: { key: string; firstOffset: number; pointer: string } | null = null;
  visit(doc, {
    Map(_key, map, path) {
      if (found) return visit.BREAK;
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : null;
        const start = isNode(pair.key) ? pair.key.range?.[0] : undefined;
        if (k === null || start === undefined) continue;
        const prior = seen.get(k);
        if (prior !== undefined && start === offset) {
          found = { key: k, firstOffset: prior, pointer: pointerOfPath(path, map) };
          return visit.BREAK;
        }
        if (prior === undefined) seen.set(k, start);
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Walks the node tree once for tags, alias cycles, depth and YAML 1.1 look-alikes.
 * Returns true when a problem makes the document unsafe to convert to data.
 */
function inspectNodes(file: ParsedFile, doc: Document.Parsed, limits: LoadLimits): boolean {
  let unsafe = false;
  const add = (node: Node, code: string, message: string, hint: string, severity: 'error' | 'warning' = 'error') =>
    file.findings.push(findingAt(file, node.range as [number, number] | undefined, '', code, message, hint, severity));
  const addAt = (offset: number, code: string, message: string, hint: string) =>
    file.findings.push(findingAt(file, [offset, offset + 1], '', code, message, hint));

  const stack: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (!node) continue;
    if (isPair(node)) {
      stack.push({ node: node.key, depth }, { node: node.value, depth });
      continue;
    }
    if (!isNode(node)) continue;
    if (depth > limits.maxDepth) {
      add(node, 'YAML_TOO_DEEP', `nesting goes deeper than ${limits.maxDepth} levels`, 'Flatten the structure; no writ file needs more than a few levels.');
      return true;
    }
    if (node.tag && !CORE_TAGS.has(node.tag) && !isAlias(node)) {
      addAt(tagStart(file.text, node.range?.[0] ?? 0), 'YAML_UNSUPPORTED_TAG', `tag ${node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed`,
        'Remove the tag: writ files hold plain strings, numbers, booleans, lists and mappings only (quote a value to make it a string).');
      unsafe = true;
    }
    if (isAlias(node)) {
      const target = node.resolve(doc);
      const [as, ae] = node.range ?? [0, 0];
      const [ts, te] = target?.range ?? [-1, -1];
      if (!target) {
        add(node, 'YAML_SYNTAX', `alias *${node.source} has no anchor`, 'Define the anchor before using it, or write the value out.');
        unsafe = true;
      } else if (as >= ts && ae <= te) {
        add(node, 'YAML_ALIAS_CYCLE', `alias *${node.source} refers to the node that contains it`,
          'Remove the self-reference; write the value out instead.');
        unsafe = true;
      }
      continue;
    }
    if (isScalar(node)) {
      if (node.type === 'PLAIN' && typeof node.value === 'number' && typeof node.source === 'string' && /^[-+]?0[0-7]+$/.test(node.source)) {
        add(node, 'YAML_OCTAL_AMBIGUOUS',
          `${node.source} is read as the decimal number ${node.value} in YAML 1.2 but as octal ${parseInt(node.source, 8)} in YAML 1.1`,
          `Write "${node.source}" in quotes if it is a string (a file mode, a code), or drop the leading zero if it is a number.`);
      }
      continue;
    }
    if (isCollection(node)) {
      for (const item of (node as { items: unknown[] }).items) stack.push({ node: item, depth: depth + 1 });
    }
  }
  return unsafe;
}

/** Where the tag in front of the node starting at `valueStart` begins (skipping an anchor between them). */
function tagStart(text: string, valueStart: number): number {
  let i = valueStart;
  for (let hops = 0; hops < 4; hops++) {
    let j = i - 1;
    while (j >= 0 && (text[j] === ' ' || text[j] === '\t' || text[j] === '\n' || text[j] === '\r')) j--;
    let k = j;
    while (k >= 0 && !/\s/.test(text[k]!)) k--;
    const token = text.slice(k + 1, j + 1);
    if (token.startsWith('!')) return k + 1;
    if (!token.startsWith('&')) break;
    i = k + 1;
  }
  return valueStart;
}

function findFirstAlias(doc: Document.Parsed): Node | null {
  let found: Node | null = null;
  visit(doc, {
    Alias(_k, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

