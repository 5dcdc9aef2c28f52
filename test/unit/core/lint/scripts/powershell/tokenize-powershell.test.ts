import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tokenizePowerShell, type PsToken } from '../../../../../../core/lint/scripts/powershell/tokenize-powershell.js';

/** [kind, value] pairs of the top-level tokens, newlines included. */
const kv = (source: string): [string, string][] => tokenizePowerShell(source).map((t) => [t.kind, t.value]);

/** 1-based line and column of an offset, computed independently of the tokenizer. */
function positionOf(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset; k++) {
    const c = source[k];
    if (c === '\n' || (c === '\r' && source[k + 1] !== '\n')) {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Every token, nested ones included, depth first. */
function allTokens(tokens: PsToken[]): PsToken[] {
  const out: PsToken[] = [];
  const work = [tokens];
  for (let list = work.pop(); list !== undefined; list = work.pop()) {
    for (const t of list) {
      out.push(t);
      for (const inner of t.nested ?? []) work.push(inner);
    }
  }
  return out;
}

/** A small seeded generator so property tests are repeatable. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GARBAGE = ' \t\n\r\n`\'"$(){}[]@#<>|&;.,:=-+*/%!?0123456789abcxyzIEX\u2013\u201c\u201d\u2018\u2019\\\u00a0';
const PIECES = [
  'iex ', '$(', ')', '"', "'", '@"\n', '\n"@', "@'\n", "\n'@", '[', ']', '(', '{', '}', '<#', '#>', '# ', '& ', '. ',
  '$x', '${a b}', '::Create(', '[scriptblock]', 'Add-Type ', '\n', '\r\n', ' -c ', 'powershell ', '`', '`\n', ',', '|',
  '1.5', '..', '-Name:', '@{', '@(', '$env:X', '"$(', "''", '""', '`"', '\u201c', '\u2019',
];

function randomSource(random: () => number, length: number, usePieces: boolean): string {
  let out = '';
  while (out.length < length) {
    out += usePieces
      ? PIECES[Math.floor(random() * PIECES.length)]!
      : GARBAGE[Math.floor(random() * GARBAGE.length)]!;
  }
  return out;
}

/** A real pwsh for the optional cross-check: WRIT_PWSH, the CI tool folder, or PATH. */
function findPwsh(): string | undefined {
  const candidates = [process.env['WRIT_PWSH'], '/opt/writ/tools/pwsh'];
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) if (dir) candidates.push(join(dir, 'pwsh'));
  return candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(c));
}

