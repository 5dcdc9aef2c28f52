import { isMap, isPair, isScalar, visit } from 'yaml';
import type { Finding } from '../../model/finding.js';
import type { LintRule } from '../lint-context.js';
import { findingAt } from '../../load/parsed-file.js';
import { pointerOfPath } from '../../load/pointer-of-path.js';
import { scriptIssueToFinding, type RunbookScript } from '../collect-scripts.js';
import type { ParsedFile } from '../../load/parsed-file.js';
import { ObjectMemo } from '../../memo/object-memo.js';

/** Secret shapes that are never legitimate in a policy repository. Each names what it found, never the value. */
const SECRET_PATTERNS: readonly [RegExp, string][] = [
  [/-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/, 'a private key'],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, 'a GitHub token'],
  [/\bgithub_pat_[A-Za-z0-9_]{22,}\b/, 'a GitHub fine-grained token'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}\b/, 'a Slack token'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, 'a JSON Web Token'],
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@'"]+:[^\s/@'"$]+@/i, 'a URL with an embedded password'],
  [/\bAccountKey=[A-Za-z0-9+/=]{20,}/, 'an Azure storage key'],
];

/** Keys whose value is a secret when it is a literal (credential *references* are named `credential`). */
const SECRET_KEY = /^(?:password|passwd|pwd|secret|client_secret|token|api_?key|access_?key|private_?key|passphrase|auth_token|bearer)$/i;

/** Assignments of literal secrets inside scripts (shell and PowerShell). */
const SCRIPT_ASSIGNMENT: readonly [RegExp, string][] = [
  [/(?:^|[\s;])(?:export\s+)?[A-Za-z_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY)[A-Za-z_]*=(?:'[^'$\s]{4,}'|"[^"$\s]{4,}"|[^\s"'$;|&]{4,})/i, 'a password or token assigned to a variable'],
  [/\$[A-Za-z_]*(?:password|secret|token|apikey)[A-Za-z_]*\s*=\s*(?:'[^']{4,}'|"[^"$]{4,}")/i, 'a password or token assigned to a variable'],
  [/ConvertTo-SecureString\s+(?:-String\s+)?(?:'[^']+'|"[^"$]+")\s+-AsPlainText/i, 'a literal password converted to a SecureString'],
];

export function findSecret(value: string): string | null {
  for (const [re, what] of SECRET_PATTERNS) if (re.test(value)) return what;
  return null;
}

/** No secret-like value anywhere: sites name credentials, the appliance's store holds them. */
export const noSecrets: LintRule = {
  name: 'no-secrets',
  codes: [
    { code: 'LINT_SECRET_VALUE', title: 'Secret in the repository', help: 'A value looks like a password, token or private key. Secrets live in the appliance credential store; YAML names them by reference.' },
  ],
  run(repo, ctx) {
    const findings: Finding[] = [];
    const hint = 'Remove it from the file and rotate it (it is in git history now). Put it in the appliance credential store and refer to it by name with `credential:`.';
    for (const file of repo.files) findings.push(...fileSecrets.get(file, [], () => secretsInFile(file, hint)));
    for (const script of ctx.scripts) findings.push(...scriptSecrets.get(script, [], () => secretsInScript(script, hint)));
    return findings;
  },
};

/** Inline scripts are scanned line by line with script-aware patterns instead. */
function isInsideMapWithKey(path: readonly unknown[], key: string): boolean {
  const parent = path[path.length - 1];
  return isPair(parent) && isScalar(parent.key) && parent.key.value === key && isMap(path[path.length - 2]);
}

/** Per parsed file and per script: the same objects handed in again are scanned once. */
const fileSecrets = new ObjectMemo<ParsedFile, Finding[]>();
const scriptSecrets = new ObjectMemo<RunbookScript, Finding[]>();

function secretsInFile(file: ParsedFile, hint: string): Finding[] {
  const findings: Finding[] = [];
  if (!file.doc) return findings;
  visit(file.doc, {
    Scalar(_k, node, path) {
      if (typeof node.value !== 'string' || node.value.length < 4) return;
      const parent = path[path.length - 1];
      const isKey = isPair(parent) && parent.key === node;
      if (isKey) return;
      const keyName = isPair(parent) && isScalar(parent.key) ? String(parent.key.value) : '';
      const what = findSecret(node.value) ?? (SECRET_KEY.test(keyName) ? `a literal value under \`${keyName}\`` : null);
      if (what && !isInsideMapWithKey(path, 'inline')) {
        findings.push(findingAt(file, node.range ? [node.range[0], node.range[1]] : undefined, pointerOfPath(path, node),
          'LINT_SECRET_VALUE', `this looks like ${what}`, hint));
      }
    },
  });
  return findings;
}

function secretsInScript(script: RunbookScript, hint: string): Finding[] {
  const findings: Finding[] = [];
  const lines = script.text.split('\n');
  lines.forEach((line, i) => {
    for (const [re, what] of [...SECRET_PATTERNS, ...SCRIPT_ASSIGNMENT]) {
      const m = re.exec(line);
      if (!m) continue;
      findings.push(scriptIssueToFinding(script, { code: 'LINT_SECRET_VALUE', line: i + 1, column: m.index + 1, severity: 'error', message: `this looks like ${what}`, hint }));
      break;
    }
  });
  return findings;
}
