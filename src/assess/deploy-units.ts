/**
 * Deploy-sized units: the groups of changes a repository ships together. The model's deploy-level
 * figures (the thresholds' flag rates, calibrate's deploy calibration) are judged on them, because a
 * deploy of many commits is riskier than one and the thresholds are meant for deploys. Best first: the
 * ledger's deploys, then release tags (each change belongs to the first release that contains it), then
 * a day's changes when the repository shows neither.
 */

export type UnitKind = 'ledger' | 'tags' | 'days';

/** Fewer units than this of a kind and the next kind is used: too few to judge flag rates on. */
export const MIN_UNITS = 20;

export const UNIT_NAMES: Record<UnitKind, string> = {
  ledger: "the ledger's deploys",
  tags: 'release tags (the changes each release shipped first)',
  days: "a day's changes",
};

/** A deploy (or release) in time order: it ships every ancestor no earlier one shipped. */
export interface UnitTip {
  id: string;
  sha: string;
  /** False for a deploy that failed outright: it never took, so the next one ships its commits again. */
  claims: boolean;
}

/**
 * Walks the parents from `tip` and returns every commit not in `claimed`: what a deploy of `tip` ships
 * first. Claimed sets are closed under ancestry, so the walk stops at the first claimed commit on each
 * path; commits `parentsOf` does not know end the walk too.
 */
export function claimFrom(
  tip: string,
  parentsOf: (sha: string) => readonly string[] | undefined,
  claimed: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const stack = [tip];
  while (stack.length > 0) {
    const sha = stack.pop();
    if (sha === undefined || claimed.has(sha) || seen.has(sha)) continue;
    const parents = parentsOf(sha);
    if (parents === undefined) continue;
    seen.add(sha);
    out.push(sha);
    stack.push(...parents);
  }
  return out;
}

/** Each tip's first-shipped commits, tips taken in the order given. */
export function unitsFromTips(
  tips: readonly UnitTip[],
  parents: ReadonlyMap<string, readonly string[]>,
): Map<string, string[]> {
  const claimed = new Set<string>();
  const units = new Map<string, string[]>();
  for (const tip of tips) {
    const shas = claimFrom(tip.sha, (sha) => parents.get(sha), claimed);
    if (tip.claims) for (const sha of shas) claimed.add(sha);
    units.set(tip.id, shas);
  }
  return units;
}

/** The changes of each UTC day. */
export function dayUnits(changes: ReadonlyArray<{ sha: string; at: number }>): Map<string, string[]> {
  const days = new Map<string, string[]>();
  for (const change of changes) {
    const key = new Date(change.at).toISOString().slice(0, 10);
    const list = days.get(key) ?? [];
    list.push(change.sha);
    days.set(key, list);
  }
  return days;
}

/**
 * Groups `changes` into units of the best kind that has at least MIN_UNITS units holding a change; a
 * change no unit of that kind shipped (not released yet) is left out.
 */
export function chooseUnits<T extends { sha: string; at: number }>(
  changes: readonly T[],
  candidates: ReadonlyArray<{
    kind: Exclude<UnitKind, 'days'>;
    units: ReadonlyMap<string, readonly string[]>;
  }>,
): { kind: UnitKind; units: T[][] } {
  const bySha = new Map(changes.map((change) => [change.sha, change]));
  const group = (units: ReadonlyMap<string, readonly string[]>) =>
    [...units.values()]
      .map((shas) => shas.flatMap((sha) => bySha.get(sha) ?? []))
      .filter((unit) => unit.length > 0);
  for (const candidate of candidates) {
    const units = group(candidate.units);
    if (units.length >= MIN_UNITS) return { kind: candidate.kind, units };
  }
  return { kind: 'days', units: group(dayUnits(changes)) };
}
