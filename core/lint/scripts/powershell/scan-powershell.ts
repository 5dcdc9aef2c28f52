import type { ScriptIssue } from '../script-issue.js';
import { tokenizePowerShell, type PsToken } from './tokenize-powershell.js';

/**
 * Find the places where a PowerShell runbook turns text into code: Invoke-Expression and
 * friends, `[scriptblock]::Create`, inline `Add-Type` source, the call and dot-source
 * operators on run-time values, child shells given a command string, and commands built from
 * strings. Pure: source text in, issues out (sorted by position), never throws.
 *
 * Only code counts. Comments, single-quoted strings and here-strings, and the literal parts of
 * double-quoted ones are skipped, but `$( … )` inside a double-quoted string is scanned.
 * A name counts as a command only in command position (start of a statement, after `|`,
 * `;`, `(`, `{`, `$(`, `@(`, `=`, `&`, `.`, `return`, `throw`, a newline), so `$x.iex` or
 * `Get-Process -Name iex` are not flagged.
 *
 * Codes: LINT_PS_INVOKE_EXPRESSION, LINT_PS_SCRIPTBLOCK_CREATE, LINT_PS_ADD_TYPE_INLINE,
 * LINT_PS_DYNAMIC_INVOKE, LINT_PS_CHILD_SHELL (all errors) and LINT_PS_STRING_COMMAND
 * (error, except a single expanding -ArgumentList string for Start-Process: warning).
 *
 * @example
 * scanPowerShell('param($Name)\n$cmd | iex  # never do this');
 * // [{ code: 'LINT_PS_INVOKE_EXPRESSION', line: 2, column: 8, severity: 'error',
 * //    message: 'Invoke-Expression ("iex") runs a string as PowerShell code.', hint: 'Call …' }]
 */
export function scanPowerShell(source: string): ScriptIssue[] {
  const issues: ScriptIssue[] = [];
  const seen = new Set<string>();
  const report: Report = (code, token, severity, message, hint) => {
    const key = `${code}:${token.offset}`;
    if (seen.has(key)) return;
    seen.add(key);
    issues.push({ code, line: token.line, column: token.column, severity, message, hint });
  };
  // A work list instead of recursion: strings nest `$( "…$( … )…" )` as deep as the input
  // likes, and the scan must not run out of stack.
  const work: PsToken[][] = [tokenizePowerShell(source)];
  for (let list = work.pop(); list !== undefined; list = work.pop()) scanList(list, work, report);
  return issues.sort((a, b) => a.line - b.line || a.column - b.column || a.code.localeCompare(b.code));
}

type Report = (code: Code, token: PsToken, severity: ScriptIssue['severity'], message: string, hint: string) => void;

type Code =
  | 'LINT_PS_INVOKE_EXPRESSION'
  | 'LINT_PS_SCRIPTBLOCK_CREATE'
  | 'LINT_PS_ADD_TYPE_INLINE'
  | 'LINT_PS_DYNAMIC_INVOKE'
  | 'LINT_PS_CHILD_SHELL'
  | 'LINT_PS_STRING_COMMAND';

const HINT_PARAMS = 'Runbook inputs arrive as typed data in the script\'s param() block, so nothing needs to be evaluated as code.';
const HINT_IEX = `Call the cmdlet you need directly and pass values as parameters. ${HINT_PARAMS}`;
const HINT_SCRIPTBLOCK = `Write the code as a { script block } literal, or call the cmdlets directly with parameters. ${HINT_PARAMS}`;
const HINT_ADD_TYPE =
  'Call the existing .NET API directly, or load a reviewed, signed assembly with Add-Type -AssemblyName or -Path instead of compiling source at run time.';
const HINT_CALL =
  "Call the command by its literal name, or a constant path in single quotes (& 'C:\\Tools\\tool.exe'), and pass values as parameters; to run a program chosen by data, use Start-Process -FilePath with an -ArgumentList array.";
const HINT_DOT_SOURCE =
  "Dot-source only a constant path (. '.\\lib.ps1'), or put shared code in a module and Import-Module it by name.";
const HINT_CHILD_SHELL =
  'Run the cmdlets in this script instead of a child shell. If a separate process is needed, use Start-Process -FilePath with -File pointing at a reviewed script and an -ArgumentList array of values.';
const HINT_INVOKE_COMMAND =
  'Pass a { script block } literal to -ScriptBlock and hand values in with -ArgumentList or $using:.';
const HINT_ARGUMENT_ARRAY =
  "Pass -ArgumentList as an array with one element per argument (-ArgumentList '/quiet', $Path) so values cannot inject extra arguments.";
const HINT_ADD_SCRIPT = "Build the pipeline with .AddCommand('Name').AddParameter('Param', $value) instead of .AddScript(string).";

