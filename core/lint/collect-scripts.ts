import { isScalar } from 'yaml';
import type { Finding } from '../model/finding.js';
import { nodeAtPointer } from '../load/node-at-pointer.js';
import type { ParsedFile } from '../load/parsed-file.js';
import type { Entry, LoadedRepo } from '../validate/loaded-repo.js';
import type { Runbook } from '../model/generated/runbook.js';
import { findingAtPointer } from './finding-at-pointer.js';
import type { ScriptIssue } from './scripts/script-issue.js';
import type { SourceFile } from '../load/source-file.js';
import { ObjectMemo } from '../memo/object-memo.js';

export type ScriptStep = 'check' | 'remediate' | 'verify' | 'rollback';
export const SCRIPT_STEPS: readonly ScriptStep[] = ['check', 'remediate', 'verify', 'rollback'];

/** One runbook script with the text it runs and where that text lives, to position findings. */
export interface RunbookScript {
  /** Stable key: `<runbook yaml path>#<step>`. */
  key: string;
  runbook: Entry<Runbook>;
  step: ScriptStep;
  platform: 'linux' | 'windows';
  text: string;
  /** Where script line 1, column 1 sits: in the runbook YAML (inline) or in a sibling file. */
  origin: { path: string; line: number; column: number; inline: boolean };
}

/**
 * Gathers the text of every script of every valid runbook, resolving `file:` references against the
 * runbook's folder. Unresolvable references become findings (missing file, a path leaving runbooks/,
 * an extension that does not match the platform).
 *
 * @example
 * const { scripts, findings } = collectScripts(repo);
 */
export function collectScripts(repo: LoadedRepo): { scripts: RunbookScript[]; findings: Finding[] } {
  const scripts: RunbookScript[] = [];
  const findings: Finding[] = [];
  for (const rb of repo.runbooks) {
    const one = runbookScripts.get(rb, scriptFileDeps(rb, repo), () => scriptsOfRunbook(rb, repo));
    scripts.push(...one.scripts);
    findings.push(...one.findings);
  }
  const libraryPath = 'runbooks/linux/lib/writ-result.sh';
  const linux = repo.runbooks.find((r) => r.value.platform === 'linux');
  if (linux && !repo.scriptFiles.has(libraryPath)) {
    findings.push(findingAtPointer(linux.file, '/platform', 'LINT_SCRIPT_LIBRARY_MISSING', `Linux runbooks need ${libraryPath}, which the agent prepends to every Linux script`,
      `Restore ${libraryPath} (docs/runbook-authoring.md describes its functions).`));
  }
  return { scripts, findings };
}

/** Maps a position inside a script to a finding in the file the script lives in. */
export function scriptIssueToFinding(script: RunbookScript, issue: ScriptIssue): Finding {
  const { origin } = script;
  const line = origin.line + issue.line - 1;
  const column = origin.inline ? origin.column + issue.column - 1 : issue.column;
  return {
    file: origin.path,
    line,
    column,
    pointer: origin.inline ? `/scripts/${script.step}/inline` : '',
    code: issue.code,
    severity: issue.severity,
    message: `${script.step} script: ${issue.message}`,
    hint: issue.hint,
  };
}

/** Where line 1 of a block scalar's content sits; for other scalars, where the value starts. */
function inlineOrigin(file: ParsedFile, pointer: string): RunbookScript['origin'] {
  const node = file.doc ? nodeAtPointer(file.doc, pointer).node : null;
  const start = node?.range?.[0] ?? 0;
  const pos = file.lines.position(start);
  if (node && isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED')) {
    // Content starts on the line after the `|` header, at the block's indentation.
    const contentLine = pos.line + 1;
    const lineText = file.text.slice(file.lines.lineStart(contentLine), file.lines.lineStart(contentLine + 1));
    const indent = /^[ ]*/.exec(lineText)?.[0].length ?? 0;
    return { path: file.path, line: contentLine, column: indent + 1, inline: true };
  }
  const quoted = node && isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') ? 1 : 0;
  return { path: file.path, line: pos.line, column: pos.column + quoted, inline: true };
}

