// Policy problems in plain words, each at a line of the file: zod's own wording never reaches the user.
import { isMap, isPair, isScalar, type Document, type LineCounter } from 'yaml';
import type { z } from 'zod';
import type { PolicyIssue } from '../errors.js';
import { dotted } from './issue-text.js';
import { policySchema } from './schema.js';
import { suggestKey, validKeysAt } from './suggest.js';

export type KeyPath = Array<string | number>;

/**
 * Line and column of a key path in the document: the key itself when `key` is given, else the value;
 * a path that is not in the document points at the nearest mapping that holds it.
 */
export function positionIn(
  doc: Document,
  lines: LineCounter,
  keyPath: KeyPath,
  key?: string,
): { line: number; col: number } | null {
  const node = keyPath.length === 0 ? doc.contents : doc.getIn(keyPath, true);
  let offset: number | undefined;
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
    if (pair !== undefined && isScalar(pair.key)) offset = pair.key.range?.[0];
  } else if (node !== null && typeof node === 'object' && 'range' in node) {
    offset = (node as { range?: [number, number, number] }).range?.[0];
  }
  if (offset === undefined)
    return keyPath.length > 0 && key === undefined ? positionIn(doc, lines, keyPath.slice(0, -1)) : null;
  return lines.linePos(offset);
}

const NOUNS: Record<string, string> = {
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping of keys',
  int: 'a whole number',
  record: 'a mapping of keys',
};

function nounOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string "${value}"`;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : 'another kind of value';
}

const shown = (value: unknown) => (typeof value === 'string' ? `"${value}"` : String(value));

function sizeWords(origin: string, bound: number | bigint, at: 'least' | 'most'): string {
  if (origin === 'string')
    return bound === 1 && at === 'least' ? 'must not be empty' : `must have at ${at} ${bound} characters`;
  if (origin === 'array' || origin === 'set')
    return bound === 1 && at === 'least'
      ? 'must list at least one item'
      : `must have at ${at} ${bound} items`;
  return `must be at ${at} ${bound}`;
}

/** What the schema expected, in words ("must be 1", "must be a number, not the string "x""). */
export function expectation(issue: z.core.$ZodIssue, value: unknown, present: boolean): string {
  // Our own refinements and custom errors say what they expect in plain words already.
  const own = !/^(Invalid|Too (small|big))\b/.test(issue.message);
  if (!present && issue.code !== 'invalid_type')
    return own ? `is required (${issue.message})` : 'is required';
  if (own) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      if (!present) return `is required (${NOUNS[issue.expected] ?? issue.expected})`;
      return `must be ${NOUNS[issue.expected] ?? issue.expected}, not ${nounOf(value)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${shown(issue.values[0])}`
        : `must be one of ${issue.values.map(shown).join(', ')}`;
    case 'too_small':
      return issue.inclusive === false
        ? `must be more than ${issue.minimum}`
        : sizeWords(issue.origin, issue.minimum, 'least');
    case 'too_big':
      return issue.inclusive === false
        ? `must be less than ${issue.maximum}`
        : sizeWords(issue.origin, issue.maximum, 'most');
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'invalid_format':
      return `must be a valid ${issue.format}`;
    case 'invalid_union':
      return 'is not any of the accepted forms (see docs/policy.md)';
    default:
      return issue.message.replace(/^Invalid (input|option|value): /, 'must be ');
  }
}

/** One zod issue as a located, plain-words problem. */
export function describeIssue(
  issue: z.core.$ZodIssue,
  doc: Document,
  lines: LineCounter,
  file: string,
): PolicyIssue {
  const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const valid = validKeysAt(policySchema, path);
    const suggestion = suggestKey(key, valid);
    const hint =
      (suggestion === null ? '' : `Did you mean "${dotted([...path, suggestion])}"? `) +
      (valid.length > 0 ? `Valid keys here: ${valid.join(', ')}.` : '');
    return {
      file,
      ...positionIn(doc, lines, path, key),
      message: `unknown key "${dotted([...path, key])}".`,
      ...(hint === '' ? {} : { hint }),
    };
  }
  const key = path.length === 0 ? '(top level)' : dotted(path);
  const node = doc.getIn(path, true);
  const value = path.length === 0 ? undefined : doc.getIn(path);
  const words = expectation(issue, value, node !== undefined);
  // Our own messages are whole clauses ("expected ...", "pattern ... can take"): key, colon, clause.
  const message = /^(must|is) /.test(words) ? `"${key}" ${words}.` : `"${key}": ${words}.`;
  return { file, ...positionIn(doc, lines, path), message };
}
