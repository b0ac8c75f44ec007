// Policy text to a validated Policy. Kept apart from load.ts, which imports this module only when
// there is policy text to parse: yaml takes tens of milliseconds to import.
import { LineCounter, parseDocument, isMap, isPair, isScalar, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { MAX_POLICY_BYTES, type PolicySource } from './source.js';
import { policySchema, type Policy } from './schema.js';
import { suggestKey, validKeysAt } from './suggest.js';

/** A real policy needs few YAML aliases; many is a "billion laughs" attack. */
const MAX_ALIASES = 50;

function describe(source: PolicySource): string {
  return source.ref === null ? (source.path ?? 'policy') : `${source.ref}:${source.path ?? ''}`;
}

function formatIssue(
  issue: z.core.$ZodIssue,
  doc: Document,
  lines: LineCounter,
  where: string,
): { message: string; hint?: string } {
  const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
  const at = (keyPath: Array<string | number>, key?: string): string => {
    // A missing key has no position of its own: point at the mapping that lacks it.
    const node = keyPath.length === 0 ? doc.contents : doc.getIn(keyPath, true);
    let offset: number | undefined;
    if (key !== undefined && isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
      if (pair !== undefined && isScalar(pair.key)) offset = pair.key.range?.[0];
    } else if (node !== null && typeof node === 'object' && 'range' in node) {
      offset = (node as { range?: [number, number, number] }).range?.[0];
    }
    if (offset === undefined)
      return keyPath.length > 0 && key === undefined ? at(keyPath.slice(0, -1)) : where;
    const pos = lines.linePos(offset);
    return `${where}:${pos.line}:${pos.col}`;
  };
  const dotted = (parts: Array<string | number>) =>
    parts.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');

  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const valid = validKeysAt(policySchema, path);
    const suggestion = suggestKey(key, valid);
    const full = dotted([...path, key]);
    return {
      message: `${at(path, key)}: unknown key "${full}".`,
      hint:
        (suggestion === null ? '' : `Did you mean "${dotted([...path, suggestion])}"? `) +
          (valid.length > 0 ? `Valid keys here: ${valid.join(', ')}.` : '') || undefined,
    };
  }
  const key = path.length === 0 ? '(top level)' : dotted(path);
  let expected = issue.message;
  if (issue.code === 'invalid_type') {
    expected = `expected ${issue.expected}`;
    const node = doc.getIn(path, true);
    if (node === undefined) expected += ', but the key is missing';
  }
  return { message: `${at(path)}: "${key}": ${expected}.` };
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
    const loc = pos === undefined ? where : `${where}:${pos.line}:${pos.col}`;
    const message = (first.message.split('\n')[0] ?? first.message).replace(
      / at line \d+, column \d+:?$/,
      '',
    );
    throw new ConfigError(`${loc}: YAML syntax error: ${message}`);
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
    const issue = {
      code: 'custom',
      path: proto,
      message: 'a key named "__proto__" cannot be used (rename it)',
      input: undefined,
    } as z.core.$ZodIssue;
    throw new ConfigError(formatIssue(issue, doc, lines, where).message);
  }
  const result = policySchema.safeParse(data);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => formatIssue(issue, doc, lines, where));
    const [head, ...rest] = issues;
    if (head === undefined) throw new ConfigError(`${where}: invalid policy.`);
    const more = rest
      .map((issue) => `\n  ${issue.message}${issue.hint === undefined ? '' : ` ${issue.hint}`}`)
      .join('');
    throw new ConfigError(`${head.message}${more}`, head.hint);
  }
  const policy = result.data;
  if (policy.thresholds.waitAt > policy.thresholds.blockAt) {
    throw new ConfigError(
      `${where}: "thresholds.waitAt" (${policy.thresholds.waitAt}) must not be above "thresholds.blockAt" (${policy.thresholds.blockAt}).`,
    );
  }
  if (!Object.hasOwn(policy.environments, policy.defaultEnvironment)) {
    throw new ConfigError(
      `${where}: "defaultEnvironment" is "${policy.defaultEnvironment}", which is not one of environments: ${Object.keys(policy.environments).join(', ')}.`,
    );
  }
  checkServices(policy, where);
  return policy;
}

/** A service's environments must be environments of the policy. */
function checkServices(policy: Policy, where: string): void {
  for (const [name, service] of Object.entries(policy.services)) {
    const unknown = (service.environments ?? []).find((env) => !Object.hasOwn(policy.environments, env));
    if (unknown !== undefined)
      throw new ConfigError(
        `${where}: "services.${name}.environments" names "${unknown}", which is not one of environments: ${Object.keys(policy.environments).join(', ')}.`,
      );
  }
}
