import { describe, expect, it } from 'vitest';
import { UsageError, isWritError } from '../../../../core/errors/writ-error.js';
import { renderGithub } from '../../../../core/report/render-github.js';
import { renderJson } from '../../../../core/report/render-json.js';
import { renderSarif } from '../../../../core/report/render-sarif.js';
import { renderText } from '../../../../core/report/render-text.js';
import {
  REPORT_FORMATS,
  selectRenderer,
  type RenderContext,
} from '../../../../core/report/select-renderer.js';
import { SAMPLE_FINDINGS } from './sample-findings.js';

const CONTEXT: RenderContext = {
  color: true,
  filesChecked: 9,
  toolVersion: '0.1.0',
  rules: [{ code: 'SCHEMA_ENUM', title: 'Value not allowed', help: 'Use a listed value.' }],
  informationUri: 'https://example.invalid/writ',
};

function usageErrorFor(format: string): UsageError {
  try {
    selectRenderer(format);
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`selectRenderer accepted ${JSON.stringify(format)}`);
}

describe('selectRenderer', () => {
  it('offers exactly the formats the CLI spec names', () => {
    expect(REPORT_FORMATS).toEqual(['text', 'json', 'sarif', 'github']);
  });

  it('hands each format the options it needs from one context', () => {
    const f = SAMPLE_FINDINGS;
    expect(selectRenderer('text')(f, CONTEXT)).toBe(
      renderText(f, { color: true, filesChecked: 9 }),
    );
    expect(selectRenderer('json')(f, CONTEXT)).toBe(
      renderJson(f, { filesChecked: 9, toolVersion: '0.1.0' }),
    );
    expect(selectRenderer('sarif')(f, CONTEXT)).toBe(
      renderSarif(f, {
        toolVersion: '0.1.0',
        rules: CONTEXT.rules,
        informationUri: 'https://example.invalid/writ',
      }),
    );
    expect(selectRenderer('github')(f, CONTEXT)).toBe(renderGithub(f, { filesChecked: 9 }));
  });

  it('refuses an unknown format with a usage error that lists the valid ones', () => {
    const e = usageErrorFor('xml');
    expect(isWritError(e)).toBe(true);
    expect(e.code).toBe('CLI_USAGE');
    expect(e.recovery).toBe('human');
    expect(e.data).toEqual({ format: 'xml', validFormats: ['text', 'json', 'sarif', 'github'] });
    expect(`${e.message}\n${e.hint}`).toMatchInlineSnapshot(`
      "unknown format "xml"
      Use one of: text, json, sarif, github."
    `);
  });

  it('suggests the lower-case spelling when only the case is wrong', () => {
    expect(usageErrorFor(' SARIF').hint).toBe(
      'Formats are lower-case: did you mean --format sarif? Use one of: text, json, sarif, github.',
    );
  });

  it.each(['', 'toString', '__proto__', 'constructor', 'text ', 'markdown'])(
    'does not mistake %j for a format',
    (format) => {
      const e = usageErrorFor(format);
      expect(e.message).toBe(`unknown format ${JSON.stringify(format)}`);
      expect(e.hint).toContain('text, json, sarif, github');
    },
  );

  it('quotes a hostile format value instead of echoing control characters', () => {
    expect(usageErrorFor('x\u001b[2J').message).toBe('unknown format "x\\u001b[2J"');
  });
});
