/**
 * Generates core/model/generated/*.ts from schemas/*.schema.json with json-schema-to-typescript.
 * Shared by `npm run schemas` (writes) and the drift test (compares).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compile } from 'json-schema-to-typescript';

export const GENERATED_SCHEMAS = ['rule', 'runbook', 'site', 'framework', 'check-result', 'agent-config'] as const;

type Json = Record<string, unknown>;

/** Inlines common.schema.json's $defs so the generator needs no network or file resolver. */
function inlineCommon(schema: Json, commonDefs: Json): Json {
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node && typeof node === 'object') {
      const out: Json = {};
      for (const [k, v] of Object.entries(node as Json)) {
        if (k === '$ref' && typeof v === 'string' && v.startsWith('common.schema.json#/$defs/')) {
          out[k] = `#/$defs/${v.slice('common.schema.json#/$defs/'.length)}`;
        } else if (k === 'discriminator') {
          continue; // ajv keyword; json-schema-to-typescript derives the union from oneOf
        } else {
          out[k] = rewrite(v);
        }
      }
      return out;
    }
    return node;
  };
  const copy = rewrite(schema) as Json;
  const ownDefs = (copy['$defs'] as Json | undefined) ?? {};
  copy['$defs'] = { ...(rewrite(commonDefs) as Json), ...ownDefs };
  delete copy['$id'];
  delete copy['examples'];
  return copy;
}

export async function generateTypes(repoRoot: string): Promise<Map<string, string>> {
  const read = async (name: string): Promise<Json> =>
    JSON.parse(await readFile(join(repoRoot, 'schemas', `${name}.schema.json`), 'utf8')) as Json;
  const common = await read('common');
  const out = new Map<string, string>();
  for (const name of GENERATED_SCHEMAS) {
    const schema = inlineCommon(await read(name), common['$defs'] as Json);
    const ts = await compile(schema as never, String(schema['title']), {
      bannerComment: `/* Generated from schemas/${name}.schema.json by \`npm run schemas\`. Do not edit by hand. */`,
      additionalProperties: false,
      unreachableDefinitions: false,
      strictIndexSignatures: true,
      format: true,
      style: { singleQuote: true, printWidth: 110 },
    });
    out.set(`core/model/generated/${name}.ts`, ts);
  }
  return out;
}
