import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

/** The JSON Schemas of the outputs, docs/<name>.schema.json. */
export const OUTPUT_SCHEMAS = ['plan', 'insights', 'lineage', 'backtest', 'calibration', 'verify'] as const;
export type OutputSchema = (typeof OUTPUT_SCHEMAS)[number];

/** One Ajv for every test: strict, all errors, and real format checks (Ajv ships none). */
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
// Real checks, not just "ignore": an unparsable time or day fails too.
ajv.addFormat('date-time', { type: 'string', validate: (text: string) => !Number.isNaN(Date.parse(text)) });
ajv.addFormat('date', {
  type: 'string',
  validate: (text: string) => /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text)),
});

const compiled = new Map<OutputSchema, ValidateFunction>();

/** The parsed docs/<name>.schema.json. */
export function outputSchema(name: OutputSchema): Record<string, unknown> {
  return JSON.parse(
    readFileSync(new URL(`../../docs/${name}.schema.json`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
}

/** The validator of docs/<name>.schema.json (compiled once). */
export function schemaValidator(name: OutputSchema): ValidateFunction {
  let validate = compiled.get(name);
  if (validate === undefined) {
    validate = ajv.compile(outputSchema(name));
    compiled.set(name, validate);
  }
  return validate;
}

/** What Ajv found, one error a line. */
export function schemaErrorsText(errors: ErrorObject[] | null | undefined): string {
  return ajv.errorsText(errors, { separator: '\n' });
}