const IEX = new Set(['iex', 'invoke-expression']);
const SHELLS = new Set(['powershell', 'pwsh', 'cmd']);
const ASSIGN = new Set(['=', '+=', '-=', '*=', '/=', '%=']);
/** Keywords after which a pipeline (command position) follows. */
const KEEP_START = new Set(['return', 'throw']);
/** Keywords that are not commands; what follows is not in command position. */
const KEYWORDS = new Set([
  'begin', 'break', 'catch', 'class', 'clean', 'configuration', 'continue', 'data', 'define', 'do',
  'dynamicparam', 'else', 'elseif', 'end', 'enum', 'exit', 'filter', 'finally', 'for', 'foreach',
  'from', 'function', 'hidden', 'if', 'in', 'inlinescript', 'parallel', 'param', 'process',
  'sequence', 'static', 'switch', 'trap', 'try', 'until', 'using', 'var', 'while', 'workflow',
]);

interface View {
  toks: PsToken[];
  /** For each bracket token, the index of its partner; -1 when unmatched or not a bracket. */
  match: Int32Array;
}

type Span = readonly [start: number, end: number];

type Arg =
  | { kind: 'param'; name: string; colonValue: Span | null }
  | { kind: 'value'; span: Span };

interface Ctx {
  mode: 'start' | 'command' | 'expression' | 'key' | 'invoke';
  hash: boolean;
  open: number;
  invokeOp: number;
}

