import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalise, PathMapper, rewritePath } from '../../src/collect/coverage/path-map.js';

const repo = {
  files: new Set([
    'src/a.ts',
    'src/payments/charge.ts',
    'lib/util.py',
    'pkg/h.go',
    'src/main/java/com/acme/Pay.java',
    'web/src/a.ts',
    'docs/x.md',
  ]),
  symlinks: new Set(['src/link.ts']),
};

describe('normalise', () => {
  it.each([
    ['C:\\work\\app\\src\\a.ts', '/work/app/src/a.ts'],
    ['./src//a.ts', 'src/a.ts'],
    ['file:///repo/src/a.ts', '/repo/src/a.ts'],
    ['src/x/../a.ts', 'src/a.ts'],
    ['../outside/a.ts', '../outside/a.ts'],
    ['src/', 'src'],
    [' src/a.ts\t', 'src/a.ts'],
    ['.', ''],
    ['src/./a.ts', 'src/a.ts'],
    ['src/.hidden/a..ts', 'src/.hidden/a..ts'],
  ])('%s → %s', (input, output) => {
    expect(normalise(input)).toBe(output);
  });

  it('returns a path unchanged only when the full rewrite would too (fast-check)', () => {
    const piece = fc.constantFrom('a', 'src', '.', '..', '/', '\\', ' ', '\t', 'C:', 'file://', '.x', 'é');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const path = pieces.join('');
        expect(normalise(path)).toBe(rewritePath(path));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('PathMapper', () => {
  const mapper = (rules: Array<{ from: string; to: string }> = [], goModule: string | null = null) =>
    new PathMapper(repo, '/checkout/app', rules, goModule);

  it.each([
    ['relative to the repository', 'src/a.ts', 'src/a.ts'],
    ['absolute under the repository', '/checkout/app/src/a.ts', 'src/a.ts'],
    [
      'a GitHub Actions checkout root',
      '/home/runner/work/app/app/src/payments/charge.ts',
      'src/payments/charge.ts',
    ],
    ['a GitLab checkout root', '/builds/acme/app/lib/util.py', 'lib/util.py'],
    ['Windows separators and drive', 'D:\\a\\app\\app\\src\\payments\\charge.ts', 'src/payments/charge.ts'],
    ['a JaCoCo package path', 'com/acme/Pay.java', 'src/main/java/com/acme/Pay.java'],
    ['the longest suffix wins', '/x/web/src/a.ts', 'web/src/a.ts'],
  ])('%s', (_name, reportPath, expected) => {
    expect(mapper().map(reportPath, '')).toEqual({ kind: 'mapped', path: expected });
  });

  it('joins Cobertura <source> roots from another machine before suffix matching; roots are per report', () => {
    const m = mapper();
    m.addRoot('/home/runner/work/app/app/src/payments');
    expect(m.map('charge.ts', '')).toEqual({ kind: 'mapped', path: 'src/payments/charge.ts' });
    m.startReport();
    expect(m.map('charge.ts', '')).toEqual({ kind: 'unmatched' });
  });

  it("dependencies and bare names never stand in for the repository's own files", () => {
    const withRoot = new PathMapper(
      { files: new Set(['index.js', 'src/util.js']), symlinks: new Set() },
      '/checkout/app',
      [],
      null,
    );
    expect(withRoot.map('/ci/app/node_modules/lodash/index.js', '')).toEqual({ kind: 'unmatched' });
    expect(withRoot.map('/ci/app/node_modules/lodash/src/util.js', '')).toEqual({ kind: 'unmatched' });
    expect(withRoot.map('/ci/app/src/util.js', '')).toEqual({ kind: 'mapped', path: 'src/util.js' });
  });

  it('strips the Go module path from go.mod', () => {
    expect(mapper([], 'github.com/acme/web').map('github.com/acme/web/pkg/h.go', '')).toEqual({
      kind: 'mapped',
      path: 'pkg/h.go',
    });
  });

  it('resolves against Cobertura <source> roots and the report directory', () => {
    const m = mapper();
    m.addRoot('/checkout/app/src/payments');
    expect(m.map('charge.ts', '')).toEqual({ kind: 'mapped', path: 'src/payments/charge.ts' });
    expect(mapper().map('util.py', 'lib')).toEqual({ kind: 'mapped', path: 'lib/util.py' });
  });

  it('applies coverage.pathMap rules first', () => {
    expect(mapper([{ from: '/app/', to: 'web/' }]).map('/app/src/a.ts', '')).toEqual({
      kind: 'mapped',
      path: 'web/src/a.ts',
    });
  });

  it('refuses paths that leave the repository and symlinks; reports the rest as unmatched', () => {
    expect(mapper().map('../../etc/passwd', '')).toMatchObject({ kind: 'refused' });
    expect(mapper().map('src/link.ts', '')).toMatchObject({
      kind: 'refused',
      reason: 'src/link.ts is a symlink',
    });
    expect(mapper().map('/somewhere/else/nothing.ts', '')).toEqual({ kind: 'unmatched' });
    // a bare file name that exists in two places is ambiguous, not guessed
    expect(mapper().map('a.ts', '')).toEqual({ kind: 'unmatched' });
  });
});
