import picomatch from 'picomatch';

/**
 * The one way policy globs (risk zones, lowRiskPaths, migrations.paths) are compiled: every real path
 * must be matchable, so dotfiles count (`dot: true`) and a path holding a newline still matches `*` and
 * `**` (the `s` flag; git allows any byte but NUL in a path, and a zone that a newline escapes is a
 * wrong GO).
 */
export function pathMatcher(patterns: string | readonly string[]): (path: string) => boolean {
  const list = typeof patterns === 'string' ? [patterns] : [...patterns];
  if (list.length === 0) return () => false;
  return picomatch(list, { dot: true, flags: 's' });
}
