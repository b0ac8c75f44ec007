// How policy problems read (file:line:col, line order, one error for several): no YAML parser or schema
// here, so the commands that print them load neither.
import { ConfigError, type PolicyIssue } from '../errors.js';

/** `riskZones[0].paths`: a key path as the user would write it. */
export function dotted(parts: readonly (string | number)[]): string {
  return parts
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

/** "file:line:col: message", or "file: message" where no line is known. */
export function locatedText(issue: PolicyIssue): string {
  const at = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.col ?? 1}`;
  return `${at}: ${issue.level === 'warning' ? 'warning: ' : ''}${issue.message}`;
}

/** Problems in line order (those without a line last), so the file reads top to bottom. */
export function inLineOrder(issues: readonly PolicyIssue[]): PolicyIssue[] {
  return [...issues].sort(
    (a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.col ?? 0) - (b.col ?? 0),
  );
}

/**
 * One ConfigError for several problems: errors first in line order, the first leading, then warnings,
 * each on its own line with its hint.
 */
export function policyError(found: readonly PolicyIssue[]): ConfigError {
  const ordered = inLineOrder(found);
  const issues = [
    ...ordered.filter((issue) => issue.level !== 'warning'),
    ...ordered.filter((issue) => issue.level === 'warning'),
  ];
  const [head, ...rest] = issues;
  if (head === undefined) return new ConfigError('invalid policy.');
  const more = rest
    .map((issue) => `\n  ${locatedText(issue)}${issue.hint === undefined ? '' : ` ${issue.hint}`}`)
    .join('');
  return new ConfigError(`${locatedText(head)}${more}`, head.hint, issues);
}
