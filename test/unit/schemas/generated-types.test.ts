import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateTypes } from '../../../scripts/generate-types-lib.js';
import { SCHEMAS } from '../../../core/validate/schemas.js';
import { schemaValidators } from '../../../core/validate/schema-validators.js';

const root = join(import.meta.dirname, '../../..');

describe('schemas', () => {
  it('generated TypeScript types match the schemas (run `npm run schemas` after editing schemas/)', async () => {
    const generated = await generateTypes(root);
    for (const [path, text] of generated) {
      expect(readFileSync(join(root, path), 'utf8'), `${path} is stale: run npm run schemas`).toBe(text);
    }
  });

  it.each(Object.entries(SCHEMAS))('%s has an $id, a title, a description and draft 2020-12', (_name, schema) => {
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(String(schema['$id'])).toMatch(/^https:\/\/schemas\.writ\.example\/v1\/[a-z-]+\.schema\.json$/);
    expect(typeof schema['title']).toBe('string');
    expect(String(schema['description']).length).toBeGreaterThan(20);
  });

  it.each(['rule', 'runbook', 'check-result'])('the examples of %s validate against it', (name) => {
    const examples = SCHEMAS[name]!['examples'] as unknown[];
    expect(examples.length).toBeGreaterThan(0);
    for (const ex of examples) expect(schemaValidators().validate(name, ex)).toEqual([]);
  });

  it('every property of every schema has a description (editors show it on hover)', () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (!node || typeof node !== 'object') return;
      const props = (node as { properties?: Record<string, Record<string, unknown>> }).properties;
      if (props) {
        for (const [k, v] of Object.entries(props)) {
          const hasDesc = typeof v['description'] === 'string' || typeof v['$ref'] === 'string' || k === 'type' || typeof v['const'] === 'string';
          if (!hasDesc) missing.push(`${path}/properties/${k}`);
        }
      }
      for (const [k, v] of Object.entries(node)) if (typeof v === 'object') walk(v, `${path}/${k}`);
    };
    for (const name of ['rule', 'runbook', 'site', 'framework']) walk(SCHEMAS[name], name);
    // Sub-objects deep inside $defs may rely on their parent's description; the top-level keys may not.
    expect(missing.filter((m) => !m.includes('$defs'))).toEqual([]);
  });
});
