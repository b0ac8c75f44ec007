import { z } from 'zod';
import type { SourceFacts } from '../../assess/sources.js';
import type { MetricSource } from '../../config/sources-schema.js';
import { serverText, type HttpClient } from '../http.js';
import { apiUrl, worstSeries } from './metric-series.js';
import { systemClock } from '../clock.js';

/**
 * Datadog metric query, `GET /api/v1/query?from&to&query` (docs.datadoghq.com/api/latest/metrics/#query-timeseries-points),
 * over the last five minutes. Each series' value is its last non-null point; the worst series is judged.
 */

export const DATADOG_DEFAULT_URL = 'https://api.datadoghq.com';
/** The window asked for, in seconds before now. */
const WINDOW_S = 300;

/** Datadog's `GET /api/v1/query` answer; `verify`'s range reads take the same shape. */
export const DATADOG_QUERY_RESPONSE = z.object({
  status: z.string(),
  error: z.string().optional(),
  series: z
    .array(
      z.object({
        // A value too large for a double parses as Infinity: kept (a breach), not a schema error.
        pointlist: z
          .array(z.tuple([z.number(), z.custom<number>((v) => typeof v === 'number').nullable()]))
          .default([]),
        scope: z.string().optional(),
        expression: z.string().optional(),
        metric: z.string().optional(),
      }),
    )
    .default([]),
});

export async function collectDatadog(
  http: HttpClient,
  source: MetricSource,
  auth: Record<string, string>,
  nowMs: number = systemClock.now(),
): Promise<Omit<SourceFacts, 'name' | 'kind' | 'query'>> {
  const base = source.url ?? DATADOG_DEFAULT_URL;
  const url = apiUrl(base, 'api/v1/query');
  const to = Math.floor(nowMs / 1000);
  url.searchParams.set('from', String(to - WINDOW_S));
  url.searchParams.set('to', String(to));
  url.searchParams.set('query', source.query ?? '');
  const answer = await http.getJson({ url: url.href, auth, schema: DATADOG_QUERY_RESPONSE });
  if (!answer.ok)
    return { latencyMs: answer.latencyMs, outcome: { status: 'unavailable', reason: answer.reason } };
  const body = answer.value;
  if (body.status === 'error') {
    return {
      latencyMs: answer.latencyMs,
      outcome: {
        status: 'unavailable',
        reason: `Datadog rejected the query: ${serverText(body.error ?? 'error')}`,
      },
    };
  }
  const samples: Array<{ series: string; value: number }> = [];
  for (const entry of body.series) {
    // The newest point that has a value: an older one must not stand in for a non-finite newest one.
    const last = entry.pointlist.findLast((point) => point[1] !== null);
    if (last?.[1] == null) continue;
    samples.push({ series: entry.scope ?? entry.expression ?? entry.metric ?? 'series', value: last[1] });
  }
  if (samples.length === 0) {
    return {
      latencyMs: answer.latencyMs,
      outcome: {
        status: 'no-data',
        reason:
          body.series.length === 0
            ? `the query returned no series in the last ${WINDOW_S / 60} minutes`
            : `the query returned no points in the last ${WINDOW_S / 60} minutes`,
      },
    };
  }
  return { latencyMs: answer.latencyMs, outcome: worstSeries(samples, source) };
}
