import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../../core/model/finding.js';
import { renderGithub } from '../../../../core/report/render-github.js';
import { CONTROL_CHARS, SAMPLE_FINDINGS, findingWith, shuffled } from './sample-findings.js';

/** What the Actions runner does to a command's message (`unescapeData`). */
function unescapeData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/** What the runner does to a property value (`unescapeProperty`). */
function unescapeProperty(text: string): string {
  return unescapeData(text.replace(/%3A/g, ':').replace(/%2C/g, ','));
}

/** Splits one command line the way the runner does: `::name k=v,k=v::message`. */
function parseCommand(line: string) {
  const match = /^::(\w+) ([^:]*)::(.*)$/.exec(line);
  if (match === null) throw new Error(`not a workflow command: ${line}`);
  const [, command = '', props = '', data = ''] = match;
  const properties = Object.fromEntries(
    props.split(',').map((p) => {
      const eq = p.indexOf('=');
      return [p.slice(0, eq), unescapeProperty(p.slice(eq + 1))];
    }),
  );
  return { command, properties, message: unescapeData(data) };
}

describe('renderGithub', () => {
  it('prints one workflow command per finding, then a plain summary', () => {
    expect(renderGithub(SAMPLE_FINDINGS, { filesChecked: 9 })).toMatchInlineSnapshot(`
      "::warning file=policies/L1-LIN-SSH-001.yaml,line=1,col=1,title=YAML_DEPRECATED_KEY::the file uses "controls:", renamed to "mappings:" in release 0.2%0Ahint: Rename the top-level key "controls" to "mappings".
      ::error file=policies/L1-LIN-SSH-001.yaml,line=4,col=11,endLine=4,endColumn=15,title=SCHEMA_ENUM::severity must be one of low, medium, high, critical (got "hgih")%0Ahint: Did you mean "high"?
      ::warning file=policies/L1-LIN-SSH-002.yaml,line=2,col=5,endLine=2,endColumn=20,title=LINT_DUPLICATE_ID::policy id "L1-LIN-SSH-001" is already used%0Ahint: Give this policy a new id, such as "L1-LIN-SSH-002".%0Aalso at policies/L1-LIN-SSH-001.yaml:2:5: first defined here
      ::notice file=runbooks/größe/prüfen.yaml,line=3,col=14,title=LINT_TITLE_STYLE::title „Schlüssel prüfen 🚑“ ends with an emoji
      ::error file=runbooks/win/firewall.yaml,line=10,col=3,endLine=14,endColumn=1,title=LINT_PS_INVOKE_EXPRESSION::the script calls Invoke-Expression%0Ahint: Call the command directly instead of building it as a string.
      ::error file=sites/evil%2Csite%3A1.yaml,line=7,col=9,title=LINT_HOST_NAME::host name "\\x1b[2Jpwned%0DOK%0A::error::forged" is 100%25 invalid: a,b%0Ahint: Rename the host; remove \\x1b]0;title\\x07 from the value.
      3 errors, 2 warnings, 1 info in 9 files.
      "
    `);
  });

  it('round-trips the hostile finding through the runner’s unescaping', () => {
    const lines = renderGithub(SAMPLE_FINDINGS).split('\n');
    const hostile = parseCommand(lines[5] ?? '');
    expect(hostile.command).toBe('error');
    expect(hostile.properties).toEqual({
      file: 'sites/evil,site:1.yaml',
      line: '7',
      col: '9',
      title: 'LINT_HOST_NAME',
    });
    expect(hostile.message).toBe(
      'host name "\\x1b[2Jpwned\rOK\n::error::forged" is 100% invalid: a,b\n' +
        'hint: Rename the host; remove \\x1b]0;title\\x07 from the value.',
    );
  });

  it('escapes %, CR and LF in data, and additionally : and , in properties', () => {
    const f: Finding = {
      file: 'a%b\r\n:c,d.yaml',
      line: 1,
      column: 2,
      pointer: '',
      code: 'LINT_X,Y:Z',
      severity: 'warning',
      message: '50% a:b,c\r\nd',
      hint: '',
    };
    expect(renderGithub([f]).split('\n')[0]).toBe(
      '::warning file=a%25b%0D%0A%3Ac%2Cd.yaml,line=1,col=2,title=LINT_X%2CY%3AZ::50%25 a:b,c%0D%0Ad',
    );
  });

  it('maps error to ::error, warning to ::warning and info to ::notice', () => {
    const commands = renderGithub(SAMPLE_FINDINGS)
      .split('\n')
      .filter((l) => l.startsWith('::'))
      .map((l) => parseCommand(l).command);
    expect(commands).toEqual(['warning', 'error', 'warning', 'notice', 'error', 'error']);
  });

  it.each(CONTROL_CHARS.map((ch) => [ch.charCodeAt(0).toString(16).padStart(2, '0'), ch]))(
    'cannot be broken out of by control character 0x%s',
    (hex, ch) => {
      const out = renderGithub([findingWith(ch)]);
      const lines = out.split('\n');
      expect(lines).toHaveLength(3); // the command, the summary, and the final newline
      expect(out.replace(/\n/g, '')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      const { message, properties } = parseCommand(lines[0] ?? '');
      if (ch === '\t' || ch === '\r' || ch === '\n') {
        // GitHub shows these as real whitespace inside the annotation, so they survive.
        expect(message).toContain(`before${ch}after`);
        expect(properties.file).toBe(`policies/a${ch}b.yaml`);
      } else {
        expect(message).toContain(`before\\x${hex}after`);
        expect(properties.file).toBe(`policies/a\\x${hex}b.yaml`);
      }
    },
  );

  it('prints the same lines whatever order the findings arrive in', () => {
    const expected = renderGithub(SAMPLE_FINDINGS, { filesChecked: 9 });
    for (const seed of [1, 2, 3, 42, 2024]) {
      expect(renderGithub(shuffled(SAMPLE_FINDINGS, seed), { filesChecked: 9 })).toBe(expected);
    }
  });

  it('prints only the summary when there are no findings', () => {
    expect(renderGithub([], { filesChecked: 3 })).toBe('No problems in 3 files.\n');
    expect(renderGithub([])).toBe('No problems.\n');
  });
});
