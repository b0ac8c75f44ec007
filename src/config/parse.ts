// Policy text to a validated Policy. Kept apart from load.ts, which imports this module only when
// there is policy text to parse: yaml takes tens of milliseconds to import.
import { LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError, type PolicyIssue } from '../errors.js';
import { dotted, policyError } from './issue-text.js';
import { describeIssue, positionIn, type KeyPath } from './policy-issues.js';
import { MAX_POLICY_BYTES, type PolicySource } from './source.js';
import { policySchema, type Policy } from './schema.js';

/** A real policy needs few YAML aliases; many is a "billion laughs" attack. */
const MAX_ALIASES = 50;

function describe(source: PolicySource): string {
  return source.ref === null ? (source.path ?? 'policy') : `${source.ref}:${source.path ?? ''}`;
}

function refuse(found: PolicyIssue[]): never {
  throw policyError(found);
}

/** A problem at a key path that the schema cannot see (it spans keys), located like the schema's. */
function issueAt(
  doc: Document,
  lines: LineCounter,
  file: string,
  path: KeyPath,
  message: string,
): PolicyIssue {
  return { file, ...(positionIn(doc, lines, path) ?? {}), message };
}

/** Where each key path of a policy text is, for findings made after parsing (`config check`). */
export function policyLocator(text: string): (path: KeyPath) => { line: number; col: number } | null {
  const lines = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter: lines });
  return (path) => (doc.hasIn(path) ? positionIn(doc, lines, path) : null);
}

/** The path to the first own `__proto__` key in parsed YAML, or null. */
function protoKeyPath(value: unknown, path: Array<string | number>): Array<string | number> | null {
  if (value === null || typeof value !== 'object') return null;
  for (const [key, child] of Object.entries(value)) {
    const at = [...path, Array.isArray(value) ? Number(key) : key];
    if (key === '__proto__' && !Array.isArray(value)) return at;
    const found = protoKeyPath(child, at);
    if (found !== null) return found;
  }
  return null;
}

/** Problems the schema cannot see because they span keys: thresholds out of order, unknown default, duplicate zones. */
function crossKeyIssues(policy: Policy, doc: Document, lines: LineCounter, where: string): PolicyIssue[] {
  const found: PolicyIssue[] = [];
  if (policy.thresholds.waitAt > policy.thresholds.blockAt) {
    found.push(
      issueAt(
        doc,
        lines,
        where,
        ['thresholds', 'waitAt'],
        `"thresholds.waitAt" (${policy.thresholds.waitAt}) must not be above "thresholds.blockAt" (${policy.thresholds.blockAt}).`,
      ),
    );
  }
  if (!Object.hasOwn(policy.environments, policy.defaultEnvironment)) {
    found.push(
      issueAt(
        doc,
        lines,
        where,
        ['defaultEnvironment'],
        `"defaultEnvironment" is "${policy.defaultEnvironment}", which is not one of environments: ${Object.keys(policy.environments).join(', ')}.`,
      ),
    );
  }
  // A service's environments must be environments of the policy.
  for (const [name, service] of Object.entries(policy.services)) {
    const unknown = (service.environments ?? []).find((env) => !Object.hasOwn(policy.environments, env));
    if (unknown !== undefined)
      found.push(
        issueAt(
          doc,
          lines,
          where,
          ['services', name, 'environments'],
          `"services.${name}.environments" names "${unknown}", which is not one of environments: ${Object.keys(policy.environments).join(', ')}.`,
        ),
      );
  }
  // Zones are reported, gated and learnt from by name: two of one name would merge in every count.
  const firstOf = new Map<string, number>();
  policy.riskZones.forEach((zone, i) => {
    const first = firstOf.get(zone.name);
    if (first === undefined) firstOf.set(zone.name, i);
    else
      found.push(
        issueAt(
          doc,
          lines,
          where,
          ['riskZones', i, 'name'],
          `"riskZones[${i}].name": "${zone.name}" is already the name of riskZones[${first}]; zone names must be unique.`,
        ),
      );
  });
  return found;
}

/** Parses and validates policy text; every failure is a ConfigError naming file, line and key. */
export function parsePolicy(text: string, source: PolicySource): Policy {
  const where = describe(source);
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES) {
    throw new ConfigError(
      `${where}: the policy file is larger than ${MAX_POLICY_BYTES / 1024} KiB and was not read.`,
      'A policy is a short YAML file; check that --config points at the right file.',
    );
  }
  const lines = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), {
    lineCounter: lines,
    prettyErrors: true,
    uniqueKeys: true,
  });
  const first = doc.errors[0];
  if (first !== undefined) {
    const pos = first.linePos?.[0];
    const message = (first.message.split('\n')[0] ?? first.message).replace(
      / at line \d+, column \d+:?$/,
      '',
    );
    refuse([{ file: where, ...(pos ?? {}), message: `YAML syntax error: ${message}` }]);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    throw new ConfigError(
      `${where}: refused: the YAML expands too many aliases (${error instanceof Error ? error.message : String(error)}).`,
      `Policy files may use at most ${MAX_ALIASES} aliases; write the values out.`,
    );
  }
  // An empty file (or only comments) is refused rather than read as "all defaults": a policy truncated
  // by a failed step or a bad merge must not silently drop every gate.
  if (data === null || data === undefined) {
    throw new ConfigError(
      `${where}: the policy file is empty (no keys, at most comments).`,
      'Write at least `version: 1` (`deployadvisor init` writes a full one), or delete the file to use the defaults.',
    );
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(`${where}: expected a YAML mapping of policy keys at the top level.`);
  }
  // zod drops a `__proto__` key without a word (a JavaScript object cannot hold it): an environment
  // of that name would vanish. Refused, naming where it is.
  const proto = protoKeyPath(data, []);
  if (proto !== null) {
    refuse([
      issueAt(
        doc,
        lines,
        where,
        proto,
        `"${dotted(proto)}": a key named "__proto__" cannot be used (rename it).`,
      ),
    ]);
  }
  const result = policySchema.safeParse(data);
  if (!result.success) refuse(result.error.issues.map((issue) => describeIssue(issue, doc, lines, where)));
  const policy = result.data;
  const found = crossKeyIssues(policy, doc, lines, where);
  if (found.length > 0) refuse(found);
  return policy;
}
