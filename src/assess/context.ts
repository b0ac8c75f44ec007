import { pathMatcher } from './path-globs.js';
import type { FactorId } from '../config/model-schema.js';
import type { Policy, RiskLevel, RiskZone } from '../config/schema.js';
import { findAiMarkers, type AiMarker } from './ai-attribution.js';
import type { CommitFacts, DiffFile, FileChange, GitFacts } from './facts.js';
import { byText } from './text.js';

export const RISK_POINTS: Record<RiskLevel, number> = { critical: 100, high: 70, medium: 40, low: 15 };

export const DEFAULT_WEIGHTS: Record<FactorId, number> = {
  zones: 30,
  size: 20,
  ai: 20,
  tests: 15,
  review: 15,
  migrations: 30,
  history: 15,
};

/** The factor maxima in force: defaults, then `weights:`, then a calibrated `model:` (newest wins). */
export function effectiveWeights(policy: Policy): {
  weights: Record<FactorId, number>;
  source: 'policy' | 'model';
} {
  return {
    weights: { ...DEFAULT_WEIGHTS, ...policy.weights, ...(policy.model.weights ?? {}) },
    source: policy.model.weights === undefined ? 'policy' : 'model',
  };
}

export function riskValue(zone: RiskZone): number {
  return typeof zone.risk === 'number' ? zone.risk : RISK_POINTS[zone.risk];
}

export interface CommitView {
  commit: CommitFacts;
  markers: AiMarker[];
  reviewed: boolean;
  /** Lines added + deleted in files that are not low-risk. */
  lines: number;
  /** Code lines of this commit that land in zones at or above "high" risk. */
  riskyZoneLines: number;
  zones: Set<string>;
}

export interface ZoneTouch {
  zone: RiskZone;
  risk: number;
  files: string[];
}

/** Everything the factors share, computed once from the facts and the policy. */
export interface Context {
  policy: Policy;
  facts: GitFacts;
  weights: Record<FactorId, number>;
  isLowRisk: (path: string) => boolean;
  zonesOf: (path: string) => RiskZone[];
  /** The zones of a change: a rename or copy counts for its old path exactly as for its new one. */
  zonesOfChange: (file: FileChange) => RiskZone[];
  /**
   * Low risk only when the new path is and, for a rename, the old one too (moving code into docs/ does
   * not make it docs). A copy leaves its source in place, so only its new path says what it is.
   */
  isLowRiskChange: (file: FileChange & { status?: DiffFile['status'] }) => boolean;
  codeFiles: DiffFile[];
  commits: CommitView[];
  zones: ZoneTouch[];
}

export function lineCount(file: { added: number | null; deleted: number | null }): number {
  return (file.added ?? 0) + (file.deleted ?? 0);
}

/** The policy's path and commit classifiers, compiled once (backtest reuses them for every commit). */
export interface Classifier {
  isLowRisk: (path: string) => boolean;
  zonesOf: (path: string) => RiskZone[];
  zonesOfChange: (file: FileChange) => RiskZone[];
  isLowRiskChange: Context['isLowRiskChange'];
  viewCommit: (commit: CommitFacts) => CommitView;
}

export function createClassifier(policy: Policy): Classifier {
  const lowRiskMatch = pathMatcher(policy.lowRiskPaths);
  const lowRiskCache = new Map<string, boolean>();
  const isLowRisk = (path: string): boolean => {
    let lowRisk = lowRiskCache.get(path);
    if (lowRisk === undefined) {
      lowRisk = lowRiskMatch(path);
      lowRiskCache.set(path, lowRisk);
    }
    return lowRisk;
  };
  const zoneMatchers = policy.riskZones.map((zone) => ({
    zone,
    match: pathMatcher(zone.paths),
  }));
  const zoneCache = new Map<string, RiskZone[]>();
  const zonesOf = (path: string): RiskZone[] => {
    let zones = zoneCache.get(path);
    if (zones === undefined) {
      zones = zoneMatchers.filter(({ match }) => match(path)).map(({ zone }) => zone);
      zoneCache.set(path, zones);
    }
    return zones;
  };
  const zonesOfChange = (file: FileChange): RiskZone[] => {
    const zones = zonesOf(file.path);
    if (file.oldPath === undefined || file.oldPath === file.path) return zones;
    const old = zonesOf(file.oldPath).filter((zone) => !zones.includes(zone));
    return old.length === 0 ? zones : [...zones, ...old];
  };
  const isLowRiskChange: Context['isLowRiskChange'] = (file) =>
    isLowRisk(file.path) &&
    (file.oldPath === undefined || file.status === 'copied' || isLowRisk(file.oldPath));
  const reviewKeys = new Set(policy.review.trailers.map((key) => key.toLowerCase()));
  const rules = {
    custom: policy.ai.markers.map((marker) =>
      typeof marker === 'string' ? { pattern: marker, in: 'any' as const } : marker,
    ),
    ignore: policy.ai.ignore,
  };

  const viewCommit = (commit: CommitFacts): CommitView => {
    let lines = 0;
    let riskyZoneLines = 0;
    const zones = new Set<string>();
    for (const file of commit.files) {
      const touched = zonesOfChange(file);
      for (const zone of touched) zones.add(zone.name);
      if (isLowRiskChange(file)) continue;
      const count = lineCount(file);
      lines += count;
      if (touched.some((zone) => riskValue(zone) >= RISK_POINTS.high)) riskyZoneLines += count;
    }
    return {
      commit,
      markers: findAiMarkers(commit, rules),
      reviewed: commit.trailers.some((trailer) => reviewKeys.has(trailer.key.toLowerCase())),
      lines,
      riskyZoneLines,
      zones,
    };
  };
  return { isLowRisk, zonesOf, zonesOfChange, isLowRiskChange, viewCommit };
}

export function buildContext(
  facts: GitFacts,
  policy: Policy,
  classifier = createClassifier(policy),
): Context {
  const { isLowRisk, zonesOf, zonesOfChange, isLowRiskChange } = classifier;
  const commits = facts.commits.map(classifier.viewCommit);

  const touches = new Map<string, ZoneTouch>();
  for (const file of facts.diff) {
    for (const zone of zonesOfChange(file)) {
      const touch = touches.get(zone.name) ?? { zone, risk: riskValue(zone), files: [] };
      touch.files.push(file.path);
      touches.set(zone.name, touch);
    }
  }
  const zones = [...touches.values()].sort((a, b) => b.risk - a.risk || byText(a.zone.name, b.zone.name));

  return {
    policy,
    facts,
    weights: effectiveWeights(policy).weights,
    isLowRisk,
    zonesOf,
    zonesOfChange,
    isLowRiskChange,
    codeFiles: facts.diff.filter((file) => !isLowRiskChange(file)),
    commits,
    zones,
  };
}
