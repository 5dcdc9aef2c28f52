import { describe, expect, it } from 'vitest';
import { parseYamlFile } from '../../../../core/load/parse-yaml-file.js';
import { DEFAULT_LOAD_LIMITS } from '../../../../core/load/source-file.js';

const load = (text: string | Uint8Array, path = 'sites/x.yaml') => {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  return parseYamlFile({ path, bytes, size: bytes.length });
};
const codes = (text: string | Uint8Array) => load(text).findings.map((f) => f.code);
const at = (text: string | Uint8Array, code: string) => {
  const f = load(text).findings.find((x) => x.code === code);
  expect(f, `expected ${code}`).toBeDefined();
  return { line: f!.line, column: f!.column };
};

describe('parseYamlFile', () => {
  it('loads a plain mapping without findings', () => {
    const r = load('a: 1\nb: [x, y]\nc: {d: true}\n');
    expect(r.findings).toEqual([]);
    expect(r.value).toEqual({ a: 1, b: ['x', 'y'], c: { d: true } });
  });

  it('reads YAML 1.2: yes/no/on/off stay text, no merge keys', () => {
    expect(load('a: yes\nb: no\nc: on\nd: off\n').value).toEqual({ a: 'yes', b: 'no', c: 'on', d: 'off' });
  });

  it('names both lines of a duplicate key', () => {
    const r = load('id: a\nname: x\nid: b\n');
    const f = r.findings.find((x) => x.code === 'YAML_DUPLICATE_KEY')!;
    expect(f).toMatchObject({ line: 3, column: 1 });
    expect(f.related?.[0]).toMatchObject({ line: 1, column: 1 });
    expect(f.message).toContain('first at line 1');
  });

  it('finds duplicate keys in nested mappings and sequences', () => {
    expect(at('hosts:\n  - id: a\n    port: 1\n    port: 2\n', 'YAML_DUPLICATE_KEY')).toEqual({ line: 4, column: 5 });
  });

  it('stops an alias bomb at the expansion limit', () => {
    let text = 'a: &a [x, x, x, x, x, x, x, x, x]\n';
    for (const [n, p] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e']] as const) {
      text += `${n}: &${n} [${Array(9).fill(`*${p}`).join(', ')}]\n`;
    }
    const start = performance.now();
    expect(codes(text)).toContain('YAML_ALIAS_BOMB');
    expect(performance.now() - start).toBeLessThan(15_000); // catches a blow-up only; speed lives in bench/
  });

  it('allows a few small aliases', () => {
    expect(load('base: &b {x: 1}\nuse: *b\n').value).toEqual({ base: { x: 1 }, use: { x: 1 } });
  });

  it.each([
    ['a: &x [*x]\n', 1, 8],
    ['a: &x {b: *x}\n', 1, 11],
    ['a: &x\n  b:\n    c: *x\n', 3, 8],
  ])('reports a self-referencing alias in %j', (text, line, column) => {
    expect(at(text, 'YAML_ALIAS_CYCLE')).toEqual({ line, column });
  });

  it.each(['!!python/object:os.system', '!Ref', '!!binary', '!!set', '!!omap', '!<tag:example.com,2000:x>', '!!timestamp', '!include'])(
    'refuses the tag %s',
    (tag) => {
      expect(codes(`a: ${tag} foo\n`)).toContain('YAML_UNSUPPORTED_TAG');
    },
  );

  it.each([
    ['a: !Ref foo\n', 1, 4],
    ['a: !Ref &x foo\n', 1, 4],
    ['a:\n  - !!python/object/apply:os.system ["id"]\n', 2, 5],
    ['a: !Ref\n  [1, 2]\n', 1, 4],
  ])('points at the tag itself in %j', (text, line, column) => {
    expect(at(text, 'YAML_UNSUPPORTED_TAG')).toEqual({ line, column });
  });

  it('allows !!str to force text', () => {
    expect(load('a: !!str 1.10\n')).toMatchObject({ findings: [], value: { a: '1.10' } });
  });

  it('refuses several documents in one file, at the second one', () => {
    expect(at('a: 1\n---\nb: 2\n', 'YAML_MULTIPLE_DOCUMENTS')).toEqual({ line: 2, column: 1 });
  });

  it.each([
    ['0777', 777, 511],
    ['0644', 644, 420],
    ['-010', -10, -8],
  ])('flags the octal look-alike %s', (src) => {
    expect(codes(`mode: ${src}\n`)).toContain('YAML_OCTAL_AMBIGUOUS');
  });

  it('does not flag quoted or 0o octal', () => {
    expect(codes('a: "0777"\nb: 0o777\nc: 0\nd: 10\n')).toEqual([]);
  });

  it.each([
    [[0x61, 0x3a, 0x20, 0xff, 0x0a], 1, 4],
    [[0x61, 0x3a, 0x0a, 0x62, 0x3a, 0x20, 0xc3, 0x28], 2, 4],
    [[0x61, 0x3a, 0x20, 0xe2, 0x82], 1, 4],
    [[0x61, 0x3a, 0x20, 0xed, 0xa0, 0x80], 1, 4],
    [[0x61, 0x3a, 0x20, 0xc0, 0xaf], 1, 4],
  ])('reports non-UTF-8 bytes %j with their position', (bytes, line, column) => {
    const r = load(new Uint8Array(bytes));
    expect(r.findings.map((f) => [f.code, f.line, f.column])).toEqual([['YAML_INVALID_UTF8', line, column]]);
  });

  it('accepts a UTF-8 byte-order mark', () => {
    expect(load(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x3a, 0x20, 0x31])).value).toEqual({ a: 1 });
  });

  it('refuses a file over the size cap without parsing it', () => {
    const r = parseYamlFile({ path: 'sites/big.yaml', bytes: new Uint8Array(0), size: DEFAULT_LOAD_LIMITS.maxFileBytes + 1 });
    expect(r.findings.map((f) => f.code)).toEqual(['YAML_FILE_TOO_LARGE']);
  });

  it.each([
    ['flow', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['flow maps', '{a: '.repeat(5000) + '1' + '}'.repeat(5000)],
    ['block', Array.from({ length: 200 }, (_, i) => ' '.repeat(i) + 'k:').join('\n') + ' 1\n'],
    ['block sequences', Array.from({ length: 200 }, (_, i) => ' '.repeat(i * 2) + '-').join('\n') + ' 1\n'],
  ])('reports deep %s nesting quickly', (_name, text) => {
    const start = performance.now();
    expect(codes(text)).toContain('YAML_TOO_DEEP');
    expect(performance.now() - start).toBeLessThan(15_000); // catches a blow-up only; speed lives in bench/
  });

  it('reports syntax errors with position instead of throwing', () => {
    const r = load('a: [1, 2\nb: 3\n');
    expect(r.findings.length).toBeGreaterThan(0);
    expect(r.findings.every((f) => f.code === 'YAML_SYNTAX')).toBe(true);
    expect(r.value).toBeUndefined();
  });

  it('reports an empty file', () => {
    expect(codes('')).toEqual(['YAML_EMPTY']);
    expect(codes('# only a comment\n')).toEqual(['YAML_EMPTY']);
  });

  it('never throws on random bytes', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const alphabet = ':-[]{}&*!|>\'"#%@`, \n\tab01.';
    for (let i = 0; i < 300; i++) {
      const text = Array.from({ length: 1 + Math.floor(rnd() * 200) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      expect(() => load(text)).not.toThrow();
    }
  });
});
