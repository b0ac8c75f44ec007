import { z } from 'zod';
import { serverText, type HttpClient } from '../http.js';
import { allPages } from './pages.js';
import { fullSha, instantOf, type FoundDeploy, type ImportRead, type SkippedDeploy } from './found.js';

/**
 * GitLab environments' deployments (REST API v4, docs.gitlab.com/api/deployments), as past deploys
 * for `ledger import`. `canceled`, `skipped` and unfinished deployments did not ship: skipped.
 */

const deployments = z.array(
  z.object({
    id: z.number().int(),
    status: z.string(),
    sha: z.string(),
    created_at: z.string(),
    updated_at: z.string().nullish(),
    finished_at: z.string().nullish(),
    environment: z.object({ name: z.string() }).nullish(),
  }),
);

const OUTCOME: Record<string, FoundDeploy['outcome']> = { success: 'succeeded', failed: 'failed' };

export async function readGitlabDeployments(
  http: HttpClient,
  input: { api: string; project: string; environment: string; auth: Record<string, string> },
): Promise<ImportRead> {
  const url = new URL(
    `${input.api.replace(/\/+$/, '')}/api/v4/projects/${encodeURIComponent(input.project)}/deployments`,
  );
  url.searchParams.set('environment', input.environment);
  url.searchParams.set('order_by', 'id');
  url.searchParams.set('sort', 'asc');
  url.searchParams.set('per_page', '100');
  const list = await allPages(http, url.href, { auth: input.auth, schema: deployments });
  if (!list.ok) return { status: 'unavailable', reason: list.reason };
  const found: FoundDeploy[] = [];
  const skipped: SkippedDeploy[] = [];
  for (const deployment of list.items) {
    const id = String(deployment.id);
    if (deployment.environment != null && deployment.environment.name !== input.environment) continue;
    const outcome = OUTCOME[deployment.status];
    const sha = fullSha(deployment.sha);
    const at = instantOf(deployment.finished_at ?? deployment.updated_at ?? deployment.created_at);
    if (outcome === undefined)
      skipped.push({ source: 'gitlab-deployment', id, why: `status ${serverText(deployment.status)}` });
    else if (sha === null)
      skipped.push({
        source: 'gitlab-deployment',
        id,
        why: `sha "${serverText(deployment.sha)}" is not a full commit id`,
      });
    else if (at === null) skipped.push({ source: 'gitlab-deployment', id, why: 'no ISO-8601 date' });
    else
      found.push({
        source: 'gitlab-deployment',
        id,
        outcome,
        sha,
        at,
        what: `GitLab deployment ${id} (${deployment.status})`,
        reason: outcome === 'failed' ? `GitLab deployment ${id}: failed` : null,
      });
  }
  return { status: 'ok', found, skipped };
}
