import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ajvDraft04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../../core/model/finding.js';
import { renderSarif, type SarifRule } from '../../../../core/report/render-sarif.js';
import { SAMPLE_FINDINGS, shuffled } from './sample-findings.js';

/**
 * The OASIS SARIF 2.1.0 schema (rtm.5, the version schemastore serves for sarif-2.1.0.json), as
 * shipped inside the @microsoft/jest-sarif npm package. It is draft-04, hence ajv-draft-04; its
 * `language` pattern is not valid under the `u` flag, hence `unicodeRegExp: false`.
 */
// Both are CommonJS; under NodeNext the default import is the module object (as in
// core/validate/schema-validators.ts).
const Ajv = ajvDraft04Module as unknown as typeof ajvDraft04Module.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const schemaPath = createRequire(import.meta.url).resolve(
  '@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json',
);
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validateSarif = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);

const RULES: readonly SarifRule[] = [
  {
    code: 'SCHEMA_ENUM',
    title: 'Value not allowed',
    help: 'Use one of the values the schema lists.',
  },
  {
    code: 'LINT_DUPLICATE_ID',
    title: 'Policy id used twice',
    help: 'Every policy needs its own id; rename one of them.',
  },
  {
    code: 'LINT_UNUSED_RULE',
    title: 'Never fires here',
    help: 'Only in the catalogue.',
    severity: 'info',
  },
  { code: 'SCHEMA_ENUM', title: 'A later duplicate', help: 'Ignored: the first entry wins.' },
];

const OPTIONS = {
  toolVersion: '0.1.0',
  rules: RULES,
  informationUri: 'https://example.invalid/writ/docs',
};

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine?: number;
  endColumn?: number;
}
interface SarifPhysical {
  artifactLocation: { uri: string; uriBaseId: string };
  region: SarifRegion;
}
interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: {
      driver: {
        name: string;
        version: string;
        informationUri?: string;
        rules: {
          id: string;
          shortDescription: { text: string };
          fullDescription: { text: string };
          help: { text: string };
          defaultConfiguration: { level: string };
        }[];
      };
    };
    originalUriBaseIds: Record<string, unknown>;
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: { physicalLocation: SarifPhysical }[];
      relatedLocations?: {
        id: number;
        physicalLocation: SarifPhysical;
        message: { text: string };
      }[];
      partialFingerprints: Record<string, string>;
    }[];
  }[];
}

function render(findings: readonly Finding[], options = OPTIONS): SarifLog {
  const out = renderSarif(findings, options);
  const log = JSON.parse(out) as SarifLog;
  const valid = validateSarif(log);
  expect(validateSarif.errors ?? [], 'SARIF 2.1.0 schema errors').toEqual([]);
  expect(valid).toBe(true);
  return log;
}

