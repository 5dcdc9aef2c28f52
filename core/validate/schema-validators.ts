import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { SCHEMAS } from './schemas.js';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export interface SchemaValidators {
  validate(schemaName: string, value: unknown): ErrorObject[];
  /** A compiled validator for an ad-hoc schema (runbook parameter specs), cached by its JSON text. */
  compileAdHoc(schema: Record<string, unknown>): ValidateFunction;
}

let shared: SchemaValidators | undefined;

/**
 * The ajv validators for every writ schema, compiled once per process on first use.
 *
 * @example
 * const errors = schemaValidators().validate('rule', value); // [] when valid
 */
export function schemaValidators(): SchemaValidators {
  if (shared) return shared;
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, discriminator: true, allowUnionTypes: true });
  addFormats(ajv, ['email', 'date', 'date-time', 'uri']);
  for (const schema of Object.values(SCHEMAS)) ajv.addSchema(schema);
  const compiled = new Map<string, ValidateFunction>();
  const adHoc = new Map<string, ValidateFunction>();
  const adHocAjv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true });
  shared = {
    validate(schemaName, value) {
      let fn = compiled.get(schemaName);
      if (!fn) {
        const id = (SCHEMAS[schemaName] as { $id: string }).$id;
        fn = ajv.getSchema(id) as ValidateFunction;
        compiled.set(schemaName, fn);
      }
      return fn(value) ? [] : [...(fn.errors ?? [])];
    },
    compileAdHoc(schema) {
      const key = JSON.stringify(schema);
      let fn = adHoc.get(key);
      if (!fn) {
        fn = adHocAjv.compile(schema);
        adHoc.set(key, fn);
      }
      return fn;
    },
  };
  return shared;
}
