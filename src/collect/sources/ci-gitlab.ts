import { z } from 'zod';
import type { CiFact, SourceFacts } from '../../assess/sources.js';
import type { CiSource } from '../../config/sources-schema.js';
import type { HttpClient } from '../http.js';
import { systemClock } from '../clock.js';

/**
 * GitLab pipelines (REST API v4, docs.gitlab.com/api/pipelines): the main branch's finished
 * pipelines, and the newest pipeline for the target commit.
 */

export const GITLAB_URL = 'https://gitlab.com';

const pipelines = z.array(z.object({ id: z.number().int(), status: z.string() }));

type Probe = Omit<SourceFacts, 'name' | 'kind' | 'query'>;

const PENDING = new Set([
  'created',
  'waiting_for_resource',
  'preparing',
  'waiting_for_callback',
  'pending',
  'running',
  'scheduled',
]);

export function targetOfPipelines(
  list: z.output<typeof pipelines>,
  sha: string,
): Pick<CiFact, 'target' | 'targetDetail'> {
  const short = sha.slice(0, 12);
  // The API lists the newest pipeline first (order_by id, sort desc).
  const newest = [...list].sort((a, b) => b.id - a.id)[0];
  if (newest === undefined) return { target: 'none', targetDetail: `no pipeline for ${short}` };
  const what = `pipeline #${newest.id} for ${short} is ${newest.status}`;
  if (newest.status === 'success') return { target: 'success', targetDetail: what };
  if (newest.status === 'failed' || newest.status === 'canceled')
    return { target: 'failure', targetDetail: what };
  if (PENDING.has(newest.status)) return { target: 'pending', targetDetail: what };
  return { target: 'none', targetDetail: what };
}

export async function collectGitlab(
  http: HttpClient,
  source: CiSource,
  auth: Record<string, string>,
  targetSha: string | undefined,
): Promise<Probe> {
  const base = `${(source.url ?? GITLAB_URL).replace(/\/+$/, '')}/api/v4/projects/${encodeURIComponent(source.repo)}`;
  const started = systemClock.monotonic();
  const mainUrl = new URL(`${base}/pipelines`);
  mainUrl.searchParams.set('ref', source.branch);
  mainUrl.searchParams.set('per_page', String(source.runs));
  mainUrl.searchParams.set('scope', 'finished');
  const targetUrl = new URL(`${base}/pipelines`);
  if (targetSha !== undefined) targetUrl.searchParams.set('sha', targetSha);
  const [main, target] = await Promise.all([
    http.getJson({ url: mainUrl.href, auth, schema: pipelines }),
    targetSha === undefined
      ? Promise.resolve(null)
      : http.getJson({ url: targetUrl.href, auth, schema: pipelines }),
  ]);
  const latencyMs = Math.round(systemClock.monotonic() - started);
  if (!main.ok) return { latencyMs, outcome: { status: 'unavailable', reason: main.reason } };
  if (target !== null && !target.ok)
    return { latencyMs, outcome: { status: 'unavailable', reason: target.reason } };
  // canceled and skipped pipelines say nothing about the branch's health.
  const counted = main.value.filter((p) => p.status === 'success' || p.status === 'failed');
  const ci: CiFact = {
    runs: counted.length,
    succeeded: counted.filter((p) => p.status === 'success').length,
    ...(target === null || targetSha === undefined
      ? { target: 'none' as const, targetDetail: 'no target commit to check' }
      : targetOfPipelines(target.value, targetSha)),
  };
  return { latencyMs, outcome: { status: 'ci', ci } };
}
