import { isCodePath } from './change-kind.js';
import { sizeMeasures } from './factors/size.js';

/**
 * The change-history features of the risk model, each measured strictly from what happened before the
 * change (no look-ahead), and normalised per repository as the share of the repository's own earlier
 * changes it exceeds ("touches more code files than 94% of changes here"). Kamei et al. (TSE 2013)
 * name most of them; docs/model.md says which carried signal on which histories.
 */
export const CHANGE_FEATURES = [
  'codeFiles',
  'linesAdded',
  'linesDeleted',
  'entropy',
  'directories',
  'recentChanges',
  'pastFixes',
  'daysSinceTouched',
  'authorChanges',
  'fix',
] as const;
export type ChangeFeature = (typeof CHANGE_FEATURES)[number];

/** What each feature measures, for evidence lines: "touches more code files than 94% of changes here". */
export const FEATURE_NOUNS: Record<ChangeFeature, string> = {
  codeFiles: 'code files touched',
  linesAdded: 'code lines added',
  linesDeleted: 'code lines deleted',
  entropy: 'spread of the change over its files (entropy)',
  directories: 'directories touched',
  recentChanges: 'changes to the same files in the 30 days before',
  pastFixes: 'earlier fix commits on the same files',
  daysSinceTouched: 'days since the files last changed',
  authorChanges: "author's earlier changes here",
  fix: 'the change says it fixes something',
};

/** Features kept as 0/1 instead of a percentile. */
const BINARY = new Set<ChangeFeature>(['fix']);

export const RECENT_DAYS = 30;
const DAY = 86_400_000;

/** One commit as the feature walk needs it. */
export interface ChangeInput {
  sha: string;
  /** Committer time, epoch ms. */
  at: number;
  author: string;
  fix: boolean;
  files: ReadonlyArray<{ path: string; oldPath?: string; added: number | null; deleted: number | null }>;
}

/**
 * An empirical distribution over non-negative values in log-spaced buckets (eight per doubling):
 * O(1) to add, O(buckets) to ask, and the same answer whatever order ties arrive in.
 */
export class Ecdf {
  private readonly counts = new Float64Array(260);
  total = 0;

  /** Its counts, to store (ChangeHistory.state). */
  state(): number[] {
    return [...this.counts];
  }

  static from(counts: readonly number[]): Ecdf {
    const ecdf = new Ecdf();
    counts.slice(0, ecdf.counts.length).forEach((count, i) => {
      ecdf.counts[i] = count;
      ecdf.total += count;
    });
    return ecdf;
  }

  private static bucket(value: number): number {
    if (!(value > 0)) return 0;
    return Math.min(259, 1 + Math.floor(8 * Math.log2(1 + value)));
  }

  add(value: number): void {
    const b = Ecdf.bucket(value);
    this.counts[b] = (this.counts[b] ?? 0) + 1;
    this.total += 1;
  }

  /** The share of earlier values below `value`, ties counting half; 0.5 with no history. */
  percentile(value: number): number {
    if (this.total === 0) return 0.5;
    const b = Ecdf.bucket(value);
    let below = 0;
    for (let i = 0; i < b; i++) below += this.counts[i] ?? 0;
    return (below + 0.5 * (this.counts[b] ?? 0)) / this.total;
  }
}

export interface FileState {
  last: number;
  /** Change times in the last RECENT_DAYS before the newest change seen (oldest first). */
  recent: number[];
  fixes: number;
}

export interface MeasuredChange {
  raw: Record<ChangeFeature, number>;
  /** Percentiles against the repository's earlier changes (0/1 for binary features), in CHANGE_FEATURES order. */
  x: number[];
}

/**
 * Walks a repository's changes oldest first. `measure` reads the state built from earlier changes only;
 * `add` then folds the change in. Changes that are not scored (reverts, empty commits) are still added,
 * since they change the files' history.
 */
/** A ChangeHistory as plain data (JSON), to cache what folding the earlier changes gave. */
export interface HistoryState {
  files: Array<[string, FileState]>;
  authors: Array<[string, number]>;
  ecdfs: Array<[ChangeFeature, number[]]>;
}

