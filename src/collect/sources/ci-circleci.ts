import { z } from 'zod';
import type { CiFact, SourceFacts } from '../../assess/sources.js';
import type { CiSource } from '../../config/sources-schema.js';
import type { HttpClient } from '../http.js';

/**
 * CircleCI Insights (API v2, circleci.com/docs/api/v2): per-workflow metrics of the main branch,
 * aggregated weighted by each workflow's total runs. The v2 API cannot find a pipeline by commit
 * sha, so the target commit's own status is not checked.
 */

export const CIRCLECI_URL = 'https://circleci.com';

const workflows = z.object({
  items: z.array(
    z.object({
      name: z.string(),
      metrics: z.object({
        total_runs: z.number().int().min(0),
        successful_runs: z.number().int().min(0).optional(),
        success_rate: z.number().min(0).max(1),
      }),
    }),
  ),
});

type Probe = Omit<SourceFacts, 'name' | 'kind' | 'query'>;

export const CIRCLECI_TARGET_NOTE =
  "target status not checked: CircleCI's API cannot look a pipeline up by commit sha";

export function aggregateWorkflows(items: z.output<typeof workflows>['items']): {
  runs: number;
  succeeded: number;
} {
  let runs = 0;
  let succeeded = 0;
  for (const item of items) {
    runs += item.metrics.total_runs;
    succeeded +=
      item.metrics.successful_runs ?? Math.round(item.metrics.success_rate * item.metrics.total_runs);
  }
  return { runs, succeeded: Math.min(succeeded, runs) };
}

export async function collectCircleci(
  http: HttpClient,
  source: CiSource,
  auth: Record<string, string>,
): Promise<Probe> {
  const slug = source.repo.split('/').map(encodeURIComponent).join('/');
  const url = new URL(
    `${(source.url ?? CIRCLECI_URL).replace(/\/+$/, '')}/api/v2/insights/${slug}/workflows`,
  );
  url.searchParams.set('branch', source.branch);
  const answer = await http.getJson({ url: url.href, auth, schema: workflows });
  if (!answer.ok)
    return { latencyMs: answer.latencyMs, outcome: { status: 'unavailable', reason: answer.reason } };
  const ci: CiFact = {
    ...aggregateWorkflows(answer.value.items),
    target: 'none',
    targetDetail: CIRCLECI_TARGET_NOTE,
    notes: [
      `${answer.value.items.length} workflow(s) over CircleCI's insights window, weighted by runs`,
      CIRCLECI_TARGET_NOTE,
    ],
  };
  return { latencyMs: answer.latencyMs, outcome: { status: 'ci', ci } };
}
