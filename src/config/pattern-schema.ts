import { createRequire } from 'node:module';
import { z } from 'zod';

/** Globs and regular expressions from the policy, checked when it loads: short, and cheap to match. */

/** Longest policy glob. */
export const MAX_GLOB_LENGTH = 500;

/** Most `*` wildcards one path segment of a glob may hold (each one multiplies the matching work). */
export const MAX_SEGMENT_STARS = 3;

/**
 * Why a glob could make matching slow, or null. picomatch compiles `*a*a*a*b` to one backtracking
 * regex whose time grows as the segment length to the power of its stars (seconds at four stars on a
 * 200-character name, forever at ten), and extglobs such as `+(a|aa)` nest repetitions.
 */
export function slowGlob(glob: string): string | null {
  if (/[*+@!?]\(/.test(glob)) return 'extglob groups such as +(…) or *(…) can nest repetitions';
  for (const segment of glob.split('/')) {
    if (segment === '**') continue;
    const stars = segment.replace(/\*\*/g, '*').split('*').length - 1;
    if (stars > MAX_SEGMENT_STARS)
      return `the segment "${segment}" has ${stars} * wildcards; at most ${MAX_SEGMENT_STARS} per segment keep matching fast`;
  }
  return null;
}

/** A policy glob (picomatch), checked when the policy loads: short, and cheap to match on any path. */
export const glob = (what: string) =>
  z
    .string()
    .min(1)
    .max(MAX_GLOB_LENGTH, `expected a glob of at most ${MAX_GLOB_LENGTH} characters`)
    .superRefine((value, ctx) => {
      const why = slowGlob(value);
      if (why !== null)
        ctx.addIssue({ code: 'custom', message: `glob "${value}" could take very long to match: ${why}` });
    })
    .describe(what);

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'i');
    return true;
  } catch {
    return false;
  }
}

/** Longest user pattern: a marker or a migration rule is a few words, not a program. */
export const MAX_PATTERN_LENGTH = 500;

let safeRegex: ((pattern: string) => boolean) | undefined;

/**
 * False for a pattern that can backtrack catastrophically (ReDoS): a repetition inside a repetition
 * such as `(a+)+$` (star height above 1), or more than 25 repetitions. safe-regex2 decides; it loads
 * the first time a policy has a pattern, so startup without one does not pay for it.
 */
function linear(pattern: string): boolean {
  safeRegex ??= createRequire(import.meta.url)('safe-regex2') as (pattern: string) => boolean;
  return !compiles(pattern) || safeRegex(pattern);
}

/**
 * A user-supplied regular expression, checked when the policy loads rather than ignored later (so
 * `config check` and `plan` both refuse it): valid, short, and free of nested repetition.
 */
export const regex = (what: string) =>
  z
    .string()
    .min(1)
    .max(MAX_PATTERN_LENGTH, `expected a regular expression of at most ${MAX_PATTERN_LENGTH} characters`)
    .refine(compiles, 'expected a valid regular expression (JavaScript syntax)')
    .refine(linear, {
      error: (issue) =>
        `pattern "${String(issue.input)}" can take exponential time on some inputs (ReDoS: a repetition inside a repetition, or more than 25 repetitions); expected one without nested repetition, e.g. a+$ rather than (a+)+$`,
    })
    .describe(what);