export class ChangeHistory {
  private readonly files = new Map<string, FileState>();
  private readonly authors = new Map<string, number>();
  private readonly ecdfs = new Map<ChangeFeature, Ecdf>(CHANGE_FEATURES.map((f) => [f, new Ecdf()]));

  state(): HistoryState {
    return {
      files: [...this.files].map(([path, file]) => [path, { ...file, recent: [...file.recent] }]),
      authors: [...this.authors],
      ecdfs: [...this.ecdfs].map(([feature, ecdf]) => [feature, ecdf.state()]),
    };
  }

  static from(state: HistoryState): ChangeHistory {
    const history = new ChangeHistory();
    for (const [path, file] of state.files) history.files.set(path, { ...file, recent: [...file.recent] });
    for (const [author, count] of state.authors) history.authors.set(author, count);
    for (const [feature, counts] of state.ecdfs) history.ecdfs.set(feature, Ecdf.from(counts));
    return history;
  }

  /** The raw features of a change as its history stood just before it. */
  raw(change: ChangeInput): Record<ChangeFeature, number> {
    const code = change.files.filter((file) => isCodePath(file.path));
    const size = sizeMeasures(code);
    let recentChanges = 0;
    let pastFixes = 0;
    let newest: number | null = null;
    for (const file of code) {
      const state = this.files.get(file.oldPath ?? file.path) ?? this.files.get(file.path);
      if (state === undefined) continue;
      for (
        let i = state.recent.length - 1;
        i >= 0 && change.at - (state.recent[i] ?? 0) <= RECENT_DAYS * DAY;
        i--
      )
        recentChanges += 1;
      pastFixes += state.fixes;
      if (newest === null || state.last > newest) newest = state.last;
    }
    return {
      codeFiles: size.files,
      linesAdded: size.added,
      linesDeleted: size.deleted,
      entropy: size.entropy,
      directories: size.directories,
      recentChanges,
      pastFixes,
      // New files only: code written just now, as fresh as it gets.
      daysSinceTouched: newest === null ? 0 : Math.max(0, (change.at - newest) / DAY),
      authorChanges: this.authors.get(change.author) ?? 0,
      fix: change.fix ? 1 : 0,
    };
  }

  /** Percentiles of raw features against the changes added so far. */
  normalise(raw: Record<ChangeFeature, number>): number[] {
    return CHANGE_FEATURES.map((feature) =>
      BINARY.has(feature)
        ? raw[feature]
        : // Entropy lives in [0, 1]: spread it over the buckets.
          (this.ecdfs.get(feature)?.percentile(feature === 'entropy' ? raw[feature] * 1000 : raw[feature]) ??
          0.5),
    );
  }

  measure(change: ChangeInput): MeasuredChange {
    const raw = this.raw(change);
    return { raw, x: this.normalise(raw) };
  }

  /** Folds a change into the history; `raw` (when it was measured) joins the distributions. */
  add(change: ChangeInput, raw: Record<ChangeFeature, number> | null): void {
    if (raw !== null) {
      for (const feature of CHANGE_FEATURES) {
        if (BINARY.has(feature)) continue;
        this.ecdfs.get(feature)?.add(feature === 'entropy' ? raw[feature] * 1000 : raw[feature]);
      }
    }
    for (const file of change.files) {
      if (!isCodePath(file.path)) continue;
      const previous = file.oldPath === undefined ? undefined : this.files.get(file.oldPath);
      const state = this.files.get(file.path) ?? previous ?? { last: change.at, recent: [], fixes: 0 };
      if (file.oldPath !== undefined) this.files.delete(file.oldPath);
      state.last = Math.max(state.last, change.at);
      state.recent.push(change.at);
      while (state.recent.length > 0 && change.at - (state.recent[0] ?? 0) > RECENT_DAYS * DAY)
        state.recent.shift();
      if (change.fix) state.fixes += 1;
      this.files.set(file.path, state);
    }
    this.authors.set(change.author, (this.authors.get(change.author) ?? 0) + 1);
  }
}
