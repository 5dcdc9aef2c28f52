import type { Finding } from '../../model/finding.js';
import type { LintRule } from '../lint-context.js';
import { scriptIssueToFinding, type RunbookScript } from '../collect-scripts.js';
import { ObjectMemo } from '../../memo/object-memo.js';
import { findParamBlock } from '../scripts/powershell/find-param-block.js';
import { scanPowerShell } from '../scripts/powershell/scan-powershell.js';
import { scanShell } from '../scripts/shell/scan-shell.js';

/**
 * Scripts never turn data into code (DESIGN: parameters as data) and bind exactly the runbook's
 * declared parameters; shell scripts also pass shellcheck (its results arrive in the context).
 */
export const scriptSafety: LintRule = {
  name: 'script-safety',
  codes: [
    { code: 'LINT_PS_INVOKE_EXPRESSION', title: 'Invoke-Expression', help: 'PowerShell may not evaluate strings as code (Invoke-Expression, iex, InvokeScript, ExpandString).' },
    { code: 'LINT_PS_SCRIPTBLOCK_CREATE', title: '[scriptblock]::Create', help: 'PowerShell may not compile strings into script blocks.' },
    { code: 'LINT_PS_ADD_TYPE_INLINE', title: 'Add-Type with inline source', help: 'PowerShell may not compile inline C# (Add-Type -TypeDefinition / -MemberDefinition).' },
    { code: 'LINT_PS_DYNAMIC_INVOKE', title: 'Call or dot-source of a built value', help: 'The & and . operators may only invoke a literal command name or script block.' },
    { code: 'LINT_PS_CHILD_SHELL', title: 'Child shell parsing a string', help: 'Starting powershell -Command / cmd /c parses a string as code.' },
    { code: 'LINT_PS_STRING_COMMAND', title: 'Command built from a string', help: 'Commands must not be assembled from strings; pass arguments as arrays.' },
    { code: 'LINT_PS_PARAM_MISMATCH', title: 'param() block differs from declared parameters', help: 'A PowerShell script\'s param() block must declare exactly the runbook\'s parameters, in order.' },
    { code: 'LINT_SH_EVAL', title: 'eval', help: 'Shell scripts may not use eval.' },
    { code: 'LINT_SH_CHILD_SHELL', title: 'sh -c with an expansion', help: 'A child shell may not parse a string that contains expansions.' },
    { code: 'LINT_SH_SOURCE_VARIABLE', title: 'source of a variable path', help: 'Shell scripts may not source a path built from variables.' },
    { code: 'LINT_SH_PARAM_UNBOUND', title: 'Parameter not bound', help: 'Every declared parameter is bound with IFS= read -r -d \'\' <name>.' },
    { code: 'LINT_SH_PARAM_ORDER', title: 'Parameter bound out of order', help: 'Parameters arrive on stdin in declaration order and are bound before use.' },
    { code: 'LINT_SH_PARAM_UNDECLARED', title: 'Binding of an undeclared parameter', help: 'A read binding names a parameter the runbook does not declare.' },
    { code: 'LINT_SH_NO_STRICT_MODE', title: 'No strict mode', help: 'Shell scripts start with set -euo pipefail.' },
    { code: 'LINT_SH_SPLICED_PARAM', title: 'Parameter spliced into code', help: 'A parameter value is placed where a shell, awk, sed or interpreter parses it as code.' },
    { code: 'LINT_SH_ARITH_PARAM', title: 'Parameter in arithmetic', help: 'Bash evaluates array subscripts in arithmetic, so a parameter there can run commands; check it is digits first.' },
    { code: 'LINT_SH_SCAN_INCOMPLETE', title: 'Script scan incomplete', help: 'The script nests too deeply to scan completely; simplify it.' },
  ],
  run(_repo, ctx) {
    const findings: Finding[] = [];
    for (const script of ctx.scripts) {
      findings.push(...scriptScans.get(script, [], () => scanScript(script)));
      for (const issue of ctx.externalScriptIssues.get(script.key) ?? []) findings.push(scriptIssueToFinding(script, issue));
    }
    return findings;
  },
};

/** The scan of one script object (its text, platform and runbook): the same object handed in again is scanned once. */
const scriptScans = new ObjectMemo<RunbookScript, Finding[]>();

function scanScript(script: RunbookScript): Finding[] {
  const findings: Finding[] = [];
  const declared = Object.keys(script.runbook.value.parameters ?? {});
  const issues = script.platform === 'linux' ? scanShell(script.text, declared) : scanPowerShell(script.text);
  for (const issue of issues) findings.push(scriptIssueToFinding(script, issue));
  if (script.platform === 'windows') {
    const block = findParamBlock(script.text);
    const names = block?.names ?? [];
    const same = names.length === declared.length && names.every((n, i) => n.toLowerCase() === declared[i]!.toLowerCase());
    if (!same) {
      findings.push(scriptIssueToFinding(script, {
        code: 'LINT_PS_PARAM_MISMATCH', line: block?.line ?? 1, column: block?.column ?? 1, severity: 'error',
        message: block
          ? `param() declares (${names.join(', ') || 'nothing'}) but the runbook declares (${declared.join(', ') || 'nothing'})`
          : `no param() block, but the runbook declares (${declared.join(', ')})`,
        hint: declared.length
          ? `Start the script with param(${declared.map((d) => `$${d}`).join(', ')}) in this order, with types matching the runbook.`
          : 'Remove the param() block or declare the parameters in the runbook.',
      }));
    }
  }
  return findings;
}
