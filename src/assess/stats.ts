/**
 * Small, exact statistics for the advisor's evidence: confidence intervals for failure rates, rate ratios
 * between groups, shrunken rates for thin samples, ROC AUC for judging a score, and the median.
 *
 * Pure and deterministic. Invalid input (negative counts, more failures than trials, NaN) is a programming
 * error upstream and throws a RangeError rather than producing a plausible-looking number.
 */

/** Two-sided 95% normal quantile, Φ⁻¹(0.975). */
const Z95 = 1.959964;

function checkCounts(k: number, n: number, what: string): void {
  if (!Number.isFinite(k) || !Number.isFinite(n) || k < 0 || n < 0 || k > n) {
    throw new RangeError(`${what}: need 0 <= failed <= n, got ${k} of ${n}`);
  }
}

/**
 * Wilson score interval for a binomial proportion `failed / n`. Chosen over the normal ("Wald") interval
 * because it stays inside [0, 1] and behaves at 0 of n and n of n, which is exactly where small deploy
 * histories live. Returns null when there are no trials.
 */
export function wilson(failed: number, n: number, z = Z95): { low: number; high: number } | null {
  checkCounts(failed, n, 'wilson');
  if (n === 0) return null;
  const p = failed / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return {
    // At the edges the exact bound is 0 (or 1); pin it so rounding cannot leave 1e-17 behind.
    low: failed === 0 ? 0 : Math.max(0, center - half),
    high: failed === n ? 1 : Math.min(1, center + half),
  };
}

/**
 * Ratio of two proportions, (k1/n1) / (k2/n2) — "changes like this fail 2.3× as often" — with a confidence
 * interval by the Katz log method: log RR ± z·√(1/k1 − 1/n1 + 1/k2 − 1/n2).
 *
 * When k1 or k2 is 0 the log method has no interval, so 0.5 is added to all four cells (failures and
 * successes of both groups: k → k + 0.5, n → n + 1) and BOTH the ratio and its interval are computed from
 * the corrected counts (Haldane–Anscombe). The result is then a finite, deliberately conservative estimate
 * rather than 0 or ∞. Returns null when either group is empty or neither group has any failure (no
 * information about a ratio at all).
 */
export function rateRatio(
  k1: number,
  n1: number,
  k2: number,
  n2: number,
  z = Z95,
): { value: number; low: number; high: number } | null {
  checkCounts(k1, n1, 'rateRatio (group 1)');
  checkCounts(k2, n2, 'rateRatio (group 2)');
  if (n1 === 0 || n2 === 0 || (k1 === 0 && k2 === 0)) return null;
  const correct = k1 === 0 || k2 === 0;
  const a = correct ? k1 + 0.5 : k1;
  const m1 = correct ? n1 + 1 : n1;
  const b = correct ? k2 + 0.5 : k2;
  const m2 = correct ? n2 + 1 : n2;
  const value = a / m1 / (b / m2);
  // 1/k − 1/n >= 0 mathematically; clamp the rounding when k = n.
  const se = Math.sqrt(Math.max(0, 1 / a - 1 / m1 + 1 / b - 1 / m2));
  const spread = Math.exp(z * se);
  return { value, low: value / spread, high: value * spread };
}

/**
 * Empirical-Bayes shrinkage of a rate toward a base rate: (failed + strength·baseRate) / (n + strength).
 * `strength` is the prior's weight in pseudo-observations, so a path with 2 deploys is pulled hard toward the
 * repository's rate while one with 500 keeps its own. Returns `baseRate` when n + strength is 0.
 */
export function smoothedRate(failed: number, n: number, baseRate: number, strength: number): number {
  checkCounts(failed, n, 'smoothedRate');
  if (!Number.isFinite(baseRate) || !Number.isFinite(strength) || strength < 0) {
    throw new RangeError(
      `smoothedRate: need finite baseRate and strength >= 0, got ${baseRate}, ${strength}`,
    );
  }
  const denom = n + strength;
  return denom === 0 ? baseRate : (failed + strength * baseRate) / denom;
}

/**
 * Area under the ROC curve: the probability that a random positive scores above a random negative, ties
 * counting 1/2 — the Mann–Whitney U statistic over n1·n0 (equivalent to average ranks for ties). Used to
 * say how well a risk score separates deploys that failed from those that did not. Returns null when
 * either class is empty.
 *
 * O(n log n): the two classes' scores are copied into Float64Arrays, sorted natively, and merged once,
 * counting for each group of equal positive scores the negatives strictly below and equal to it. The
 * count is made in integers and halves, so the result is exact up to the final division.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<boolean>): number | null {
  const n = scores.length;
  if (labels.length !== n) {
    throw new RangeError(`rocAuc: ${n} scores but ${labels.length} labels`);
  }
  let nPos = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (s === undefined || Number.isNaN(s)) throw new RangeError(`rocAuc: score ${i} is not a number`);
    if (labels[i] === true) nPos++;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return null;

  const pos = new Float64Array(nPos);
  const neg = new Float64Array(nNeg);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (labels[i] === true) pos[p++] = scores[i] ?? 0;
    else neg[q++] = scores[i] ?? 0;
  }
  pos.sort();
  neg.sort();

  let u2 = 0; // 2·U, so ties add whole numbers
  let j = 0;
  for (let i = 0; i < nPos;) {
    const v = pos[i] ?? 0;
    let groupEnd = i + 1;
    while (groupEnd < nPos && pos[groupEnd] === v) groupEnd++;
    while (j < nNeg && (neg[j] ?? 0) < v) j++;
    let tieEnd = j;
    while (tieEnd < nNeg && neg[tieEnd] === v) tieEnd++;
    u2 += (groupEnd - i) * (2 * j + (tieEnd - j));
    j = tieEnd;
    i = groupEnd;
  }
  return u2 / (2 * nPos * nNeg);
}

/** The median (mean of the two middle values for an even count); null for an empty list. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  if (values.some((v) => Number.isNaN(v))) throw new RangeError('median: NaN in values');
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? 0) + upper) / 2;
}
