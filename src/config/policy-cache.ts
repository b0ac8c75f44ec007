import { createHash } from 'node:crypto';
import { readKeyed, writeKeyed } from '../collect/keyed-cache.js';
import { BUILD } from '../version.js';
import type { Policy } from './schema.js';

/**
 * The validated policy of the last policy text read, under `<git-dir>/deployadvisor/`: a plan then
 * neither builds the zod schemas nor loads the YAML parser (together ~20 ms of every start). A policy is
 * plain data (the schema has no transforms), so the JSON holds all of it. The key is the build
 * (another build may validate or default differently) and the SHA-256 of the text, or `defaults` for
 * the embedded defaults. Only valid policies are stored: a bad one is parsed, and refused, every time.
 */
const POLICY_CACHE = 'policy-v1.json';

/** The few fields every policy has, checked before a stored value stands in for one. */
function isPolicy(value: unknown): value is Policy {
  const policy = value as Partial<Policy> | null | undefined;
  return (
    typeof policy?.version === 'number' &&
    typeof policy.defaultEnvironment === 'string' &&
    typeof policy.environments === 'object' &&
    typeof policy.thresholds?.waitAt === 'number' &&
    typeof policy.thresholds.blockAt === 'number' &&
    Array.isArray(policy.riskZones) &&
    typeof policy.ledger?.ref === 'string'
  );
}

/** `parse()`'s policy for `text` (null: the defaults), from the cache in `gitDir` when it holds it. */
export async function cachedPolicy(
  gitDir: string | undefined,
  text: string | null,
  parse: () => Promise<Policy>,
): Promise<Policy> {
  if (gitDir === undefined) return parse();
  const digest = text === null ? 'defaults' : createHash('sha256').update(text).digest('hex');
  const key = { build: BUILD, policy: digest };
  const stored = await readKeyed(gitDir, POLICY_CACHE, key);
  if (isPolicy(stored)) return stored;
  const policy = await parse();
  await writeKeyed(gitDir, POLICY_CACHE, key, policy);
  return policy;
}