describe('tokenizePowerShell', () => {
  it('splits a command line into barewords, parameters, variables and strings', () => {
    expect(kv("Get-ChildItem -Path $env:TEMP -Filter '*.log' | Remove-Item -WhatIf:$false")).toEqual([
      ['bareword', 'Get-ChildItem'],
      ['parameter', 'Path'],
      ['variable', 'env:TEMP'],
      ['parameter', 'Filter'],
      ['string', '*.log'],
      ['operator', '|'],
      ['bareword', 'Remove-Item'],
      ['parameter', 'WhatIf'],
      ['variable', 'false'],
    ]);
  });

  describe('comments', () => {
    it('skips # line comments and <# block #> comments, however they are spelled', () => {
      expect(kv('a # iex $x\nb <# iex\n $(iex) "#> c')).toEqual([
        ['bareword', 'a'],
        ['comment', '# iex $x'],
        ['newline', '\n'],
        ['bareword', 'b'],
        ['comment', '<# iex\n $(iex) "#>'],
        ['bareword', 'c'],
      ]);
    });

    it('keeps # inside a bareword (PowerShell only starts a comment at a token start)', () => {
      expect(kv('Write-Output a#b')).toEqual([
        ['bareword', 'Write-Output'],
        ['bareword', 'a#b'],
      ]);
    });

    it('runs an unterminated block comment to the end of the input', () => {
      const source = 'x <# never closed\niex $y';
      const t = tokenizePowerShell(source);
      expect(t.map((x) => x.kind)).toEqual(['bareword', 'comment']);
      expect(t[1]!.end).toBe(source.length);
    });
  });

  describe('strings', () => {
    it("reads single-quoted strings with '' as one quote and no expansion", () => {
      const [t] = tokenizePowerShell("'it''s $(iex) `n'");
      expect(t).toMatchObject({ kind: 'string', quote: 'single', value: "it's $(iex) `n", expandable: false, terminated: true });
      expect(t!.nested).toBeUndefined();
    });

    it('reads double-quoted strings with backtick escapes and "" as one quote', () => {
      const [t] = tokenizePowerShell('"a`tb `"q`" ""d"" `$x `u{263A}"');
      expect(t).toMatchObject({ kind: 'string', quote: 'double', value: 'a\tb "q" "d" $x \u263a', expandable: false });
    });

    it('marks $var, ${var} and $( ) as expansions, but not a lone $ or an escaped one', () => {
      const expandable = (s: string): boolean | undefined => tokenizePowerShell(s)[0]!.expandable;
      expect(expandable('"$x"')).toBe(true);
      expect(expandable('"${a b}"')).toBe(true);
      expect(expandable('"$env:TEMP\\x"')).toBe(true);
      expect(expandable('"$(1)"')).toBe(true);
      expect(expandable('"costs $ 5"')).toBe(false);
      expect(expandable('"`$x"')).toBe(false);
      expect(expandable('"50$"')).toBe(false);
    });

    it('tokenizes $( ) subexpressions as code, nested to any depth, with absolute positions', () => {
      const source = 'Write-Output "a $(iex "b $(Get-Date) c") d"';
      const [, str] = tokenizePowerShell(source);
      expect(str!.value).toBe('a $(iex "b $(Get-Date) c") d');
      const inner = str!.nested![0]!;
      expect(inner.map((t) => [t.kind, t.value])).toEqual([
        ['bareword', 'iex'],
        ['string', 'b $(Get-Date) c'],
      ]);
      expect(inner[0]).toMatchObject({ offset: 18, line: 1, column: 19 });
      const deeper = inner[1]!.nested![0]!;
      expect(deeper[0]).toMatchObject({ value: 'Get-Date', column: source.indexOf('Get-Date') + 1 });
    });

    it('ends a subexpression at its own ) even with parentheses, braces and strings inside', () => {
      const [str, after] = tokenizePowerShell('"$( (1 + 2) * @(3)[0]; if ($a) { ")" } ) tail" next');
      expect(str!.value).toBe('$( (1 + 2) * @(3)[0]; if ($a) { ")" } ) tail');
      expect(after).toMatchObject({ kind: 'bareword', value: 'next' });
    });

    it('treats typographic quotes as quotes, so ” can close a string opened with "', () => {
      expect(kv('"abc\u201d ; iex')).toEqual([
        ['string', 'abc'],
        ['operator', ';'],
        ['bareword', 'iex'],
      ]);
      expect(kv('\u2018it\u2019\u2019s\u2019')).toEqual([['string', "it\u2019s"]]);
    });

    it('runs unterminated strings to the end of the input and says so', () => {
      for (const source of ['"abc $(iex', "'abc", '"abc', '@"\nabc', "@'\nabc\n '@", '"$("$("']) {
        const [t] = tokenizePowerShell(source);
        expect(t, source).toMatchObject({ kind: 'string', terminated: false, end: source.length });
      }
    });
  });

  describe('here-strings', () => {
    it('reads @\' … \'@ literally, ending only at a terminator at the start of a line', () => {
      const source = "@'\nline '@ not the end\n  '@ indented is not either\n$(iex) \"x\"\n'@\nafter";
      const [t, nl, after] = tokenizePowerShell(source);
      expect(t).toMatchObject({ kind: 'string', here: true, quote: 'single', terminated: true });
      expect(t!.value).toBe("line '@ not the end\n  '@ indented is not either\n$(iex) \"x\"");
      expect(nl!.kind).toBe('newline');
      expect(after).toMatchObject({ value: 'after', line: 6, column: 1 });
    });

    it('reads @" … "@ with expansions and code in $( )', () => {
      const source = '@"\nHello $Name\n$(Invoke-Expression $x)\n"@';
      const [t] = tokenizePowerShell(source);
      expect(t).toMatchObject({ kind: 'string', here: true, quote: 'double', expandable: true, terminated: true });
      expect(t!.nested![0]![0]).toMatchObject({ value: 'Invoke-Expression', line: 3, column: 3 });
    });

    it('handles CRLF line ends and an empty here-string', () => {
      expect(kv("@'\r\nA\r\n'@\r\nb")).toEqual([
        ['string', 'A'],
        ['newline', '\n'],
        ['bareword', 'b'],
      ]);
      expect(kv('@"\n"@')).toEqual([['string', '']]);
    });

    it('is not a here-string when text follows the opening quote on its line', () => {
      expect(kv("@'x'")).toEqual([
        ['operator', '@'],
        ['string', 'x'],
      ]);
    });
  });

  describe('type literals and brackets', () => {
    it('reads type literals, generic ones included, without inner spaces', () => {
      expect(kv('[int] [System.Collections.Generic.List[string]] [ scriptblock ]::Create')).toEqual([
        ['type', 'int'],
        ['type', 'System.Collections.Generic.List[string]'],
        ['type', 'scriptblock'],
        ['operator', '::'],
        ['member', 'Create'],
      ]);
    });

    it('leaves attributes with arguments and indexing as brackets', () => {
      expect(kv("[Parameter(Mandatory)]$a[0]").map(([k]) => k)).toEqual([
        'open', 'bareword', 'open', 'bareword', 'close', 'close', 'variable', 'open', 'number', 'close',
      ]);
      expect(kv('$h[$k]').map(([k]) => k)).toEqual(['variable', 'open', 'variable', 'close']);
    });

    it('reads $( @( @{ as single openers', () => {
      expect(kv('$(1) @(2) @{a=3}').filter(([k]) => k === 'open')).toEqual([
        ['open', '$('],
        ['open', '@('],
        ['open', '@{'],
      ]);
    });
  });

  describe('variables', () => {
    it('reads plain, braced, scoped, drive and automatic variables', () => {
      expect(kv('$name ${a b`}c} $env:Path $script:x $_ $$ $? $^ $global:ErrorActionPreference')).toEqual([
        ['variable', 'name'],
        ['variable', 'a b}c'],
        ['variable', 'env:Path'],
        ['variable', 'script:x'],
        ['variable', '_'],
        ['variable', '$'],
        ['variable', '?'],
        ['variable', '^'],
        ['variable', 'global:ErrorActionPreference'],
      ]);
    });

    it('stops a variable before :: and member access, and reads splats', () => {
      expect(kv('$a::b $c.d @params')).toEqual([
        ['variable', 'a'],
        ['operator', '::'],
        ['member', 'b'],
        ['variable', 'c'],
        ['operator', '.'],
        ['member', 'd'],
        ['splat', 'params'],
      ]);
    });
  });

  describe('dots', () => {
    it('tells dot-sourcing from member access, decimals, ranges and paths', () => {
      expect(kv('. .\\lib.ps1')).toEqual([
        ['operator', '.'],
        ['bareword', '.\\lib.ps1'],
      ]);
      expect(kv('. $p')).toEqual([
        ['operator', '.'],
        ['variable', 'p'],
      ]);
      expect(kv('.{ 1 }')[0]).toEqual(['operator', '.']);
      expect(kv('$x.Foo')[1]).toEqual(['operator', '.']);
      expect(kv('$x.Foo')[2]).toEqual(['member', 'Foo']);
      expect(kv('1.5 .5 1..10')).toEqual([
        ['number', '1.5'],
        ['number', '.5'],
        ['number', '1'],
        ['operator', '..'],
        ['number', '10'],
      ]);
      expect(kv('..\\up.ps1 ./here.ps1')).toEqual([
        ['bareword', '..\\up.ps1'],
        ['bareword', './here.ps1'],
      ]);
    });
  });

  describe('operators and words', () => {
    it('reads call, pipeline, chain and redirection operators', () => {
      expect(kv('& a | b; c && d || e 2>&1').filter(([k]) => k === 'operator').map(([, v]) => v)).toEqual([
        '&', '|', ';', '&&', '||', '>&1',
      ]);
    });

    it('removes backtick escapes from barewords and keeps hyphenated names whole', () => {
      expect(kv('I`nv`oke-Ex`pression C:\\Tools\\x.exe /c')).toEqual([
        ['bareword', 'Invoke-Expression'],
        ['bareword', 'C:\\Tools\\x.exe'],
        ['bareword', '/c'],
      ]);
    });

    it('reads parameters with -, --, typographic dashes and the colon form', () => {
      expect(kv('x -Name:$v --command \u2013TypeDefinition -1')).toEqual([
        ['bareword', 'x'],
        ['parameter', 'Name'],
        ['variable', 'v'],
        ['parameter', 'command'],
        ['parameter', 'TypeDefinition'],
        ['operator', '-'],
        ['number', '1'],
      ]);
      expect(tokenizePowerShell('-Name:$v')[0]!.text).toBe('-Name:');
    });

    it('passes the rest of the line verbatim after --%', () => {
      expect(kv('cmd --% /c echo "%PATH%" | x\nnext')).toEqual([
        ['bareword', 'cmd'],
        ['operator', '--%'],
        ['bareword', '/c echo "%PATH%" | x'],
        ['newline', '\n'],
        ['bareword', 'next'],
      ]);
    });

    it('reads numbers with hex, exponent and multiplier suffixes, and 7z.exe as a word', () => {
      expect(kv('0x1F 1e3 10kb 7z.exe')).toEqual([
        ['number', '0x1F'],
        ['number', '1e3'],
        ['number', '10kb'],
        ['bareword', '7z.exe'],
      ]);
    });
  });

  describe('positions', () => {
    it('gives exact 1-based lines and columns across LF, CRLF, CR, tabs and continuations', () => {
      const source = 'a\r\n\tb `\n  c\rd "x\ny" e';
      const tokens = tokenizePowerShell(source).filter((t) => t.kind !== 'newline');
      expect(tokens.map((t) => [t.value, t.line, t.column])).toEqual([
        ['a', 1, 1],
        ['b', 2, 2],
        ['c', 3, 3],
        ['d', 4, 1],
        ['x\ny', 4, 3],
        ['e', 5, 4],
      ]);
    });

    it('treats a backtick line continuation as whitespace, not a newline', () => {
      expect(kv('Get-Item `\n  -Path x').map(([k]) => k)).toEqual(['bareword', 'parameter', 'bareword']);
      expect(kv('Get-Item ` -Path x').map(([k]) => k)).toEqual(['bareword', 'parameter', 'bareword']);
      expect(tokenizePowerShell('a `\nb')[1]!.spaceBefore).toBe(true);
    });

    it('records whether whitespace comes before a token', () => {
      expect(tokenizePowerShell('a$b c').map((t) => t.spaceBefore)).toEqual([true, false, true]);
    });
  });

  describe('properties', () => {
    it('on random input never throws and produces ordered, consistent, position-exact tokens', () => {
      const random = prng(1);
      for (let round = 0; round < 300; round++) {
        const source = randomSource(random, 1 + Math.floor(random() * 200), round % 2 === 0);
        let tokens: PsToken[] = [];
        expect(() => (tokens = tokenizePowerShell(source)), JSON.stringify(source)).not.toThrow();
        let previousEnd = 0;
        for (const t of tokens) {
          expect(t.offset, JSON.stringify(source)).toBeGreaterThanOrEqual(previousEnd);
          // Between top-level tokens there is only whitespace or a line continuation.
          expect(source.slice(previousEnd, t.offset).replace(/`(\r\n|\n|\r|\s)/g, '').trim()).toBe('');
          previousEnd = t.end;
        }
        expect(source.slice(previousEnd).replace(/`(\r\n|\n|\r|\s)/g, '').trim()).toBe('');
        for (const t of allTokens(tokens)) {
          expect(t.end).toBeGreaterThan(t.offset);
          expect(t.end).toBeLessThanOrEqual(source.length);
          expect(t.text).toBe(source.slice(t.offset, t.end));
          expect({ line: t.line, column: t.column }).toEqual(positionOf(source, t.offset));
        }
      }
    });

    it('keeps nested subexpression tokens inside their string', () => {
      const random = prng(2);
      for (let round = 0; round < 200; round++) {
        const source = randomSource(random, 1 + Math.floor(random() * 150), true);
        const work = [tokenizePowerShell(source)];
        for (let list = work.pop(); list !== undefined; list = work.pop()) {
          for (const t of list) {
            for (const inner of t.nested ?? []) {
              for (const n of inner) {
                expect(n.offset).toBeGreaterThan(t.offset);
                expect(n.end).toBeLessThanOrEqual(t.end);
              }
              work.push(inner);
            }
          }
        }
      }
    });

    it('finds the same words whatever whitespace separates them', () => {
      const random = prng(3);
      const words = ['Get-Item', '-Path', '$x', "'a b'", '"c"', '[int]', '42', 'Invoke-Expression'];
      for (let round = 0; round < 100; round++) {
        const picked = words.filter(() => random() < 0.7);
        const gaps = [' ', '\t', '  ', ' `\n ', '\u00a0'];
        const source = picked.map((w) => w + gaps[Math.floor(random() * gaps.length)]).join('');
        expect(tokenizePowerShell(source).map((t) => t.text)).toEqual(picked);
      }
    });
  });

  describe('large and hostile input', () => {
    it('tokenizes 1 MB of random-ish input quickly', () => {
      const source = randomSource(prng(4), 1 << 20, false);
      const started = performance.now();
      const tokens = tokenizePowerShell(source);
      expect(performance.now() - started).toBeLessThan(30_000); // catches a super-linear blow-up only; speed lives in bench/
      expect(tokens.length).toBeGreaterThan(1000);
    });

    it('stays linear on deep nesting and unterminated constructs', () => {
      const size = 1 << 17;
      const cases = [
        '"$('.repeat(size / 3),
        '['.repeat(size),
        '[a'.repeat(size / 2),
        '('.repeat(size),
        '${'.repeat(size / 2),
        '<#' + '#'.repeat(size),
        "@'\n" + "x'@".repeat(size / 3),
        '`'.repeat(size),
      ];
      for (const source of cases) {
        const started = performance.now();
        expect(() => tokenizePowerShell(source)).not.toThrow();
        expect(performance.now() - started, source.slice(0, 10)).toBeLessThan(30_000); // catches a super-linear blow-up only; speed lives in bench/
      }
    });
  });
  describe('against the real PowerShell parser (bash .ci/setup installs pwsh)', () => {
    const pwsh = findPwsh();
    const CORPUS = [
      "#requires -Version 5.1\r\n[CmdletBinding()]\r\nparam([Parameter(Mandatory)][string]$Name, [int]$Count = 3)\r\n",
      "$x = @'\nliteral $(iex) '@ here\n'@\n$y = @\"\nHello $Name $(Get-Date -Format 'yyyy') `$z\n\"@\nWrite-Output $x $y\n",
      "<# block\n # nested-looking #>\nGet-ChildItem -Path $env:TEMP -Filter '*.log' | Where-Object { $_.Length -gt 1kb } # trailing\n",
      "& 'C:\\Program Files\\x.exe' /quiet; . .\\lib.ps1; $h = @{ a = 1; b = @(1, 2) }; $h.a.ToString()\n",
      "Write-Output \"a $(\"b $(1 + 2) c\") d\" 'it''s' \"q\"\"q\" 1..10 0x1F 1.5\n",
      "Get-Item `\n  -Path x `\n  -Force\n[System.Collections.Generic.List[string]]::new() | Out-Null\n",
      "\"smart\u201d ; Write-Output \u2018single\u2019 \u2013Name x\n${braced name} = $script:x + $global:y\n",
    ];
    const INTERESTING: Record<string, string[]> = {
      Comment: ['comment'], StringLiteral: ['string'], StringExpandable: ['string'], HereStringLiteral: ['string'],
      HereStringExpandable: ['string'], Variable: ['variable'], Parameter: ['parameter'], NewLine: ['newline'],
      LParen: ['open'], RParen: ['close'], LCurly: ['open'], RCurly: ['close'], AtParen: ['open'], AtCurly: ['open'],
      DollarParen: ['open'], Semi: ['operator'], Pipe: ['operator'], ColonColon: ['operator'], DotDot: ['operator'],
    };

    it('starts comments, strings, variables and brackets where PowerShell does', () => {
      expect(pwsh, 'pwsh is missing: run bash .ci/setup').toBeDefined();
      const dir = mkdtempSync(join(tmpdir(), 'writ-tokenize-'));
      try {
        const input = join(dir, 'corpus.json');
        const script = join(dir, 'dump.ps1');
        writeFileSync(input, JSON.stringify(CORPUS));
        writeFileSync(
          script,
          [
            'param([string]$In)',
            '$all = @(foreach ($s in (Get-Content -Raw -LiteralPath $In | ConvertFrom-Json)) {',
            '  $t = $null; $e = $null',
            '  $null = [System.Management.Automation.Language.Parser]::ParseInput($s, [ref]$t, [ref]$e)',
            '  ,@($t | ForEach-Object { ,@([string]$_.Kind, $_.Extent.StartOffset, $_.Extent.EndOffset) })',
            '})',
            'ConvertTo-Json -InputObject $all -Depth 5 -Compress',
          ].join('\n'),
        );
        const out = execFileSync(pwsh!, ['-NoProfile', '-NonInteractive', '-File', script, '-In', input], { encoding: 'utf8' });
        const parsed = JSON.parse(out) as [string, number, number][][];
        expect(parsed).toHaveLength(CORPUS.length);
        let compared = 0;
        CORPUS.forEach((source, k) => {
          const mine = new Map(tokenizePowerShell(source).map((t) => [t.offset, t]));
          for (const [kind, start, end] of parsed[k]!) {
            const expected = INTERESTING[kind];
            if (expected === undefined) continue;
            const t = mine.get(start);
            compared++;
            expect(t && expected.includes(t.kind), `${kind} at ${start} in ${JSON.stringify(source)}`).toBe(true);
            if (kind !== 'Parameter') expect(t!.end, `${kind} at ${start}`).toBe(end);
          }
        });
        expect(compared).toBeGreaterThan(50);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
