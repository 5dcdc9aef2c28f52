import { describe, expect, it } from 'vitest';
import { findParamBlock } from '../../../../../../core/lint/scripts/powershell/find-param-block.js';

const names = (source: string): string[] | undefined => findParamBlock(source)?.names;

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

describe('findParamBlock', () => {
  it('returns the declared names in order and where param starts', () => {
    expect(findParamBlock('param($ComputerName, $Port)\nGet-Date')).toEqual({ names: ['ComputerName', 'Port'], line: 1, column: 1 });
  });

  it('skips comments, #requires, help, using statements and attributes before the block', () => {
    const source = [
      '\uFEFF#requires -Version 5.1',
      '#requires -RunAsAdministrator',
      '<#',
      '.SYNOPSIS',
      '  Opens a port. param($NotThis)',
      '#>',
      'using namespace System.Net',
      '',
      '[CmdletBinding(SupportsShouldProcess = $true)]',
      '[OutputType([string])]',
      '  Param (',
      '    [string]$RuleName',
      '  )',
    ].join('\r\n');
    expect(findParamBlock(source)).toEqual({ names: ['RuleName'], line: 11, column: 3 });
  });

  it('keeps the original casing of names and accepts any casing of param', () => {
    expect(names('PARAM($UserName, $maxCount)')).toEqual(['UserName', 'maxCount']);
    expect(names('Param\n(\n$A\n)')).toEqual(['A']);
  });

  it('ignores type constraints, attributes and their commas', () => {
    const source = `param(
      [Parameter(Mandatory, Position = 0, HelpMessage = 'a, b')]
      [ValidateSet('Low', 'Medium', 'High')]
      [ValidatePattern('^[a-z,]+$')]
      [ValidateScript({ param($x) $x -gt 0 })]
      [string] $Level,
      [int[]]$Ports,
      [System.Collections.Generic.List[string]] $Names,
      [Alias('cn', 'Computer')][string]$ComputerName
    )`;
    expect(names(source)).toEqual(['Level', 'Ports', 'Names', 'ComputerName']);
  });

  it('ignores defaults with nested parentheses, strings, arrays, hashtables and script blocks', () => {
    const source = `param(
      $A = (Get-Date).AddDays(-1),
      $B = 'x, $y, (z',
      $C = "a, $(Join-Path $env:TEMP 'b, c'), d",
      $D = @(1, 2, $three),
      $E = @{ a = 1; b = $two },
      $F = { param($inner) $inner },
      $G = $H,
      [switch]$Force
    )`;
    expect(names(source)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'Force']);
  });

  it('ignores comments inside the block', () => {
    expect(names('param(\n  # $NotAParam,\n  $One, <# $Nor, $This #> $Two # , $Three\n)')).toEqual(['One', 'Two']);
  });

  it('reads braced names', () => {
    expect(names('param(${Odd Name}, $Plain)')).toEqual(['Odd Name', 'Plain']);
  });

  it('returns an empty list for an empty block', () => {
    expect(findParamBlock('param()')).toEqual({ names: [], line: 1, column: 1 });
    expect(findParamBlock('[CmdletBinding()]\nparam(\n)')).toEqual({ names: [], line: 2, column: 1 });
  });

  it.each([
    ['an empty script', ''],
    ['only comments', '# param($x)\n<# param($y) #>'],
    ['a script without param', 'Get-Date'],
    ['param after another statement', 'Set-StrictMode -Version Latest\nparam($x)'],
    ['param inside a function', 'function Invoke-It { param($x) }'],
    ['param inside a script block', '& { param($x) $x } 1'],
    ['a variable named param', '$param = 1'],
    ['param in a string', "'param($x)'"],
    ['param without parentheses', 'param'],
    ['an unterminated attribute', '[CmdletBinding(\nparam($x)'],
  ])('returns null for %s', (_name, source) => {
    expect(findParamBlock(source)).toBeNull();
  });

  it('forgives an unterminated block and returns what it declares', () => {
    expect(names('param($First, [int]$Second = (1')).toEqual(['First', 'Second']);
  });

  describe('properties', () => {
    const TYPES = ['', '[string]', '[int]', '[string[]]', '[switch]', '[System.IO.FileInfo]', '[hashtable]'];
    const ATTRIBUTES = [
      '',
      '[Parameter(Mandatory)]',
      '[Parameter(Mandatory = $true, Position = 1)]',
      "[ValidateSet('a', 'b,c')]",
      '[ValidateRange(1, 65535)]',
      "[ValidateScript({ Test-Path $_ -PathType 'Leaf' })]",
      "[Alias('x', 'y')]",
    ];
    const DEFAULTS = ['', " = 'a, b'", ' = 5', ' = @(1, 2)', ' = (Get-Date).Year', ' = @{ k = 1, 2 }', ' = "$env:TEMP, x"', ' = $null'];
    const PREAMBLES = ['', '#requires -Version 7\n', '<# .SYNOPSIS x #>\n', '[CmdletBinding()]\n', '# c\n[CmdletBinding()]\n[OutputType([int])]\n'];
    const SEPARATORS = [', ', ',\n', ' ,\n\n\t', ', # note, $fake\n'];

    it('finds exactly the generated names, whatever decorates them', () => {
      const random = prng(11);
      const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
      for (let round = 0; round < 300; round++) {
        const count = Math.floor(random() * 6);
        const declared = Array.from({ length: count }, (_, k) => `${pick(['Name', 'port', 'MAX', 'x'])}${k}`);
        const body = declared
          .map((n, k) => `${pick(ATTRIBUTES)}${pick(TYPES)}$${n}${pick(DEFAULTS)}${k < count - 1 ? pick(SEPARATORS) : ''}`)
          .join('');
        const preamble = pick(PREAMBLES);
        const keyword = pick(['param', 'Param', 'PARAM']);
        const source = `${preamble}${keyword}(${body})\nWrite-Output $${declared[0] ?? 'x'}`;
        const found = findParamBlock(source);
        expect(found?.names, JSON.stringify(source)).toEqual(declared);
        expect(found?.line).toBe(preamble.split('\n').length);
        expect(found?.column).toBe(1);
      }
    });

    it('never throws on random input', () => {
      const random = prng(12);
      const pieces = ['param', '(', ')', '[', ']', '$a', ',', '=', "'", '"', '#', '\n', '<#', '#>', '{', '}', '@(', ' ', '[int]'];
      for (let round = 0; round < 500; round++) {
        let source = '';
        const length = Math.floor(random() * 30);
        for (let k = 0; k < length; k++) source += pieces[Math.floor(random() * pieces.length)]!;
        expect(() => findParamBlock(source), JSON.stringify(source)).not.toThrow();
      }
    });

    it('handles 1 MB of input quickly', () => {
      const source = '[CmdletBinding()]\nparam(' + '[int]$a = (1, "x"),\n'.repeat(1 << 16) + ')';
      const started = performance.now();
      expect(findParamBlock(source)?.names).toHaveLength(1 << 16);
      expect(performance.now() - started).toBeLessThan(30_000); // catches a super-linear blow-up only; speed lives in bench/
    });
  });
});
