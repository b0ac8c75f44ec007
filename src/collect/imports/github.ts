import { z } from 'zod';
import { serverText, type HttpClient } from '../http.js';
import { mapLimit } from '../blame.js';
import { allPages } from './pages.js';
import { fullSha, instantOf, type FoundDeploy, type ImportRead, type SkippedDeploy } from './found.js';

/**
 * GitHub Deployments and Releases (REST API, docs.github.com/rest/deployments, /rest/releases), as
 * past deploys for `ledger import`. Outcomes are data: an outage is `unavailable` with its reason.
 */

const HEADERS = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };

const deployments = z.array(
  z.object({
    id: z.number().int(),
    sha: z.string(),
    ref: z.string().nullish(),
    environment: z.string().nullish(),
    created_at: z.string(),
  }),
);
const statuses = z.array(
  z.object({
    id: z.number().int(),
    state: z.string(),
    created_at: z.string(),
    description: z.string().nullish(),
  }),
);
const releases = z.array(
  z.object({
    id: z.number().int(),
    tag_name: z.string(),
    draft: z.boolean().nullish(),
    prerelease: z.boolean().nullish(),
    published_at: z.string().nullish(),
  }),
);

/** The repository's API base: `<api>/repos/<owner>/<name>`. */
export function githubRepoUrl(api: string, repo: string): string {
  return `${api.replace(/\/+$/, '')}/repos/${repo.split('/').map(encodeURIComponent).join('/')}`;
}

const FINAL: Record<string, FoundDeploy['outcome']> = {
  success: 'succeeded',
  failure: 'failed',
  error: 'failed',
};

type Status = z.output<typeof statuses>[number];

/** A deployment's outcome: its newest success/failure/error status (`inactive` comes after a newer one). */
export function finalStatus(list: readonly Status[]): Status | null {
  const newestFirst = [...list].sort((a, b) =>
    a.created_at === b.created_at ? b.id - a.id : a.created_at < b.created_at ? 1 : -1,
  );
  return newestFirst.find((status) => FINAL[status.state] !== undefined) ?? null;
}

export async function readGithubDeployments(
  http: HttpClient,
  input: { api: string; repo: string; environment: string; auth: Record<string, string> },
): Promise<ImportRead> {
  const base = githubRepoUrl(input.api, input.repo);
  const url = new URL(`${base}/deployments`);
  url.searchParams.set('environment', input.environment);
  url.searchParams.set('per_page', '100');
  const list = await allPages(http, url.href, { headers: HEADERS, auth: input.auth, schema: deployments });
  if (!list.ok) return { status: 'unavailable', reason: list.reason };
  const found: FoundDeploy[] = [];
  const skipped: SkippedDeploy[] = [];
  const mine = list.items.filter((d) => d.environment == null || d.environment === input.environment);
  const answers = await mapLimit(mine, 6, (deployment) =>
    allPages(http, `${base}/deployments/${deployment.id}/statuses?per_page=100`, {
      headers: HEADERS,
      auth: input.auth,
      schema: statuses,
    }),
  );
  for (const [i, deployment] of mine.entries()) {
    const answer = answers[i];
    const id = String(deployment.id);
    if (answer === undefined || !answer.ok) return { status: 'unavailable', reason: answer?.reason ?? '' };
    const status = finalStatus(answer.items);
    const sha = fullSha(deployment.sha);
    const at = instantOf(status?.created_at);
    if (status === null) {
      skipped.push({ source: 'github-deployment', id, why: 'no success, failure or error status yet' });
    } else if (sha === null) {
      skipped.push({
        source: 'github-deployment',
        id,
        why: `sha "${serverText(deployment.sha)}" is not a full commit id`,
      });
    } else if (at === null) {
      skipped.push({
        source: 'github-deployment',
        id,
        why: `status date "${serverText(status.created_at)}" is not an ISO-8601 instant`,
      });
    } else {
      const outcome = FINAL[status.state] ?? 'failed';
      const said = serverText(status.description ?? '');
      found.push({
        source: 'github-deployment',
        id,
        outcome,
        sha,
        at,
        what: `GitHub deployment ${id} (${status.state})`,
        reason:
          outcome === 'failed'
            ? `GitHub deployment ${id}: ${status.state}${said === '' ? '' : ` (${said})`}`
            : null,
      });
    }
  }
  return { status: 'ok', found, skipped };
}

export async function readGithubReleases(
  http: HttpClient,
  input: { api: string; repo: string; auth: Record<string, string> },
): Promise<ImportRead> {
  const url = `${githubRepoUrl(input.api, input.repo)}/releases?per_page=100`;
  const list = await allPages(http, url, { headers: HEADERS, auth: input.auth, schema: releases });
  if (!list.ok) return { status: 'unavailable', reason: list.reason };
  const found: FoundDeploy[] = [];
  const skipped: SkippedDeploy[] = [];
  for (const release of list.items) {
    const id = String(release.id);
    const at = instantOf(release.published_at);
    if (release.draft === true) skipped.push({ source: 'github-release', id, why: 'a draft' });
    else if (release.prerelease === true)
      skipped.push({ source: 'github-release', id, why: 'a pre-release' });
    else if (at === null) skipped.push({ source: 'github-release', id, why: 'no published_at instant' });
    else
      found.push({
        source: 'github-release',
        id,
        outcome: 'succeeded',
        sha: null,
        tag: release.tag_name,
        at,
        what: `GitHub release ${id} (${serverText(release.tag_name)})`,
        reason: null,
      });
  }
  return { status: 'ok', found, skipped };
}
