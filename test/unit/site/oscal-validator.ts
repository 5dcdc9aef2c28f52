import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const SCHEMA = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/oscal/oscal_assessment-results_schema-1.0.6.json'), 'utf8')) as object;

/** Ajv over NIST's OSCAL 1.0.6 assessment-results schema (draft-07; its formats: date-time, email, uri, uri-reference). */
export function oscalValidator(): (doc: unknown) => { ok: boolean; errors: string[] } {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(SCHEMA);
  return (doc) => {
    const ok = validate(doc) as boolean;
    return { ok, errors: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`) };
  };
}