/** What GitHub code scanning documents beyond the schema for an upload to be accepted. */
function expectGithubAcceptable(log: SarifLog): void {
  expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
  expect(log.version).toBe('2.1.0');
  expect(log.runs).toHaveLength(1);
  const run = log.runs[0];
  if (run === undefined) throw new Error('no run');
  expect(run.tool.driver.name).toBe('writ');
  const ids = run.tool.driver.rules.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  const positions = (r: SarifRegion) =>
    [r.startLine, r.startColumn, r.endLine, r.endColumn].filter((n) => n !== undefined);
  const fingerprints = new Set<string>();
  for (const result of run.results) {
    expect(run.tool.driver.rules[result.ruleIndex]?.id).toBe(result.ruleId);
    expect(['error', 'warning', 'note']).toContain(result.level);
    expect(result.message.text.length).toBeGreaterThan(0);
    const physical = [
      ...result.locations.map((l) => l.physicalLocation),
      ...(result.relatedLocations ?? []).map((l) => l.physicalLocation),
    ];
    expect(result.locations).toHaveLength(1);
    for (const p of physical) {
      expect(p.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(run.originalUriBaseIds).toHaveProperty(['%SRCROOT%']);
      // Relative reference: no scheme, no leading slash, no backslash, nothing left unencoded.
      expect(p.artifactLocation.uri).not.toMatch(
        /^[a-z][a-z0-9+.-]*:|^\/|\\|[\s#?%](?![0-9A-F]{2})/i,
      );
      expect(p.artifactLocation.uri).toMatch(/^[\x21-\x7e]+$/);
      for (const n of positions(p.region)) {
        expect(Number.isInteger(n) && n >= 1, `position ${n}`).toBe(true);
      }
      const { startLine, startColumn, endLine = startLine, endColumn } = p.region;
      expect(endLine).toBeGreaterThanOrEqual(startLine);
      if (endLine === startLine && endColumn !== undefined) {
        expect(endColumn).toBeGreaterThanOrEqual(startColumn);
      }
    }
    const fp = Object.values(result.partialFingerprints);
    expect(fp).toHaveLength(1);
    expect(fingerprints.has(fp[0] ?? '')).toBe(false);
    fingerprints.add(fp[0] ?? '');
  }
}

describe('renderSarif', () => {
  it('checks against a schema that really rejects bad logs', () => {
    const broken = {
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'writ' } },
          results: [{ message: { text: 'x' }, level: 'fatal' }],
        },
      ],
    };
    expect(validateSarif(broken)).toBe(false);
    expect(validateSarif({ ...broken, runs: [{ tool: { driver: {} } }] })).toBe(false);
  });

  it('writes a SARIF 2.1.0 log that validates against the OASIS schema', () => {
    const log = render(SAMPLE_FINDINGS);
    expectGithubAcceptable(log);
    expect(renderSarif(SAMPLE_FINDINGS, OPTIONS)).toMatchSnapshot();
  });

  it('lists catalogue rules once, sorted, and generates entries for unknown codes', () => {
    const { rules } = render(SAMPLE_FINDINGS).runs[0]?.tool.driver ?? { rules: [] };
    expect(rules.map((r) => `${r.id}:${r.defaultConfiguration.level}`)).toEqual([
      'LINT_DUPLICATE_ID:warning',
      'LINT_HOST_NAME:error',
      'LINT_PS_INVOKE_EXPRESSION:error',
      'LINT_TITLE_STYLE:note',
      'LINT_UNUSED_RULE:note',
      'SCHEMA_ENUM:error',
      'YAML_DEPRECATED_KEY:warning',
    ]);
    expect(rules.find((r) => r.id === 'SCHEMA_ENUM')).toMatchObject({
      shortDescription: { text: 'Value not allowed' },
      fullDescription: { text: 'Use one of the values the schema lists.' },
      help: { text: 'Use one of the values the schema lists.' },
    });
    expect(rules.find((r) => r.id === 'LINT_HOST_NAME')?.shortDescription.text).toBe(
      'LINT_HOST_NAME',
    );
  });

  it('maps severities to levels and puts the hint in the message', () => {
    const results = render(SAMPLE_FINDINGS).runs[0]?.results ?? [];
    expect(results.map((r) => `${r.ruleId}:${r.level}`)).toEqual([
      'YAML_DEPRECATED_KEY:warning',
      'SCHEMA_ENUM:error',
      'LINT_DUPLICATE_ID:warning',
      'LINT_TITLE_STYLE:note',
      'LINT_PS_INVOKE_EXPRESSION:error',
      'LINT_HOST_NAME:error',
    ]);
    expect(results[1]?.message.text).toBe(
      'severity must be one of low, medium, high, critical (got "hgih")\nhint: Did you mean "high"?',
    );
    expect(results[3]?.message.text).toBe('title „Schlüssel prüfen 🚑“ ends with an emoji');
  });

  it('writes related locations and relative, percent-encoded URIs', () => {
    const results = render(SAMPLE_FINDINGS).runs[0]?.results ?? [];
    expect(results[2]?.relatedLocations).toEqual([
      {
        id: 0,
        physicalLocation: {
          artifactLocation: { uri: 'policies/L1-LIN-SSH-001.yaml', uriBaseId: '%SRCROOT%' },
          region: { startLine: 2, startColumn: 5 },
        },
        message: { text: 'first defined here' },
      },
    ]);
    expect(results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri)).toContain(
      'runbooks/gr%C3%B6%C3%9Fe/pr%C3%BCfen.yaml',
    );
    const odd = { ...SAMPLE_FINDINGS[0], file: './a dir/100%#1?.yaml' } as Finding;
    const uri = render([odd]).runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation
      .uri;
    expect(uri).toBe('a%20dir/100%25%231%3F.yaml');
  });

  it('keeps regions valid when a finding carries impossible positions', () => {
    const at = (file: string, pos: Partial<Finding>): Finding => ({
      file,
      line: 1,
      column: 1,
      pointer: '',
      code: 'LINT_TEST',
      severity: 'error',
      message: 'm',
      hint: 'h',
      ...pos,
    });
    const bad: Finding[] = [
      at('a.yaml', { line: 0, column: Number.NaN, endLine: -3 }),
      at('b.yaml', { line: 5, column: 9, endLine: 5, endColumn: 2 }),
      at('c.yaml', { line: 3, column: 9, endLine: 2, endColumn: 20 }),
      at('d\ud800lone.yaml', { line: 2.5, column: 4, endColumn: 7 }),
      at('e.yaml', { line: 2, column: 4, endLine: 6, endColumn: 1 }),
    ];
    const log = render(bad);
    expectGithubAcceptable(log);
    const locations = log.runs[0]?.results.map((r) => r.locations[0]?.physicalLocation);
    expect(locations?.map((l) => l?.region)).toEqual([
      { startLine: 1, startColumn: 1 },
      { startLine: 5, startColumn: 9, endLine: 5 },
      { startLine: 3, startColumn: 9 },
      { startLine: 2, startColumn: 4, endColumn: 7 },
      { startLine: 2, startColumn: 4, endLine: 6, endColumn: 1 },
    ]);
    expect(locations?.[3]?.artifactLocation.uri).toBe('d%EF%BF%BDlone.yaml');
  });

  it('fingerprints code + file + pointer, so moving a finding keeps its alert', () => {
    const base = SAMPLE_FINDINGS[2] as Finding;
    const fp = (f: Finding) =>
      render([f]).runs[0]?.results[0]?.partialFingerprints['writFinding/v1'] ?? '';
    expect(fp(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(fp({ ...base, line: 40, column: 2, message: 'reworded' })).toBe(fp(base));
    expect(fp({ ...base, pointer: '/title' })).not.toBe(fp(base));
    expect(fp({ ...base, code: 'SCHEMA_TYPE' })).not.toBe(fp(base));
    expect(fp({ ...base, file: 'policies/other.yaml' })).not.toBe(fp(base));
    // Two findings on one node stay two alerts.
    const twice = render([base, { ...base, message: 'second problem' }]).runs[0]?.results ?? [];
    expect(twice[1]?.partialFingerprints['writFinding/v1']).toBe(`${fp(base)}:2`);
  });

  it('writes the same bytes whatever order the findings arrive in', () => {
    const expected = renderSarif(SAMPLE_FINDINGS, OPTIONS);
    for (const seed of [1, 2, 3, 42, 2024]) {
      expect(renderSarif(shuffled(SAMPLE_FINDINGS, seed), OPTIONS)).toBe(expected);
    }
  });

  it('writes a valid log with no results (and no informationUri) when the repo is clean', () => {
    const log = render([], { toolVersion: '0.1.0', rules: [] } as unknown as typeof OPTIONS);
    expectGithubAcceptable(log);
    expect(log.runs[0]?.results).toEqual([]);
    expect(log.runs[0]?.tool.driver).toEqual({ name: 'writ', version: '0.1.0', rules: [] });
  });
});
