import { z } from 'zod';
import { policySchema } from '../config/schema.js';
import type { Io } from '../io.js';
import type { GlobalOptions } from '../main.js';
import { emit, openWorkspace } from './shared.js';

/** The JSON Schema of the policy file, generated from the zod schema. */
export function policyJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(policySchema, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://deployadvisor.dev/schema/policy-1.json',
    title: 'deployadvisor policy (.deployadvisor.yml)',
  };
}

export async function runConfigCheck(io: Io, options: GlobalOptions): Promise<number> {
  const { loaded } = await openWorkspace(io, options);
  const { policy, source } = loaded;
  const where =
    source.kind === 'defaults'
      ? 'no policy file; the embedded defaults'
      : source.ref === null
        ? source.path
        : `${source.ref}:${source.path ?? ''}`;
  const windows = Object.values(policy.windows).reduce((sum, list) => sum + list.length, 0);
  await emit(
    io,
    options,
    `OK: ${where} is valid: ${Object.keys(policy.environments).length} environment(s), ${policy.riskZones.length} risk zone(s), ${windows} window(s) and freeze(s).\n`,
  );
  return 0;
}

export async function runConfigPrint(io: Io, options: GlobalOptions): Promise<number> {
  const { loaded } = await openWorkspace(io, options);
  const text =
    options.format === 'json'
      ? `${JSON.stringify(loaded.policy, null, 2)}\n`
      : (await import('yaml')).stringify(loaded.policy);
  await emit(io, options, text);
  return 0;
}

export async function runConfigSchema(io: Io, options: GlobalOptions): Promise<number> {
  await emit(io, options, `${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
  return 0;
}
