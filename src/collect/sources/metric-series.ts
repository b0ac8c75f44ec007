import type { SourceOutcome } from '../../assess/sources.js';
import type { MetricSource } from '../../config/sources-schema.js';

/**
 * Several series answer one metric query: the worst one is judged against the threshold (the highest
 * for `max`, else the lowest). `samples` holds finite values only and at least one.
 */
export function worstSeries(
  samples: ReadonlyArray<{ series: string; value: number }>,
  source: MetricSource,
): SourceOutcome {
  const sorted = [...samples].sort((a, b) => a.value - b.value);
  const worst = source.max !== undefined ? sorted[sorted.length - 1] : sorted[0];
  if (worst === undefined) return { status: 'no-data', reason: 'no series' };
  const detail = samples.length > 1 ? `worst of ${samples.length} series: ${worst.series}` : '';
  return { status: 'metric', value: worst.value, detail };
}
