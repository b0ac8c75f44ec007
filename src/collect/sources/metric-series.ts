import type { SourceOutcome } from '../../assess/sources.js';
import type { MetricSource } from '../../config/sources-schema.js';

/**
 * A metric value as text: Prometheus writes `+Inf`, `-Inf` and `NaN` (histogram_quantile answers `+Inf`
 * for the worst latencies), JSON endpoints may send "Infinity" or a number too large for a double. Those
 * are numbers, non-finite ones; null only for text that is no number at all.
 */
/** `path` under the source's base URL, whether or not the base ends in a slash. */
export function apiUrl(base: string, path: string): URL {
  return new URL(path, base.endsWith('/') ? base : `${base}/`);
}

export function parseMetricNumber(text: string): number | null {
  const trimmed = text.trim();
  const special = /^([+-]?)(inf|infinity)$/i.exec(trimmed);
  if (special !== null) return special[1] === '-' ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(trimmed)) return NaN;
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isNaN(value) ? null : value;
}

/**
 * Several series answer one metric query: the worst one is judged against the threshold (the highest
 * for `max`, else the lowest). A non-finite value (+Inf, -Inf, NaN) is the worst of all, a breach of any
 * threshold, unless the source says `nonFinite: ignore`; then such values are left out, and an answer
 * of only those is no data.
 */
export function worstSeries(
  samples: ReadonlyArray<{ series: string; value: number }>,
  source: Pick<MetricSource, 'max' | 'min' | 'nonFinite'>,
): SourceOutcome {
  const usable =
    source.nonFinite === 'ignore' ? samples.filter((sample) => Number.isFinite(sample.value)) : samples;
  if (usable.length === 0) {
    return {
      status: 'no-data',
      reason:
        samples.length === 0
          ? 'the query returned no series'
          : 'the query returned only NaN or Inf (nonFinite: ignore)',
    };
  }
  const sorted = [...usable].sort((a, b) => a.value - b.value);
  const worst =
    usable.find((sample) => !Number.isFinite(sample.value)) ??
    (source.max !== undefined ? sorted[sorted.length - 1] : sorted[0]);
  if (worst === undefined) return { status: 'no-data', reason: 'no series' };
  const detail = usable.length > 1 ? `worst of ${usable.length} series: ${worst.series}` : '';
  return { status: 'metric', value: worst.value, detail };
}
