import type { Finding } from '../../../../core/model/finding.js';

/**
 * One validator run's worth of findings, covering every severity, related locations, an end
 * position, a whole-file finding, Unicode text, and a hostile YAML value that tries to clear the
 * screen (ESC[2J), rewrite the line (CR), forge a new line (LF) and break GitHub's command syntax
 * (`%`, `:`, `,`). Listed deliberately out of order.
 */
export const SAMPLE_FINDINGS: readonly Finding[] = [
  {
    file: 'sites/evil,site:1.yaml',
    line: 7,
    column: 9,
    pointer: '/hosts/0/name',
    code: 'LINT_HOST_NAME',
    severity: 'error',
    message: 'host name "\u001b[2Jpwned\rOK\n::error::forged" is 100% invalid: a,b',
    hint: 'Rename the host; remove \u001b]0;title\u0007 from the value.',
  },
  {
    file: 'policies/L1-LIN-SSH-002.yaml',
    line: 2,
    column: 5,
    endLine: 2,
    endColumn: 20,
    pointer: '/id',
    code: 'LINT_DUPLICATE_ID',
    severity: 'warning',
    message: 'policy id "L1-LIN-SSH-001" is already used',
    hint: 'Give this policy a new id, such as "L1-LIN-SSH-002".',
    related: [
      {
        file: 'policies/L1-LIN-SSH-001.yaml',
        line: 2,
        column: 5,
        message: 'first defined here',
      },
    ],
  },
  {
    file: 'policies/L1-LIN-SSH-001.yaml',
    line: 4,
    column: 11,
    endLine: 4,
    endColumn: 15,
    pointer: '/severity',
    code: 'SCHEMA_ENUM',
    severity: 'error',
    message: 'severity must be one of low, medium, high, critical (got "hgih")',
    hint: 'Did you mean "high"?',
  },
  {
    file: 'runbooks/größe/prüfen.yaml',
    line: 3,
    column: 14,
    pointer: '/steps/0/title',
    code: 'LINT_TITLE_STYLE',
    severity: 'info',
    message: 'title „Schlüssel prüfen 🚑“ ends with an emoji',
    hint: '',
  },
  {
    file: 'policies/L1-LIN-SSH-001.yaml',
    line: 1,
    column: 1,
    pointer: '',
    code: 'YAML_DEPRECATED_KEY',
    severity: 'warning',
    message: 'the file uses "controls:", renamed to "mappings:" in release 0.2',
    hint: 'Rename the top-level key "controls" to "mappings".',
  },
  {
    file: 'runbooks/win/firewall.yaml',
    line: 10,
    column: 3,
    endLine: 14,
    endColumn: 1,
    pointer: '/script',
    code: 'LINT_PS_INVOKE_EXPRESSION',
    severity: 'error',
    message: 'the script calls Invoke-Expression',
    hint: 'Call the command directly instead of building it as a string.',
  },
];

/** A deterministic shuffle (mulberry32 + Fisher–Yates) so ordering tests replay exactly. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Every C0 control character, DEL and every C1 control character, as one-character strings. */
export const CONTROL_CHARS: readonly string[] = [
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)),
  ...Array.from({ length: 0x21 }, (_, i) => String.fromCharCode(0x7f + i)),
];

/** A finding whose message, hint and file all carry `ch`, for the escaping loops. */
export function findingWith(ch: string): Finding {
  return {
    file: `policies/a${ch}b.yaml`,
    line: 1,
    column: 1,
    pointer: '',
    code: 'LINT_TEST',
    severity: 'error',
    message: `before${ch}after`,
    hint: `hint${ch}end`,
    related: [{ file: `x${ch}y.yaml`, line: 1, column: 1, message: `rel${ch}ated` }],
  };
}
