import { tokenizePowerShell, type PsToken } from './tokenize-powershell.js';

/** The script-level `param( … )` block: declared names (no `$`, original casing) and where `param` starts. */
export interface ParamBlock {
  names: string[];
  /** 1-based line of the `param` keyword. */
  line: number;
  /** 1-based column of the `param` keyword. */
  column: number;
}

/**
 * Find the script-level `param( … )` block: the first statement after comments, `#requires`,
 * `using` statements and attributes such as `[CmdletBinding()]`. Returns the declared parameter
 * names in order, skipping type constraints (`[int]`), attributes (`[Parameter(Mandatory)]`,
 * `[ValidateSet('a','b')]`) and default values (commas inside their brackets and strings do not
 * split parameters). Null when the script does not start with one (a `param` inside a function
 * does not count). Pure and linear-time; never throws.
 *
 * @example
 * findParamBlock("#requires -Version 5.1\n[CmdletBinding()]\nparam(\n  [Parameter(Mandatory)][string]$Name,\n  [int]$Count = (1 + 2)\n)");
 * // { names: ['Name', 'Count'], line: 3, column: 1 }
 */
export function findParamBlock(source: string): ParamBlock | null {
  const toks = tokenizePowerShell(source).filter((t) => t.kind !== 'comment');
  const match = matchGroups(toks);
  let i = 0;
  while (i < toks.length) {
    const t = toks[i]!;
    if (t.kind === 'newline' || (t.kind === 'operator' && t.value === ';') || t.kind === 'type') {
      i++;
    } else if (t.kind === 'open' && t.value === '[') {
      const close = match[i]!;
      if (close < 0) return null;
      i = close + 1;
    } else if (t.kind === 'bareword' && t.value.toLowerCase() === 'using') {
      while (i < toks.length && !isStatementEnd(toks[i]!)) i++;
    } else {
      break;
    }
  }
  const keyword = toks[i];
  if (keyword === undefined || keyword.kind !== 'bareword' || keyword.value.toLowerCase() !== 'param') return null;
  let j = i + 1;
  while (j < toks.length && toks[j]!.kind === 'newline') j++;
  const open = toks[j];
  if (open === undefined || open.kind !== 'open' || open.value !== '(') return null;
  const end = match[j]! >= 0 ? match[j]! : toks.length;
  const names: string[] = [];
  let expectingName = true;
  for (let k = j + 1; k < end; ) {
    const t = toks[k]!;
    if (t.kind === 'operator' && t.value === ',') {
      expectingName = true;
      k++;
    } else if (t.kind === 'open') {
      // Attributes, parenthesised defaults, @( ), @{ } and { } are skipped whole.
      k = match[k]! > k ? match[k]! + 1 : k + 1;
    } else {
      if (t.kind === 'variable' && expectingName) {
        names.push(t.value);
        expectingName = false;
      }
      k++;
    }
  }
  return { names, line: keyword.line, column: keyword.column };
}

function isStatementEnd(t: PsToken): boolean {
  return t.kind === 'newline' || (t.kind === 'operator' && t.value === ';');
}

/** Pair brackets; a closer pops unmatched openers until one of its own family. */
function matchGroups(toks: PsToken[]): Int32Array {
  const match = new Int32Array(toks.length).fill(-1);
  const stack: number[] = [];
  const counts = [0, 0, 0];
  // 0 for ( $( @( ), 1 for { @{ }, 2 for [ ].
  const family = (value: string): number => {
    const c = value.charCodeAt(value.length - 1);
    return c === 40 || c === 41 ? 0 : c === 123 || c === 125 ? 1 : 2;
  };
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k]!;
    if (t.kind === 'open') {
      stack.push(k);
      counts[family(t.value)]!++;
    } else if (t.kind === 'close') {
      const f = family(t.value);
      if (counts[f] === 0) continue;
      for (let o = stack.pop(); o !== undefined; o = stack.pop()) {
        const of = family(toks[o]!.value);
        counts[of]!--;
        if (of === f) {
          match[o] = k;
          match[k] = o;
          break;
        }
      }
    }
  }
  return match;
}
