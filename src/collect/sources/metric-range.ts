import { z } from 'zod';
import type { WindowSamples } from '../../assess/verify-types.js';
import type { MetricSource } from '../../config/sources-schema.js';
import { createHttpClient, serverText, type HttpClient } from '../http.js';
import { DATADOG_DEFAULT_URL, DATADOG_QUERY_RESPONSE } from './datadog.js';
import { authFrom, bearer } from './index.js';
import { apiUrl, parseMetricNumber } from './metric-series.js';

/**
 * Range queries for `verify`: every sample of a metric between two instants. Prometheus
 * `/api/v1/query_range` (prometheus.io/docs/prometheus/latest/querying/api/#range-queries) and Datadog
 * `GET /api/v1/query` (docs.datadoghq.com/api/latest/metrics/#query-timeseries-points). Several series
 * are pooled. Outcomes are data: nothing here throws for an endpoint problem.
 */

export interface RangeWindow {
  /** Epoch milliseconds. */
  from: number;
  to: number;
  stepSeconds: number;
}

const promRange = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.object({
      resultType: z.string(),
      result: z.array(z.unknown()),
    }),
  }),
  z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() }),
]);
const promSeries = z.object({ values: z.array(z.tuple([z.number(), z.string()])) });

async function prometheusRange(
  http: HttpClient,
  source: MetricSource,
  auth: Record<string, string>,
  window: RangeWindow,
): Promise<WindowSamples> {
  const url = apiUrl(source.url ?? '', 'api/v1/query_range');
  url.searchParams.set('query', source.query ?? '');
  url.searchParams.set('start', String(window.from / 1000));
  url.searchParams.set('end', String(window.to / 1000));
  url.searchParams.set('step', `${window.stepSeconds}s`);
  const answer = await http.getJson({ url: url.href, auth, schema: promRange });
  if (!answer.ok) return { status: 'unavailable', reason: answer.reason };
  const body = answer.value;
  if (body.status === 'error') {
    return {
      status: 'unavailable',
      reason: `Prometheus rejected the query: ${serverText(body.error ?? body.errorType ?? 'error')}`,
    };
  }
  if (body.data.resultType !== 'matrix') {
    return {
      status: 'unavailable',
      reason: `the range query returned a ${serverText(body.data.resultType)}; expected a matrix`,
    };
  }
  const values: number[] = [];
  for (const entry of body.data.result) {
    const series = promSeries.safeParse(entry);
    if (!series.success) return { status: 'unavailable', reason: 'Prometheus answered a malformed series' };
    for (const [, text] of series.data.values) values.push(parseMetricNumber(text) ?? NaN);
  }
  return { status: 'ok', values, series: body.data.result.length };
}

async function datadogRangeQuery(
  http: HttpClient,
  source: MetricSource,
  auth: Record<string, string>,
  window: RangeWindow,
): Promise<WindowSamples> {
  const url = apiUrl(source.url ?? DATADOG_DEFAULT_URL, 'api/v1/query');
  url.searchParams.set('from', String(Math.floor(window.from / 1000)));
  url.searchParams.set('to', String(Math.floor(window.to / 1000)));
  url.searchParams.set('query', source.query ?? '');
  const answer = await http.getJson({ url: url.href, auth, schema: DATADOG_QUERY_RESPONSE });
  if (!answer.ok) return { status: 'unavailable', reason: answer.reason };
  const body = answer.value;
  if (body.status === 'error') {
    return {
      status: 'unavailable',
      reason: `Datadog rejected the query: ${serverText(body.error ?? 'error')}`,
    };
  }
  const values: number[] = [];
  for (const entry of body.series) {
    for (const [at, value] of entry.pointlist) {
      // Datadog rounds the window out to its rollup interval: points outside it belong to neither window.
      if (value !== null && at >= window.from && at <= window.to) values.push(value);
    }
  }
  return { status: 'ok', values, series: body.series.length };
}

export interface RangeOptions {
  env: Record<string, string | undefined>;
  timeoutMs: number;
  dispatcher?: import('undici').Dispatcher | undefined;
}

/** The samples of a prometheus or datadog metric in each window, asked concurrently under one deadline. */
export async function collectRanges(
  source: MetricSource,
  windows: readonly RangeWindow[],
  options: RangeOptions,
): Promise<WindowSamples[]> {
  const credentials =
    source.provider === 'datadog'
      ? authFrom(source.tokenEnv, options.env, (key) => ({ 'DD-API-KEY': key }))
      : authFrom(source.tokenEnv, options.env, bearer);
  const appKey =
    source.provider === 'datadog'
      ? authFrom(source.appKeyEnv, options.env, (key) => ({ 'DD-APPLICATION-KEY': key }))
      : { auth: {} };
  const missing =
    'missing' in credentials
      ? credentials.missing
      : 'missing' in appKey
        ? appKey.missing.replace('(tokenEnv)', '(appKeyEnv)')
        : null;
  if (missing !== null || 'missing' in credentials || 'missing' in appKey) {
    return windows.map(() => ({ status: 'unavailable', reason: missing ?? 'no credentials' }));
  }
  const http = createHttpClient({
    timeoutMs: Math.min(source.timeoutMs ?? options.timeoutMs, options.timeoutMs),
    deadlineMs: options.timeoutMs,
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
  });
  const auth = { ...credentials.auth, ...appKey.auth };
  return Promise.all(
    windows.map((window) =>
      source.provider === 'datadog'
        ? datadogRangeQuery(http, source, auth, window)
        : prometheusRange(http, source, auth, window),
    ),
  );
}
