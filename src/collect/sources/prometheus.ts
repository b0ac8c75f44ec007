import { z } from 'zod';
import type { SourceFacts } from '../../assess/sources.js';
import type { MetricSource } from '../../config/sources-schema.js';
import { serverText, type HttpClient } from '../http.js';
import { apiUrl, parseMetricNumber, worstSeries } from './metric-series.js';

/** Prometheus instant query (`/api/v1/query`), documented at prometheus.io/docs/prometheus/latest/querying/api/. */

const sample = z.tuple([z.number(), z.string()]);
const queryResponse = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      z.object({
        resultType: z.literal('vector'),
        result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: sample })),
      }),
      z.object({ resultType: z.literal('scalar'), result: sample }),
      z.object({ resultType: z.literal('matrix'), result: z.array(z.unknown()) }),
      z.object({ resultType: z.literal('string'), result: z.unknown() }),
    ]),
  }),
  z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() }),
]);

function seriesName(metric: Record<string, string>): string {
  const labels = Object.entries(metric)
    .filter(([key]) => key !== '__name__')
    .map(([key, value]) => `${key}="${value}"`)
    .sort();
  return `${metric.__name__ ?? ''}{${labels.join(',')}}`;
}

export async function collectPrometheus(
  http: HttpClient,
  source: MetricSource,
  auth: Record<string, string>,
): Promise<Omit<SourceFacts, 'name' | 'kind' | 'query'>> {
  const query = source.query ?? '';
  const base = source.url ?? '';
  const url = apiUrl(base, 'api/v1/query');
  url.searchParams.set('query', query);
  const answer = await http.getJson({ url: url.href, auth, schema: queryResponse });
  if (!answer.ok)
    return { latencyMs: answer.latencyMs, outcome: { status: 'unavailable', reason: answer.reason } };
  const body = answer.value;
  if (body.status === 'error') {
    return {
      latencyMs: answer.latencyMs,
      outcome: {
        status: 'unavailable',
        reason: `Prometheus rejected the query: ${serverText(body.error ?? body.errorType ?? 'error')}`,
      },
    };
  }
  const samples: Array<{ series: string; value: number }> = [];
  if (body.data.resultType === 'vector') {
    for (const entry of body.data.result)
      samples.push({ series: seriesName(entry.metric), value: parseMetricNumber(entry.value[1]) ?? NaN });
  } else if (body.data.resultType === 'scalar') {
    samples.push({ series: 'scalar', value: parseMetricNumber(body.data.result[1]) ?? NaN });
  } else {
    return {
      latencyMs: answer.latencyMs,
      outcome: {
        status: 'unavailable',
        reason: `the query returns a ${body.data.resultType}; expected an instant vector or scalar`,
      },
    };
  }
  return { latencyMs: answer.latencyMs, outcome: worstSeries(samples, source) };
}
