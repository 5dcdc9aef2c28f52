import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../../core/model/finding.js';
import { renderJson, type JsonReport } from '../../../../core/report/render-json.js';
import { CONTROL_CHARS, SAMPLE_FINDINGS, findingWith, shuffled } from './sample-findings.js';

const OPTIONS = { filesChecked: 9, toolVersion: '0.1.0' };

describe('renderJson', () => {
  it('writes the documented document, sorted and indented', () => {
    expect(renderJson(SAMPLE_FINDINGS, OPTIONS)).toMatchSnapshot();
  });

  it('has a fixed top-level shape, summary and key order', () => {
    const out = renderJson(SAMPLE_FINDINGS, OPTIONS);
    expect(out.endsWith('}\n')).toBe(true);
    expect(out.startsWith('{\n  "version": 1,\n')).toBe(true);
    const report = JSON.parse(out) as JsonReport;
    expect(Object.keys(report)).toEqual(['version', 'tool', 'summary', 'findings']);
    expect(report.tool).toEqual({ name: 'writ', version: '0.1.0' });
    expect(report.summary).toEqual({ errors: 3, warnings: 2, info: 1, files: 9 });
    expect(report.findings.map((f) => `${f.file}:${f.line}`)).toEqual([
      'policies/L1-LIN-SSH-001.yaml:1',
      'policies/L1-LIN-SSH-001.yaml:4',
      'policies/L1-LIN-SSH-002.yaml:2',
      'runbooks/größe/prüfen.yaml:3',
      'runbooks/win/firewall.yaml:10',
      'sites/evil,site:1.yaml:7',
    ]);
    const duplicate = report.findings[2];
    expect(Object.keys(duplicate ?? {})).toEqual([
      'file',
      'line',
      'column',
      'endLine',
      'endColumn',
      'pointer',
      'code',
      'severity',
      'message',
      'hint',
      'related',
    ]);
    // Optional keys are left out, never written as null.
    expect(Object.keys(report.findings[0] ?? {})).toEqual([
      'file',
      'line',
      'column',
      'pointer',
      'code',
      'severity',
      'message',
      'hint',
    ]);
  });

  it('keeps hostile text exactly, with control characters JSON-escaped', () => {
    const out = renderJson(SAMPLE_FINDINGS, OPTIONS);
    expect(out).toContain('\\u001b[2Jpwned\\rOK\\n::error::forged');
    expect(out).not.toContain('\u001b');
    const report = JSON.parse(out) as JsonReport;
    const hostile = SAMPLE_FINDINGS.find((f) => f.code === 'LINT_HOST_NAME');
    expect(report.findings.at(-1)?.message).toBe(hostile?.message);
  });

  it.each(CONTROL_CHARS.map((ch) => [ch.charCodeAt(0).toString(16).padStart(2, '0'), ch]))(
    'round-trips control character 0x%s without a raw C0 byte in the output',
    (_hex, ch) => {
      const finding = findingWith(ch);
      const out = renderJson([finding], OPTIONS);
      expect(out.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f]/);
      const parsed = JSON.parse(out) as JsonReport;
      expect(parsed.findings[0]?.message).toBe(finding.message);
      expect(parsed.findings[0]?.related?.[0]?.file).toBe(finding.related?.[0]?.file);
    },
  );

  it('does not leak properties the document does not define', () => {
    const extra = { ...SAMPLE_FINDINGS[0], secret: 'x', related: [] } as unknown as Finding;
    const parsed = JSON.parse(renderJson([extra], OPTIONS)) as JsonReport;
    expect(parsed.findings[0]).not.toHaveProperty('secret');
    expect(parsed.findings[0]).not.toHaveProperty('related');
  });

  it('writes the same bytes whatever order the findings arrive in', () => {
    const expected = renderJson(SAMPLE_FINDINGS, OPTIONS);
    for (const seed of [1, 2, 3, 42, 2024]) {
      expect(renderJson(shuffled(SAMPLE_FINDINGS, seed), OPTIONS)).toBe(expected);
    }
  });

  it('writes an empty list and zero counts when there are no findings', () => {
    expect(renderJson([], { filesChecked: 4, toolVersion: '1.2.3' })).toMatchInlineSnapshot(`
      "{
        "version": 1,
        "tool": {
          "name": "writ",
          "version": "1.2.3"
        },
        "summary": {
          "errors": 0,
          "warnings": 0,
          "info": 0,
          "files": 4
        },
        "findings": []
      }
      "
    `);
  });

  it('is documented field by field in docs/validate-json.md', () => {
    const doc = readFileSync(new URL('../../../../docs/validate-json.md', import.meta.url), 'utf8');
    const report = JSON.parse(renderJson(SAMPLE_FINDINGS, OPTIONS)) as JsonReport;
    const fields = new Set<string>([
      ...Object.keys(report),
      ...Object.keys(report.tool).map((k) => `tool.${k}`),
      ...Object.keys(report.summary).map((k) => `summary.${k}`),
      ...report.findings.flatMap((f) => Object.keys(f).map((k) => `findings[].${k}`)),
      ...report.findings.flatMap((f) =>
        (f.related ?? []).flatMap((r) => Object.keys(r).map((k) => `findings[].related[].${k}`)),
      ),
    ]);
    for (const field of fields) expect(doc, field).toContain(`\`${field}\``);
  });
});
