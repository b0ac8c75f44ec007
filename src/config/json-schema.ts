import { z } from 'zod';
import { policySchema } from './schema.js';

/** The JSON Schema of the policy file, generated from the zod schema. */
export function policyJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(policySchema, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://deployadvisor.dev/schema/policy-1.json',
    title: 'deployadvisor policy (.deployadvisor.yml)',
  };
}
