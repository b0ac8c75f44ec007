/**
 * What kind of file a path is, and whether a commit message says it fixes something. The risk model
 * counts **code** files: tests, docs, lock files, vendored and generated files change often and rarely
 * break production, and on real histories the count of code files touched is the one feature above
 * chance on reverts everywhere (docs/model.md).
 */

export const PATH_KINDS = ['code', 'test', 'docs', 'deps', 'vendored', 'generated', 'ci'] as const;
export type PathKind = (typeof PATH_KINDS)[number];

const DOCS =
  /(?:^|\/)(?:docs?|documentation)\/|\.(?:md|mdx|markdown|rst|adoc|txt|png|jpe?g|gif|svg|ico|webp)$|(?:^|\/)(?:LICEN[CS]E|COPYING|CHANGELOG|CHANGES|HISTORY|AUTHORS|CONTRIBUTORS|CONTRIBUTING|CODE_OF_CONDUCT|README|NOTICE|SECURITY)(?:\.[^/]*)?$/i;
const DEPS =
  /(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|Cargo\.lock|go\.sum|poetry\.lock|uv\.lock|Pipfile\.lock|Gemfile\.lock|composer\.lock|gradle\.lockfile|packages\.lock\.json|flake\.lock|mix\.lock|pubspec\.lock|Package\.resolved)$/;
const VENDORED = /(?:^|\/)(?:vendor|vendored|third_party|third-party|node_modules|bower_components)\//;
const GENERATED =
  /\.min\.(?:js|css)$|\.map$|\.pb\.go$|_pb2(?:_grpc)?\.pyi?$|\.pb\.(?:cc|h)$|\.generated\.[^/]+$|_generated\.[^/]+$|\.g\.dart$|\.snap$|(?:^|\/)__snapshots__\/|(?:^|\/)(?:dist|build)\//;
const TEST =
  /(?:^|\/)(?:__tests__|__mocks__|tests?|specs?|testing|testdata|test-data|fixtures?|e2e|playground|benchmarks?)\/|[._-](?:test|spec)s?\.[^/]+$|_test\.(?:go|py|rb|exs?)$|(?:^|\/)test_[^/]+\.py$|(?:^|\/)conftest\.py$|(?:Tests?|Spec|IT)\.(?:java|kt|scala|cs|swift|groovy)$/i;
const CI =
  /^\.(?:github|circleci|gitlab|buildkite|husky|devcontainer)\/|^\.gitlab-ci\.yml$|^\.travis\.yml$|^appveyor\.yml$|^azure-pipelines\.yml$|^Jenkinsfile$|(?:^|\/)\.(?:eslintrc|prettierrc|editorconfig|gitignore|gitattributes|npmignore|prettierignore|eslintignore)[^/]*$|(?:^|\/)(?:\.?renovate|dependabot)\.json5?$/i;

/** The kind of file a path names; first match wins, in the order the model trusts least to most. */
export function pathKind(path: string): PathKind {
  if (DEPS.test(path)) return 'deps';
  if (VENDORED.test(path)) return 'vendored';
  if (GENERATED.test(path)) return 'generated';
  if (CI.test(path)) return 'ci';
  if (TEST.test(path)) return 'test';
  if (DOCS.test(path)) return 'docs';
  return 'code';
}

export function isCodePath(path: string): boolean {
  return pathKind(path) === 'code';
}

const FIX_WORDS =
  /\b(?:fix(?:e[sd]|ing)?|bug(?:s|fix(?:es)?)?|regressions?|hot-?fix(?:es)?|broken|defects?|faults?)\b/i;
/**
 * Fixes whose object changes no behaviour — a typo, lint, docs, tests, CI, the build or a dependency —
 * are not evidence of a defect. Only the object of the fix counts: "fix: wrong version in TLS handshake"
 * and "Fix crash when style attribute is empty" are fixes.
 */
const NOT_A_DEFECT =
  /\bfix(?:e[sd]|ing)?\s+(?:(?:a|an|the|some|more|few|minor|small|broken|failing|flaky)\s+)*(?:typos?|spelling|lint(?:ing|er)?|eslint|prettier|clippy|rustfmt|gofmt|formatting|whitespace|docs?|documentation|readme|comments?|changelog|tests?|specs?|ci|build|workflows?|deps|dependenc(?:y|ies)|links?)\b|\b(?:typos?|lint(?:ing)?|flaky tests?|ci failures?|bump(?:s|ed)?)\b/i;
const CONVENTIONAL = /^([a-z]+)(?:\(([^)]*)\))?!?:/i;
const NON_CODE_TYPES = new Set([
  'docs',
  'doc',
  'test',
  'tests',
  'ci',
  'build',
  'chore',
  'style',
  'deps',
  'release',
  'lint',
  'typo',
]);

/**
 * True when a commit subject says it fixes a defect ("fix: …", "Fix crash when …", "hotfix", "regression
 * in …") and not a typo, lint, docs, tests, CI or a dependency bump. The SZZ labels start from these.
 */
export function isFixSubject(subject: string): boolean {
  const conventional = CONVENTIONAL.exec(subject);
  if (conventional !== null) {
    const type = (conventional[1] ?? '').toLowerCase();
    const scope = (conventional[2] ?? '').toLowerCase();
    if (NON_CODE_TYPES.has(type) || NON_CODE_TYPES.has(scope)) return false;
    const rest = subject.slice(conventional[0].length);
    if (type === 'fix' || type === 'bugfix' || type === 'hotfix') return !NOT_A_DEFECT.test(rest);
    if (type !== 'perf' && type !== 'refactor' && type !== 'revert')
      return FIX_WORDS.test(rest) && !NOT_A_DEFECT.test(rest);
    return false;
  }
  if (/^(?:Revert|Reapply|Merge)\b/.test(subject)) return false;
  return FIX_WORDS.test(subject) && !NOT_A_DEFECT.test(subject);
}