function scanList(list: PsToken[], work: PsToken[][], report: Report): void {
  const toks: PsToken[] = [];
  for (const t of list) {
    if (t.kind === 'comment') continue;
    if (t.nested !== undefined) for (const inner of t.nested) work.push(inner);
    toks.push(t);
  }
  const v: View = { toks, match: matchBrackets(toks) };
  const stack: Ctx[] = [{ mode: 'start', hash: false, open: -1, invokeOp: -1 }];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const ctx = stack[stack.length - 1]!;
    if (isSeparator(t)) {
      ctx.mode = ctx.hash ? 'key' : 'start';
      continue;
    }
    if (ctx.mode === 'invoke') {
      checkInvokeTarget(v, i, ctx.invokeOp, report);
      ctx.mode = 'command';
    } else if (ctx.mode === 'start') {
      if (t.kind === 'operator' && (t.value === '&' || t.value === '.')) {
        ctx.mode = 'invoke';
        ctx.invokeOp = i;
        continue;
      }
      if (t.kind === 'bareword') {
        const word = t.value.toLowerCase();
        if (KEEP_START.has(word)) continue;
        if (KEYWORDS.has(word)) {
          ctx.mode = 'expression';
          continue;
        }
        const nameEnd = constRunEnd(v, i);
        analyzeCommand(v, i, constOf(v, [i, nameEnd]) ?? t.value, nameEnd, report);
        ctx.mode = 'command';
        continue;
      }
      ctx.mode = 'expression';
    } else if (ctx.mode === 'key') {
      ctx.mode = 'expression';
    } else if (ctx.mode === 'expression') {
      if (t.kind === 'operator' && ASSIGN.has(t.value)) {
        ctx.mode = 'start';
        continue;
      }
      if (t.kind === 'bareword' && t.value.toLowerCase() === 'in') {
        ctx.mode = 'start';
        continue;
      }
    }
    if (t.kind === 'member' || (t.kind === 'string' && isAfterAccess(toks, i))) checkMember(v, i, report);
    if (t.kind === 'open') {
      const hash = t.value === '@{';
      stack.push({ mode: hash ? 'key' : t.value === '[' ? 'expression' : 'start', hash, open: i, invokeOp: -1 });
    } else if (t.kind === 'close') {
      const o = v.match[i]!;
      if (o >= 0 && o < i) {
        while (stack.length > 1 && stack[stack.length - 1]!.open !== o) stack.pop();
        if (stack.length > 1) stack.pop();
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Commands

function analyzeCommand(v: View, nameIdx: number, rawName: string, argsFrom: number, report: Report): void {
  const nameTok = v.toks[nameIdx]!;
  const key = commandKey(rawName);
  if (IEX.has(key)) {
    report(
      'LINT_PS_INVOKE_EXPRESSION', nameTok, 'error',
      `Invoke-Expression ("${nameTok.text}") runs a string as PowerShell code.`, HINT_IEX,
    );
  }
  switch (key) {
    case 'add-type':
      checkAddType(v, nameTok, argsFrom, report);
      break;
    case 'invoke-command':
    case 'icm':
      checkInvokeCommand(v, nameTok, argsFrom, report);
      break;
    case 'start-process':
    case 'start':
    case 'saps':
      checkStartProcess(v, nameTok, argsFrom, report);
      break;
    case 'new-object':
      checkNewObject(v, nameTok, argsFrom, report);
      break;
    case 'get-command':
    case 'gcm':
      checkGetCommand(v, nameTok, argsFrom, report);
      break;
    case 'get-alias':
    case 'gal':
    case 'set-alias':
    case 'sal':
    case 'new-alias':
    case 'nal':
      for (const a of collectArgs(v, argsFrom)) {
        const span = a.kind === 'value' ? a.span : a.colonValue;
        if (span !== null) reportIexNames(v, span, nameTok, report);
      }
      break;
    default:
      break;
  }
  const program = programKey(rawName);
  if (SHELLS.has(program) && shellRunsString(program, shellWords(v, program, collectArgs(v, argsFrom)))) {
    reportChildShell(nameTok, program, report);
  }
}

/** The words a shell started directly from PowerShell receives (cmd re-splits its command line). */
function shellWords(v: View, program: string, args: Arg[]): (string | null)[] {
  const words: (string | null)[] = [];
  for (const a of args) {
    if (a.kind === 'param') {
      words.push(`-${a.name}`);
      if (a.colonValue !== null) words.push(...itemWords(v, a.colonValue, program === 'cmd'));
    } else {
      words.push(...itemWords(v, a.span, program === 'cmd'));
    }
  }
  return words;
}

function checkInvokeTarget(v: View, i: number, opIdx: number, report: Report): void {
  const t = v.toks[i]!;
  const op = v.toks[opIdx]!;
  if (t.kind === 'open' && t.value === '{') return; // & { … } runs a literal script block
  const end = adjacentEnd(v, i);
  const name = constOf(v, [i, end]);
  if (name !== null) {
    analyzeCommand(v, i, name, end, report);
    return;
  }
  const what =
    t.kind === 'variable' ? `a variable ($${t.value})`
    : t.kind === 'string' ? 'an expanding string'
    : t.kind === 'open' && t.value === '$(' ? 'a subexpression $( )'
    : t.kind === 'open' && t.value === '(' ? 'a parenthesised expression'
    : 'a value computed at run time';
  const dot = op.value === '.';
  report(
    'LINT_PS_DYNAMIC_INVOKE', op, 'error',
    dot
      ? `The dot-source operator "." runs a script chosen at run time (${what}).`
      : `The call operator "&" runs a command chosen at run time (${what}).`,
    dot ? HINT_DOT_SOURCE : HINT_CALL,
  );
  // & "$env:windir\System32\cmd.exe" /c … is still a child shell.
  const program = programOf(v, [i, end]);
  if (SHELLS.has(program) && shellRunsString(program, shellWords(v, program, collectArgs(v, end)))) {
    reportChildShell(t, program, report);
  }
}

const COMMON_PARAMS: ParamSpec[] = [
  { name: 'verbose', aliases: ['vb'], switch: true },
  { name: 'debug', aliases: ['db'], switch: true },
  { name: 'erroraction', aliases: ['ea'] },
  { name: 'warningaction', aliases: ['wa'] },
  { name: 'informationaction', aliases: ['infa'] },
  { name: 'progressaction', aliases: ['proga'] },
  { name: 'errorvariable', aliases: ['ev'] },
  { name: 'warningvariable', aliases: ['wv'] },
  { name: 'informationvariable', aliases: ['iv'] },
  { name: 'outvariable', aliases: ['ov'] },
  { name: 'outbuffer', aliases: ['ob'] },
  { name: 'pipelinevariable', aliases: ['pv'] },
  { name: 'whatif', aliases: ['wi'], switch: true },
  { name: 'confirm', aliases: ['cf'], switch: true },
];

const ADD_TYPE_PARAMS: ParamSpec[] = [
  { name: 'typedefinition' },
  { name: 'memberdefinition' },
  { name: 'name' },
  { name: 'namespace', aliases: ['ns'] },
  { name: 'usingnamespace', aliases: ['using'] },
  { name: 'path' },
  { name: 'literalpath', aliases: ['pspath', 'lp'] },
  { name: 'assemblyname', aliases: ['an'] },
  { name: 'language' },
  { name: 'referencedassemblies' },
  { name: 'outputassembly', aliases: ['oa'] },
  { name: 'outputtype', aliases: ['ot'] },
  { name: 'compileroptions' },
  { name: 'codedomprovider', aliases: ['provider'] },
  { name: 'passthru', switch: true },
  { name: 'ignorewarnings', switch: true },
  ...COMMON_PARAMS,
];

function checkAddType(v: View, nameTok: PsToken, from: number, report: Report): void {
  const args = collectArgs(v, from);
  const bound = bind(ADD_TYPE_PARAMS, args);
  let why: string | null = null;
  if (bound.named.has('typedefinition')) why = 'inline C# source (-TypeDefinition)';
  else if (bound.named.has('memberdefinition')) why = 'inline member signatures (-MemberDefinition)';
  else if (bound.unknown.length > 0) why = `an unrecognised parameter -${bound.unknown[0]} that may carry source`;
  else if (bound.positional.length > 0) {
    const first = v.toks[bound.positional[0]![0]]!;
    why = first.kind === 'splat'
      ? `splatted parameters (@${first.value}) that may carry -TypeDefinition`
      : 'a positional argument (bound to -TypeDefinition)';
  }
  if (why === null) return;
  report('LINT_PS_ADD_TYPE_INLINE', nameTok, 'error', `Add-Type compiles code at run time from ${why}.`, HINT_ADD_TYPE);
}

const INVOKE_COMMAND_PARAMS: ParamSpec[] = [
  { name: 'scriptblock', aliases: ['command'] },
  { name: 'filepath', aliases: ['pspath'] },
  { name: 'computername', aliases: ['cn'] },
  { name: 'session' },
  { name: 'connectionuri', aliases: ['uri', 'cu'] },
  { name: 'vmname' },
  { name: 'vmid', aliases: ['vmguid'] },
  { name: 'containerid' },
  { name: 'hostname' },
  { name: 'sshconnection' },
  { name: 'credential' },
  { name: 'port' },
  { name: 'usessl', switch: true },
  { name: 'configurationname' },
  { name: 'applicationname' },
  { name: 'throttlelimit' },
  { name: 'asjob', switch: true },
  { name: 'indisconnectedsession', aliases: ['disconnected'], switch: true },
  { name: 'sessionname' },
  { name: 'hidecomputername', aliases: ['hcn'], switch: true },
  { name: 'jobname' },
  { name: 'runasadministrator', switch: true },
  { name: 'argumentlist', aliases: ['args'] },
  { name: 'inputobject' },
  { name: 'enablenetworkaccess', switch: true },
  { name: 'nonewscope', switch: true },
  { name: 'sessionoption' },
  { name: 'authentication' },
  { name: 'certificatethumbprint' },
  { name: 'allowredirection', switch: true },
  { name: 'sshtransport', switch: true },
  { name: 'username' },
  { name: 'keyfilepath', aliases: ['identityfilepath'] },
  { name: 'subsystem' },
  { name: 'remotedebug', switch: true },
  { name: 'options' },
  ...COMMON_PARAMS,
];
const REMOTE_TARGETS = ['computername', 'session', 'connectionuri', 'vmname', 'vmid', 'containerid', 'hostname', 'sshconnection'];

function checkInvokeCommand(v: View, nameTok: PsToken, from: number, report: Report): void {
  const bound = bind(INVOKE_COMMAND_PARAMS, collectArgs(v, from));
  let block: Span | undefined;
  if (bound.named.has('scriptblock')) block = bound.named.get('scriptblock') ?? undefined;
  else if (!bound.named.has('filepath')) {
    // -ScriptBlock is position 0 locally and position 1 after -ComputerName/-Session.
    const p = bound.positional;
    block = REMOTE_TARGETS.some((r) => bound.named.has(r)) ? p[0] : p.length >= 2 ? p[1] : p[0];
  }
  if (block === undefined || isScriptBlockLiteral(v, block)) return;
  report(
    'LINT_PS_STRING_COMMAND', nameTok, 'error',
    `${nameTok.text} -ScriptBlock gets a script block built at run time (${describe(v, block)}), not a { } literal.`,
    HINT_INVOKE_COMMAND,
  );
}

const START_PROCESS_PARAMS: ParamSpec[] = [
  { name: 'filepath', aliases: ['path', 'pspath', 'lp'] },
  { name: 'argumentlist', aliases: ['args'] },
  { name: 'credential', aliases: ['runas'] },
  { name: 'workingdirectory' },
  { name: 'loaduserprofile', aliases: ['lup'], switch: true },
  { name: 'nonewwindow', aliases: ['nnw'], switch: true },
  { name: 'passthru', switch: true },
  { name: 'redirectstandarderror', aliases: ['rse'] },
  { name: 'redirectstandardinput', aliases: ['rsi'] },
  { name: 'redirectstandardoutput', aliases: ['rso'] },
  { name: 'verb' },
  { name: 'windowstyle' },
  { name: 'wait', switch: true },
  { name: 'usenewenvironment', switch: true },
  { name: 'environment' },
  ...COMMON_PARAMS,
];

function checkStartProcess(v: View, nameTok: PsToken, from: number, report: Report): void {
  const bound = bind(START_PROCESS_PARAMS, collectArgs(v, from));
  const slots = ['filepath', 'argumentlist'].filter((p) => !bound.named.has(p));
  const get = (p: string): Span | undefined => {
    if (bound.named.has(p)) return bound.named.get(p) ?? undefined;
    const k = slots.indexOf(p);
    return k < 0 ? undefined : bound.positional[k];
  };
  const file = get('filepath');
  const argList = get('argumentlist');
  if (argList !== undefined && argList[1] - argList[0] === 1) {
    const t = v.toks[argList[0]]!;
    if (t.kind === 'string' && t.expandable === true) {
      report(
        'LINT_PS_STRING_COMMAND', nameTok, 'warning',
        `${nameTok.text} -ArgumentList is one string with expanded variables, which the program re-parses into arguments.`,
        HINT_ARGUMENT_ARRAY,
      );
    }
  }
  if (file === undefined) return;
  const program = programOf(v, file);
  if (!SHELLS.has(program)) return;
  const words = argList === undefined ? [] : itemWords(v, argList, true);
  if (shellRunsString(program, words)) reportChildShell(nameTok, program, report);
}

function checkNewObject(v: View, nameTok: PsToken, from: number, report: Report): void {
  for (const a of collectArgs(v, from)) {
    const span = a.kind === 'value' ? a.span : a.colonValue;
    if (span === null) continue;
    for (const item of items(v, span)) {
      const value = constOf(v, item);
      if (value !== null && isScriptBlockType(value)) {
        report(
          'LINT_PS_STRING_COMMAND', nameTok, 'error',
          `${nameTok.text} ${value} builds a script block from a string.`, HINT_SCRIPTBLOCK,
        );
        return;
      }
    }
  }
}

const GET_COMMAND_PARAMS: ParamSpec[] = [
  { name: 'name' },
  { name: 'verb' },
  { name: 'noun' },
  { name: 'module', aliases: ['pssnapin'] },
  { name: 'fullyqualifiedmodule' },
  { name: 'commandtype', aliases: ['type'] },
  { name: 'totalcount' },
  { name: 'syntax', switch: true },
  { name: 'showcommandinfo', switch: true },
  { name: 'argumentlist', aliases: ['args'] },
  { name: 'all', switch: true },
  { name: 'listimported', switch: true },
  { name: 'parametername' },
  { name: 'parametertype' },
  { name: 'usefuzzymatching', switch: true },
  { name: 'fuzzyminimumdistance' },
  { name: 'useabbreviationexpansion', switch: true },
  ...COMMON_PARAMS,
];

function checkGetCommand(v: View, nameTok: PsToken, from: number, report: Report): void {
  const bound = bind(GET_COMMAND_PARAMS, collectArgs(v, from));
  for (const span of bound.positional) reportIexNames(v, span, nameTok, report);
  const name = bound.named.get('name');
  if (name) reportIexNames(v, name, nameTok, report);
  // Get-Command -Verb Invoke -Noun Expression finds it without naming it.
  const noun = bound.named.get('noun');
  if (!noun) return;
  const verb = bound.named.get('verb');
  const verbOk = !verb || items(v, verb).some((s) => wildcardMatches(constOf(v, s), 'invoke'));
  const nounItem = items(v, noun).find((s) => wildcardMatches(constOf(v, s), 'expression'));
  if (verbOk && nounItem !== undefined) {
    report(
      'LINT_PS_INVOKE_EXPRESSION', v.toks[nounItem[0]]!, 'error',
      `${nameTok.text} -Noun ${constOf(v, nounItem)} looks up Invoke-Expression, which runs strings as code.`, HINT_IEX,
    );
  }
}

/** Report each constant item of a lookup cmdlet's argument that names Invoke-Expression. */
function reportIexNames(v: View, span: Span, nameTok: PsToken, report: Report): void {
  for (const item of items(v, span)) {
    const value = constOf(v, item);
    if (value === null || !namesIex(value)) continue;
    report(
      'LINT_PS_INVOKE_EXPRESSION', v.toks[item[0]]!, 'error',
      `${nameTok.text} ${value} looks up Invoke-Expression, which runs strings as code.`, HINT_IEX,
    );
  }
}

function reportChildShell(nameTok: PsToken, program: string, report: Report): void {
  const how = program === 'cmd' ? '/c or /k' : '-Command or -EncodedCommand';
  report(
    'LINT_PS_CHILD_SHELL', nameTok, 'error',
    `${nameTok.text} starts a child ${program} that parses a command string (${how}).`, HINT_CHILD_SHELL,
  );
}

// ---------------------------------------------------------------------------------------------
// Members: $ExecutionContext.InvokeCommand.InvokeScript, [scriptblock]::Create, …

function checkMember(v: View, i: number, report: Report): void {
  const t = v.toks[i]!;
  const op = v.toks[i - 1]!;
  const name = t.value.toLowerCase();
  if (op.value === '.') {
    if (name === 'invokescript' || name === 'newscriptblock' || name === 'expandstring') {
      const what = name === 'expandstring' ? 'expands a string, running any $( ) inside it' : 'runs a string as PowerShell code';
      report('LINT_PS_INVOKE_EXPRESSION', t, 'error', `InvokeCommand.${t.value} ${what}.`, HINT_IEX);
    } else if (name === 'getcommand' || name === 'getcmdlet' || name === 'getcommandname') {
      const args = callArguments(v, i);
      const first = args[0];
      const value = first === undefined ? null : constOf(v, first);
      if (first !== undefined && value !== null && namesIex(value)) {
        report(
          'LINT_PS_INVOKE_EXPRESSION', v.toks[first[0]]!, 'error',
          `InvokeCommand.${t.value}(${value}) looks up Invoke-Expression, which runs strings as code.`, HINT_IEX,
        );
      }
    } else if (name === 'addscript') {
      report('LINT_PS_STRING_COMMAND', t, 'error', `.${t.value}() runs a string as a PowerShell script.`, HINT_ADD_SCRIPT);
    }
    return;
  }
  if (op.value !== '::') return;
  const type = staticReceiver(v, i - 2);
  if (type === null) return;
  if (name === 'create' && isScriptBlockType(type.name)) {
    report(
      'LINT_PS_SCRIPTBLOCK_CREATE', type.token, 'error',
      `[${type.name}]::${t.value} turns a string into code.`, HINT_SCRIPTBLOCK,
    );
  } else if (name === 'start' && /^(system\.)?diagnostics\.process$/i.test(type.name)) {
    const args = callArguments(v, i);
    const file = args[0] === undefined ? null : constOf(v, args[0]);
    if (file === null) return;
    const program = programKey(file);
    const words = args.slice(1).flatMap((s) => itemWords(v, s, true));
    if (SHELLS.has(program) && shellRunsString(program, words)) reportChildShell(type.token, program, report);
  }
}

/** The type before `::`: `[T]`, `([T])` or `([type]'T')`. */
function staticReceiver(v: View, k: number): { name: string; token: PsToken } | null {
  const t = v.toks[k];
  if (t === undefined) return null;
  if (t.kind === 'type') return { name: t.value, token: t };
  if (t.kind !== 'close' || t.value !== ')') return null;
  const o = v.match[k]!;
  const inner = v.toks[o + 1];
  if (o < 0 || inner === undefined || inner.kind !== 'type') return null;
  if (o + 2 === k) return { name: inner.value, token: inner };
  const cast = o + 3 === k ? v.toks[o + 2] : undefined;
  if (inner.value.toLowerCase() === 'type' && cast?.kind === 'string' && cast.expandable !== true) {
    return { name: cast.value.replace(/\s+/g, ''), token: inner };
  }
  return null;
}

/** The comma-separated items inside the `( … )` right after member `i`, if any. */
function callArguments(v: View, i: number): Span[] {
  const open = v.toks[i + 1];
  if (open === undefined || open.kind !== 'open' || open.value !== '(' || open.spaceBefore) return [];
  const close = v.match[i + 1]!;
  return close < 0 ? [] : items(v, [i + 2, close]);
}

// ---------------------------------------------------------------------------------------------
// Arguments

interface ParamSpec {
  name: string;
  aliases?: string[];
  switch?: boolean;
}

interface Bound {
  /** Parameter name → its value (null for switches or a missing value). */
  named: Map<string, Span | null>;
  positional: Span[];
  unknown: string[];
}

/** Bind arguments like PowerShell does: exact names or aliases, else unambiguous prefixes. */
function bind(specs: ParamSpec[], args: Arg[]): Bound {
  const named = new Map<string, Span | null>();
  const positional: Span[] = [];
  const unknown: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (a.kind === 'value') {
      positional.push(a.span);
      continue;
    }
    const spec = resolveParam(specs, a.name);
    if (spec === undefined && resolveCandidates(specs, a.name).length === 0) unknown.push(a.name);
    const key = spec?.name ?? `?${a.name}`;
    if (a.colonValue !== null) {
      named.set(key, a.colonValue);
      continue;
    }
    const next = args[k + 1];
    if (spec?.switch !== true && next?.kind === 'value') {
      named.set(key, next.span);
      k++;
    } else {
      named.set(key, null);
    }
  }
  return { named, positional, unknown };
}

function resolveParam(specs: ParamSpec[], given: string): ParamSpec | undefined {
  const exact = specs.find((s) => s.name === given || s.aliases?.includes(given) === true);
  if (exact !== undefined) return exact;
  const candidates = resolveCandidates(specs, given);
  return candidates.length === 1 ? candidates[0] : undefined;
}

function resolveCandidates(specs: ParamSpec[], given: string): ParamSpec[] {
  return specs.filter((s) => s.name.startsWith(given) || s.aliases?.some((a) => a.startsWith(given)) === true);
}

/** The arguments of a command from token `from` to the end of its statement. */
function collectArgs(v: View, from: number): Arg[] {
  const { toks } = v;
  const args: Arg[] = [];
  let j = from;
  while (j < toks.length) {
    const t = toks[j]!;
    if (isSeparator(t) || t.kind === 'close' || (t.kind === 'operator' && t.value === '&')) break;
    if (t.kind === 'parameter') {
      const name = t.value.toLowerCase();
      j++;
      let colonValue: Span | null = null;
      const next = toks[j];
      if (t.text.endsWith(':') && next !== undefined && !isSeparator(next) && next.kind !== 'close') {
        colonValue = elementSpan(v, j);
        j = colonValue[1];
      }
      args.push({ kind: 'param', name, colonValue });
      continue;
    }
    const span = elementSpan(v, j);
    args.push({ kind: 'value', span });
    j = span[1];
  }
  return args;
}

/** One argument: adjacent tokens and groups, joined by commas into an array. */
function elementSpan(v: View, start: number): Span {
  const { toks } = v;
  let e = skipGroup(v, start);
  while (e < toks.length) {
    const t = toks[e]!;
    if (t.kind === 'operator' && t.value === ',') {
      e++;
      while (e < toks.length && toks[e]!.kind === 'newline') e++;
      const next = toks[e];
      if (next === undefined || isSeparator(next) || next.kind === 'close' || next.kind === 'parameter') break;
      e = skipGroup(v, e);
      continue;
    }
    if (t.spaceBefore || isSeparator(t) || t.kind === 'close' || t.kind === 'parameter') break;
    e = skipGroup(v, e);
  }
  return [start, e];
}

/** Like elementSpan without commas: the command target after & or `.`. */
function adjacentEnd(v: View, start: number): number {
  let e = skipGroup(v, start);
  while (e < v.toks.length) {
    const t = v.toks[e]!;
    if (t.spaceBefore || isSeparator(t) || t.kind === 'close' || t.kind === 'parameter') break;
    if (t.kind === 'operator' && t.value === ',') break;
    e = skipGroup(v, e);
  }
  return e;
}

/** End of the constant tokens glued to a command name: i`e`x, i'e'x. */
function constRunEnd(v: View, start: number): number {
  let e = start + 1;
  while (e < v.toks.length && !v.toks[e]!.spaceBefore && isConstToken(v.toks[e]!)) e++;
  return e;
}

function skipGroup(v: View, k: number): number {
  const m = v.match[k]!;
  return v.toks[k]!.kind === 'open' && m > k ? m + 1 : k + 1;
}

/** The comma-separated items of a span (commas inside groups do not split). */
function items(v: View, span: Span): Span[] {
  const out: Span[] = [];
  let start = span[0];
  let k = span[0];
  while (k < span[1]) {
    const t = v.toks[k]!;
    if (t.kind === 'operator' && t.value === ',') {
      if (k > start) out.push([start, k]);
      k++;
      while (k < span[1] && v.toks[k]!.kind === 'newline') k++;
      start = k;
      continue;
    }
    k = skipGroup(v, k);
  }
  if (span[1] > start) out.push([start, span[1]]);
  return out;
}

/** The value of a span made only of barewords, numbers and non-expanding strings; else null. */
function constOf(v: View, span: Span): string | null {
  let out = '';
  for (let k = span[0]; k < span[1]; k++) {
    const t = v.toks[k]!;
    if (!isConstToken(t)) return null;
    out += t.value;
  }
  return span[1] > span[0] ? out : null;
}

function isConstToken(t: PsToken): boolean {
  return t.kind === 'bareword' || t.kind === 'number' || (t.kind === 'string' && t.expandable !== true);
}

/**
 * Words of an argument as a program would see them. Unknown values are null. With `split`,
 * strings are split on whitespace (cmd re-parses its command line; Start-Process joins its
 * -ArgumentList with spaces), and expanding strings contribute their literal words.
 */
function itemWords(v: View, span: Span, split: boolean): (string | null)[] {
  const words: (string | null)[] = [];
  for (const item of items(v, span)) {
    const value = constOf(v, item);
    if (value !== null) {
      words.push(...(split ? value.split(/\s+/).filter((w) => w !== '') : [value]));
      continue;
    }
    if (split) {
      // '/c ' + $line, "-c $script": the literal words still reach the program.
      for (let k = item[0]; k < item[1]; k = skipGroup(v, k)) {
        const part = v.toks[k]!;
        if (part.kind === 'string') words.push(...part.value.split(/\s+/).filter((w) => w !== ''));
      }
    }
    words.push(null);
  }
  return words;
}

function isScriptBlockLiteral(v: View, span: Span): boolean {
  const t = v.toks[span[0]]!;
  return t.kind === 'open' && t.value === '{' && v.match[span[0]]! + 1 === span[1];
}

function describe(v: View, span: Span): string {
  const t = v.toks[span[0]]!;
  if (t.kind === 'variable') return `$${t.value}`;
  if (t.kind === 'string') return 'a string';
  if (t.kind === 'type' || (t.kind === 'open' && t.value !== '{')) return 'an expression';
  return t.text;
}

function isSeparator(t: PsToken): boolean {
  return t.kind === 'newline' || (t.kind === 'operator' && (t.value === ';' || t.value === '|' || t.value === '&&' || t.value === '||'));
}

function isAfterAccess(toks: PsToken[], i: number): boolean {
  const op = toks[i - 1];
  if (op === undefined || op.kind !== 'operator') return false;
  return op.value === '::' || (op.value === '.' && !toks[i]!.spaceBefore);
}

/** Pair up brackets in one pass; a closer pops unmatched openers until its own kind. */
function matchBrackets(toks: PsToken[]): Int32Array {
  const match = new Int32Array(toks.length).fill(-1);
  const stack: number[] = [];
  const counts = [0, 0, 0];
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k]!;
    if (t.kind === 'open') {
      stack.push(k);
      counts[bracketFamily(t.value)]!++;
    } else if (t.kind === 'close') {
      const f = bracketFamily(t.value);
      if (counts[f] === 0) continue;
      for (let o = stack.pop(); o !== undefined; o = stack.pop()) {
        const of = bracketFamily(toks[o]!.value);
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

/** 0 for ( $( @( ), 1 for { @{ }, 2 for [ ]. */
function bracketFamily(value: string): number {
  const c = value.charCodeAt(value.length - 1);
  return c === 40 || c === 41 ? 0 : c === 123 || c === 125 ? 1 : 2;
}

// ---------------------------------------------------------------------------------------------
// Names

/** `Microsoft.PowerShell.Utility\Invoke-Expression` → `invoke-expression`. */
function commandKey(raw: string): string {
  const name = raw.toLowerCase().replace(/[\u2013\u2014\u2015]/g, '-');
  const qualified = /^[a-z_][\w.]*\\([^\\/:]+)$/.exec(name);
  return qualified === null ? name : qualified[1]!;
}

/**
 * The program a command path names, when its last part is literal text: `cmd.exe`,
 * `"$env:windir\System32\cmd.exe"`, `$env:windir\System32\cmd.exe` → `cmd`; else ''.
 */
function programOf(v: View, span: Span): string {
  const whole = constOf(v, span);
  if (whole !== null) return programKey(whole);
  const last = v.toks[span[1] - 1]!;
  if (last.kind !== 'bareword' && last.kind !== 'string') return '';
  const base = programKey(last.value);
  return /[$()]/.test(base) || !/[\\/]/.test(last.value) ? '' : base;
}

/** `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe` → `powershell`. */
function programKey(raw: string): string {
  const base = raw.toLowerCase().split(/[\\/]/).pop() ?? '';
  return base.endsWith('.exe') ? base.slice(0, -4) : base;
}

function isScriptBlockType(name: string): boolean {
  const n = name.toLowerCase().replace(/\s+/g, '').replace(/^\[|\]$/g, '').replace(/^system\./, '');
  return n === 'scriptblock' || n === 'management.automation.scriptblock';
}

/** A lookup pattern that selects Invoke-Expression (`iex`, `I*-Ex*`, `alias:iex`) but not everything. */
function namesIex(value: string): boolean {
  const name = value
    .toLowerCase()
    .replace(/^(alias|function):[\\/]?/, '')
    .replace(/^microsoft\.powershell\.utility\\/, '');
  if (!wildcardMatches(name, 'iex') && !wildcardMatches(name, 'invoke-expression')) return false;
  return !wildcardMatches(name, 'get-item'); // `*` and friends list commands, they do not pick one
}

/**
 * PowerShell wildcard match (`*`, `?`, `[a-z]`, backtick escapes), case-insensitive.
 * Iterative with one star back-tracking point; patterns over 256 characters never match.
 */
function wildcardMatches(pattern: string | null, text: string): boolean {
  if (pattern === null || pattern.length > 256) return false;
  const p = pattern.toLowerCase();
  let pi = 0;
  let ti = 0;
  let star = -1;
  let starText = 0;
  while (ti < text.length) {
    if (pi < p.length && p[pi] === '*') {
      star = pi++;
      starText = ti;
      continue;
    }
    const next = pi < p.length ? matchOne(p, pi, text[ti]!) : -1;
    if (next >= 0) {
      pi = next;
      ti++;
      continue;
    }
    if (star < 0) return false;
    pi = star + 1;
    ti = ++starText;
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

function matchOne(p: string, pi: number, ch: string): number {
  const c = p[pi]!;
  if (c === '?') return pi + 1;
  if (c === '`') return p[pi + 1] === ch ? pi + 2 : -1;
  if (c === '[') {
    const close = p.indexOf(']', pi + 2);
    if (close < 0) return ch === '[' ? pi + 1 : -1;
    const set = p.slice(pi + 1, close);
    for (let k = 0; k < set.length; k++) {
      if (set[k + 1] === '-' && k + 2 < set.length) {
        if (ch >= set[k]! && ch <= set[k + 2]!) return close + 1;
        k += 2;
      } else if (set[k] === ch) return close + 1;
    }
    return -1;
  }
  return c === ch ? pi + 1 : -1;
}

/**
 * Whether a shell given these arguments parses a command string: cmd with /c, /k or /r;
 * powershell/pwsh with -Command, -EncodedCommand, -CommandWithArgs (any unambiguous prefix,
 * with -, -- or /), `-` (read commands from stdin), or, for Windows PowerShell, a positional
 * argument before any -File (it defaults to -Command). Null words are unknown values.
 */
function shellRunsString(program: string, words: (string | null)[]): boolean {
  if (program === 'cmd') {
    return words.some((w) => w !== null && w.startsWith('/') && w.split('/').slice(1).some((s) => /^[ckr]/i.test(s)));
  }
  for (let k = 0; k < words.length; k++) {
    const w = words[k] ?? null;
    if (w === null) return program === 'powershell';
    const m = /^(?:[-\u2013\u2014\u2015]{1,2}|\/)(.*)$/s.exec(w);
    if (m === null) return program === 'powershell';
    const name = m[1]!.toLowerCase().replace(/:.*$/s, '');
    if (name === '') return w === '-';
    if (isPwshCommandParam(name)) return true;
    if ('file'.startsWith(name)) return false;
    if (PWSH_VALUE_PARAMS.some(([full, min]) => name.length >= min && full.startsWith(name))) k++;
  }
  return false;
}

function isPwshCommandParam(name: string): boolean {
  return 'commandwithargs'.startsWith(name) || 'encodedcommand'.startsWith(name) || name === 'ec' || name === 'cwa';
}

/** powershell.exe / pwsh parameters that take a value, with the shortest accepted prefix. */
const PWSH_VALUE_PARAMS: readonly (readonly [string, number])[] = [
  ['executionpolicy', 2], ['ep', 2], ['inputformat', 3], ['if', 2], ['outputformat', 1], ['of', 2],
  ['psconsolefile', 2], ['version', 1], ['windowstyle', 1], ['workingdirectory', 2], ['wd', 2],
  ['configurationname', 3], ['custompipename', 2], ['settingsfile', 2], ['encodedarguments', 8], ['ea', 2],
];
