/**
 * Maps the paths coverage reports use to paths in the repository: relative or absolute, Windows `\`,
 * CI checkout roots, Cobertura `<source>` roots, Go import paths (via go.mod) and `coverage.pathMap`.
 * Only files tracked in the target tree qualify, so a path can never escape the repository, and
 * symlinks are refused.
 */

export interface PathMapRule {
  from: string;
  to: string;
}

export interface RepoFiles {
  /** Tracked regular files of the target tree. */
  files: ReadonlySet<string>;
  /** Tracked symlinks: reports pointing at them are refused. */
  symlinks: ReadonlySet<string>;
}

export type MapResult =
  { kind: 'mapped'; path: string } | { kind: 'unmatched' } | { kind: 'refused'; reason: string };

/** What `normalise` would change: `.`/`..` segments, `\\`, `//`, a trailing `/`, spaces, file://, C:/. */
const NOT_NORMAL = /(?:^|\/)\.\.?(?:\/|$)|\\|\/\/|\/$|^\s|\s$|^file:\/\/|^[A-Za-z]:\//;

/** A report path as a `/`-separated path without `.`, `..` (where it can), drive letters or file://. */
export function normalise(path: string): string {
  // Most report paths are already normal; huge reports name thousands of them.
  return NOT_NORMAL.test(path) ? rewritePath(path) : path;
}

/** What `normalise` does to a path that needs it (exported so a test can hold the shortcut to it). */
export function rewritePath(path: string): string {
  let p = path
    .trim()
    .replace(/^file:\/\//, '')
    .replaceAll('\\', '/');
  p = p.replace(/^[A-Za-z]:(?=\/)/, '');
  p = p.replace(/\/{2,}/g, '/');
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '.' || (part === '' && parts.length > 0)) continue;
    if (part === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..' && parts[parts.length - 1] !== '') parts.pop();
      else parts.push('..');
      continue;
    }
    parts.push(part);
  }
  return parts.join('/');
}

export class PathMapper {
  private readonly byName = new Map<string, string[]>();
  private readonly cache = new Map<string, MapResult>();
  private readonly roots: string[] = [];
  private readonly root: string;

  constructor(
    private readonly repo: RepoFiles,
    repoRoot: string,
    private readonly rules: readonly PathMapRule[],
    private readonly goModule: string | null,
  ) {
    this.root = normalise(repoRoot);
    for (const file of repo.files) {
      const name = file.slice(file.lastIndexOf('/') + 1);
      const list = this.byName.get(name);
      if (list === undefined) this.byName.set(name, [file]);
      else list.push(file);
    }
  }

  /** Each report has its own <source> roots: start afresh (the path index is kept). */
  startReport(): void {
    this.roots.length = 0;
    this.cache.clear();
  }

  /**
   * The longest tracked path that ends `full` at a segment boundary. A tracked file at the repository
   * root needs more than its bare name to match, and dependency folders never match the repo's own
   * files, so /ci/app/node_modules/lodash/index.js does not count for ./index.js.
   */
  private longestSuffix(full: string): string | null {
    const name = full.slice(full.lastIndexOf('/') + 1);
    const foreign = /(?:^|\/)(?:node_modules|vendor|site-packages|\.venv|bower_components)\//.test(full);
    let best: string | null = null;
    for (const file of this.byName.get(name) ?? []) {
      if (full !== file && !full.endsWith(`/${file}`)) continue;
      if (full !== file && !file.includes('/')) continue;
      if (foreign && !/(?:^|\/)(?:node_modules|vendor|site-packages|\.venv|bower_components)\//.test(file))
        continue;
      if (best === null || file.length > best.length) best = file;
    }
    return best;
  }

  addRoot(root: string): void {
    const normal = normalise(root);
    if (normal !== '' && !this.roots.includes(normal)) this.roots.push(normal);
  }

  map(reportPath: string, reportDir: string): MapResult {
    const key = `${reportDir}\0${reportPath}`;
    let result = this.cache.get(key);
    if (result === undefined) {
      result = this.resolve(reportPath, reportDir);
      this.cache.set(key, result);
    }
    return result;
  }

  private accept(candidate: string): MapResult | null {
    if (candidate.startsWith('../') || candidate === '..' || candidate.startsWith('/')) return null;
    if (this.repo.symlinks.has(candidate)) return { kind: 'refused', reason: `${candidate} is a symlink` };
    return this.repo.files.has(candidate) ? { kind: 'mapped', path: candidate } : null;
  }

  private resolve(reportPath: string, reportDir: string): MapResult {
    let path = normalise(reportPath);
    for (const rule of this.rules) {
      const from = normalise(rule.from);
      if (from !== '' && (path === from || path.startsWith(from.endsWith('/') ? from : `${from}/`))) {
        path = normalise(`${rule.to}/${path.slice(from.length)}`);
        break;
      }
    }
    const root = this.root;
    const candidates: string[] = [];
    if (path.startsWith(`${root}/`)) candidates.push(path.slice(root.length + 1));
    if (this.goModule !== null && path.startsWith(`${this.goModule}/`))
      candidates.push(path.slice(this.goModule.length + 1));
    candidates.push(path);
    for (const source of this.roots) {
      const base = source.startsWith(`${root}/`)
        ? source.slice(root.length + 1)
        : source === root
          ? ''
          : source;
      candidates.push(normalise(base === '' ? path : `${base}/${path}`));
    }
    if (reportDir !== '') candidates.push(normalise(`${reportDir}/${path}`));
    for (const candidate of candidates) {
      const accepted = this.accept(candidate);
      if (accepted !== null) return accepted;
    }
    if (path.split('/').includes('..'))
      return { kind: 'refused', reason: `${reportPath} leaves the repository` };
    // CI checkouts (/home/runner/work/app/app/src/x.ts, /builds/group/app/src/x.ts, C:\a\app\src\x.ts),
    // also after joining a <source> root: the longest tracked path that is a whole-segment suffix.
    const absolute = [path, ...this.roots.map((source) => normalise(`${source}/${path}`))];
    for (const full of absolute) {
      const best = this.longestSuffix(full);
      if (best !== null) return this.accept(best) ?? { kind: 'unmatched' };
    }
    // Package-relative paths (JaCoCo com/acme/A.java, Go pkg/x.go): a tracked path ending with the whole
    // report path, when exactly one does.
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (path.includes('/')) {
      const found = (this.byName.get(name) ?? []).filter((file) => file.endsWith(`/${path}`));
      if (found.length === 1 && found[0] !== undefined) return this.accept(found[0]) ?? { kind: 'unmatched' };
    }
    return { kind: 'unmatched' };
  }
}
