/**
 * The Mann-Whitney U test as canary judges use it (Kayenta's): the normal approximation with the tie
 * correction and the continuity correction, and the Hodges-Lehmann estimate of the shift. Pure.
 */

export const ALTERNATIVES = ['greater', 'less', 'two-sided'] as const;
/** What the test asks: is `after` greater than `before`, less, or either. */
export type Alternative = (typeof ALTERNATIVES)[number];

export interface MannWhitney {
  /** U of `after`: pairs where after > before, plus half the ties. */
  u: number;
  /** The standardised statistic after the continuity correction (0 when every value is equal). */
  z: number;
  p: number;
}

/** The complementary error function (W. J. Cody's rational Chebyshev form, error below 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z > z) for a standard normal Z. */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Ranks of `values` (1-based), ties given their mid-rank, and the tie term sum(t^3 - t). */
function midRanks(values: readonly number[]): { ranks: number[]; ties: number } {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(values.length).fill(0);
  let ties = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]?.value === order[i]?.value) j += 1;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k += 1) ranks[order[k]?.index ?? 0] = rank;
    const t = j - i + 1;
    ties += t * t * t - t;
    i = j + 1;
  }
  return { ranks, ties };
}

/** The test of `after` against `before`; null when either sample is empty or holds a non-finite value. */
export function mannWhitney(
  after: readonly number[],
  before: readonly number[],
  alternative: Alternative,
): MannWhitney | null {
  const n1 = after.length;
  const n2 = before.length;
  if (n1 === 0 || n2 === 0 || ![...after, ...before].every(Number.isFinite)) return null;
  const { ranks, ties } = midRanks([...after, ...before]);
  const rankSum = ranks.slice(0, n1).reduce((sum, rank) => sum + rank, 0);
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)));
  if (!(variance > 0)) return { u, z: 0, p: 1 };
  const sd = Math.sqrt(variance);
  if (alternative === 'greater') {
    const z = (u - mean - 0.5) / sd;
    return { u, z, p: normalUpperTail(z) };
  }
  if (alternative === 'less') {
    const z = (u - mean + 0.5) / sd;
    return { u, z, p: 1 - normalUpperTail(z) };
  }
  const z = (Math.abs(u - mean) - 0.5) / sd;
  return { u, z, p: Math.min(1, 2 * normalUpperTail(z)) };
}

/** The Hodges-Lehmann shift: the median of every difference after[i] - before[j]; null when either is empty. */
export function hodgesLehmann(after: readonly number[], before: readonly number[]): number | null {
  if (after.length === 0 || before.length === 0) return null;
  const differences = new Float64Array(after.length * before.length);
  let k = 0;
  for (const a of after) for (const b of before) differences[k++] = a - b;
  differences.sort();
  const mid = differences.length >> 1;
  const upper = differences[mid] ?? 0;
  return differences.length % 2 === 1 ? upper : ((differences[mid - 1] ?? 0) + upper) / 2;
}
