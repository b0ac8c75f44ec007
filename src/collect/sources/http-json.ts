import { z } from 'zod';
import type { SourceFacts } from '../../assess/sources.js';
import { evaluateJsonPath, parseJsonPath } from '../../config/json-path.js';
import type { MetricSource } from '../../config/sources-schema.js';
import { serverText, type HttpClient } from '../http.js';
import { worstSeries, parseMetricNumber } from './metric-series.js';

/** Any JSON endpoint: GET the full URL and read one number (or numeric string) at the `query` JSON path. */

export async function collectHttpJson(
  http: HttpClient,
  source: MetricSource,
  auth: Record<string, string>,
): Promise<Omit<SourceFacts, 'name' | 'kind' | 'query'>> {
  const path = parseJsonPath(source.query ?? '');
  if (!path.ok) return { latencyMs: null, outcome: { status: 'unavailable', reason: path.problem } };
  const answer = await http.getJson({ url: source.url ?? '', auth, schema: z.unknown() });
  if (!answer.ok)
    return { latencyMs: answer.latencyMs, outcome: { status: 'unavailable', reason: answer.reason } };
  const picked = evaluateJsonPath(path.steps, answer.value);
  if (!picked.found || picked.value === null) {
    return {
      latencyMs: answer.latencyMs,
      outcome: {
        status: 'no-data',
        reason: picked.found ? `${source.query ?? ''} is null` : `the response has no ${picked.missing}`,
      },
    };
  }
  const { value } = picked;
  const number =
    typeof value === 'number' ? value : typeof value === 'string' ? parseMetricNumber(value) : null;
  if (number === null) {
    const shown = serverText(JSON.stringify(value));
    return {
      latencyMs: answer.latencyMs,
      outcome: {
        status: 'unavailable',
        reason: `${source.query ?? ''} is ${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown}, not a number`,
      },
    };
  }
  return { latencyMs: answer.latencyMs, outcome: worstSeries([{ series: '', value: number }], source) };
}