function normalize(path: string): string | null {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(seg);
  }
  return out.join('/');
}

/** One result per runbook entry and the script files it names: a caller that reuses entries collects each once. */
const runbookScripts = new ObjectMemo<Entry<Runbook>, { scripts: RunbookScript[]; findings: Finding[] }>();

/** The SourceFile objects a runbook's `file:` scripts resolve to (undefined where none), in step order. */
function scriptFileDeps(rb: Entry<Runbook>, repo: LoadedRepo): (SourceFile | undefined)[] {
  const dir = rb.file.path.slice(0, rb.file.path.lastIndexOf('/') + 1);
  const deps: (SourceFile | undefined)[] = [];
  for (const step of SCRIPT_STEPS) {
    const file = rb.value.scripts[step]?.file;
    if (typeof file !== 'string') continue;
    const resolved = normalize(dir + file);
    deps.push(resolved === null ? undefined : repo.scriptFiles.get(resolved));
  }
  return deps;
}

function scriptsOfRunbook(rb: Entry<Runbook>, repo: LoadedRepo): { scripts: RunbookScript[]; findings: Finding[] } {
  const scripts: RunbookScript[] = [];
  const findings: Finding[] = [];
  const dir = rb.file.path.slice(0, rb.file.path.lastIndexOf('/') + 1);
  for (const step of SCRIPT_STEPS) {
    const spec = rb.value.scripts[step];
    if (!spec) continue;
    const pointer = `/scripts/${step}`;
    const hasInline = typeof spec.inline === 'string';
    const hasFile = typeof spec.file === 'string';
    if (hasInline === hasFile) {
      findings.push(findingAtPointer(rb.file, pointer, 'LINT_SCRIPT_SOURCE',
        `the ${step} script needs exactly one of inline or file`, 'Write the script under `inline: |`, or name a sibling file with `file:`.'));
      continue;
    }
    const base = { key: `${rb.file.path}#${step}`, runbook: rb, step, platform: rb.value.platform };
    if (hasInline) {
      scripts.push({ ...base, text: spec.inline!, origin: inlineOrigin(rb.file, `${pointer}/inline`) });
      continue;
    }
    const wanted = rb.value.platform === 'linux' ? '.sh' : '.ps1';
    if (!spec.file!.endsWith(wanted)) {
      findings.push(findingAtPointer(rb.file, `${pointer}/file`, 'LINT_SCRIPT_EXTENSION',
        `a ${rb.value.platform} runbook's scripts end in ${wanted} (got ${spec.file})`,
        rb.value.platform === 'linux' ? 'Linux scripts are bash (.sh).' : 'Windows scripts are PowerShell (.ps1).'));
      continue;
    }
    const resolved = normalize(dir + spec.file!);
    if (resolved === null || !resolved.startsWith('runbooks/')) {
      findings.push(findingAtPointer(rb.file, `${pointer}/file`, 'LINT_SCRIPT_PATH_ESCAPE',
        `script path ${spec.file} leaves the runbooks/ folder`, 'Keep scripts beside the runbook, e.g. `LIN-SSH-001/check.sh`.'));
      continue;
    }
    const source = repo.scriptFiles.get(resolved);
    if (!source) {
      findings.push(findingAtPointer(rb.file, `${pointer}/file`, 'LINT_SCRIPT_FILE_MISSING',
        `script file ${resolved} does not exist`, `Create ${resolved}, or fix the path (it is relative to ${dir}).`));
      continue;
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(source.bytes).replace(/^\uFEFF/, '');
    } catch {
      findings.push(findingAtPointer(rb.file, `${pointer}/file`, 'LINT_SCRIPT_ENCODING',
        `script file ${resolved} is not valid UTF-8`, 'Save the script as UTF-8.'));
      continue;
    }
    scripts.push({ ...base, text, origin: { path: resolved, line: 1, column: 1, inline: false } });
  }
  return { scripts, findings };
}
