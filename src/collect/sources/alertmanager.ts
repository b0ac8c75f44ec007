import { z } from 'zod';
import type { SourceFacts } from '../../assess/sources.js';
import type { AlertSource } from '../../config/sources-schema.js';
import type { HttpClient } from '../http.js';

/** Alertmanager v2 `GET /api/v2/alerts` (its OpenAPI spec): active, unsilenced, uninhibited alerts matching the filter. */

const alerts = z.array(
  z.object({
    labels: z.record(z.string(), z.string()),
    status: z.object({ state: z.enum(['unprocessed', 'active', 'suppressed']) }),
  }),
);

export async function collectAlertmanager(
  http: HttpClient,
  source: AlertSource,
  auth: Record<string, string>,
): Promise<Omit<SourceFacts, 'name' | 'kind' | 'query'>> {
  const url = new URL('api/v2/alerts', source.url.endsWith('/') ? source.url : `${source.url}/`);
  url.searchParams.set('active', 'true');
  url.searchParams.set('silenced', 'false');
  url.searchParams.set('inhibited', 'false');
  for (const matcher of source.matchers) url.searchParams.append('filter', matcher);
  const answer = await http.getJson({ url: url.href, auth, schema: alerts });
  if (!answer.ok)
    return { latencyMs: answer.latencyMs, outcome: { status: 'unavailable', reason: answer.reason } };
  const firing = answer.value
    .filter((alert) => alert.status.state === 'active')
    .map((alert) => ({
      name: alert.labels.alertname ?? '(unnamed)',
      severity: alert.labels.severity ?? null,
    }));
  return { latencyMs: answer.latencyMs, outcome: { status: 'alerts', firing } };
}
