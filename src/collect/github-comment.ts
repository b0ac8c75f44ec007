import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { Clock } from './clock.js';
import { createHttpClient, displayUrl, type HttpResult } from './http.js';

/**
 * The sticky pull-request comment (GitHub REST, docs.github.com/rest/issues/comments): one comment per
 * environment, found by a hidden marker at the start of its body, created once and then updated.
 */

export interface PullRequestRef {
  /** API base, e.g. https://api.github.com or https://ghe.example.com/api/v3. */
  apiUrl: string;
  owner: string;
  repo: string;
  number: number;
}

export type CommentOutcome =
  | { ok: true; action: 'created' | 'updated'; id: number; url: string }
  | { ok: false; reason: string; status: number | null };

/** GitHub refuses a comment body over 65,536 characters. */
export const MAX_COMMENT_CHARS = 65_536;
/** Pages of 100 comments read before giving up on finding the marker (10,000 comments). */
const MAX_PAGES = 100;

const comment = z.object({ id: z.number().int(), body: z.string().nullish(), html_url: z.string() });
const comments = z.array(comment);

/** The `rel="next"` URL of a Link header, or null. */
export function nextLink(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value === undefined) return null;
  for (const part of value.split(',')) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match !== null && /\brel\s*=\s*"?next"?/.test(match[2] ?? '')) return match[1] ?? null;
  }
  return null;
}

/** The body as posted: the marker first, cut to GitHub's limit with a note when too long. */
export function commentBody(marker: string, markdown: string): string {
  const body = `${marker}\n${markdown}`;
  if (body.length <= MAX_COMMENT_CHARS) return body;
  const note = '\n\n_(cut to GitHub’s comment limit: the full plan is in the job’s step summary)_\n';
  return `${body.slice(0, MAX_COMMENT_CHARS - note.length)}${note}`;
}

/** Why a call failed, in words the user can act on (the token is never in them). */
function failure(what: string, result: HttpResult<unknown> & { ok: false }): CommentOutcome {
  const fix =
    result.status === 401
      ? ' The token was refused: check the variable holds a valid token.'
      : result.status === 403
        ? ' The token may not write pull-request comments: give the job `permissions: pull-requests: write` (or a token with that scope).'
        : result.status === 404
          ? ' Check GITHUB_REPOSITORY and the pull-request number, and that the token can see the repository.'
          : '';
  return { ok: false, reason: `${what} failed: ${result.reason}.${fix}`, status: result.status };
}

export interface CommentOptions {
  token: string;
  dispatcher?: Dispatcher | undefined;
  clock?: Clock;
}

/** Creates the comment, or updates the one that starts with `marker`; never posts a second. */
export async function upsertComment(
  pr: PullRequestRef,
  marker: string,
  markdown: string,
  options: CommentOptions,
): Promise<CommentOutcome> {
  const base = pr.apiUrl.replace(/\/+$/, '');
  const repoPath = `${base}/repos/${encodeURIComponent(pr.owner)}/${encodeURIComponent(pr.repo)}`;
  const common = {
    timeoutMs: 10_000,
    deadlineMs: 60_000,
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  };
  const http = createHttpClient(common);
  // A POST retried after a timeout could post twice: it is tried once.
  const once = createHttpClient({ ...common, retries: 0 });
  const request = {
    headers: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
    auth: { authorization: `Bearer ${options.token}` },
  };
  const body = commentBody(marker, markdown);

  let url: string | null = `${repoPath}/issues/${pr.number}/comments?per_page=100`;
  let found: z.infer<typeof comment> | undefined;
  for (let page = 0; url !== null && found === undefined && page < MAX_PAGES; page++) {
    const listed = await http.getJson({ ...request, url, schema: comments });
    if (!listed.ok) return failure(`Reading the comments of pull request #${pr.number}`, listed);
    found = listed.value.find((c) => (c.body ?? '').startsWith(marker));
    const next = nextLink(listed.headers.link);
    url = next === null ? null : new URL(next, base).href;
    // The token goes only to the API's own origin, whatever a Link header says.
    if (url !== null && new URL(url).origin !== new URL(base).origin) {
      return {
        ok: false,
        reason: `Reading the comments of pull request #${pr.number}: the next page is on another host (${displayUrl(url)}); not followed.`,
        status: null,
      };
    }
  }
  const json = JSON.stringify({ body });
  if (found !== undefined) {
    const patched = await http.getJson({
      ...request,
      url: `${repoPath}/issues/comments/${found.id}`,
      method: 'PATCH',
      body: json,
      schema: comment,
    });
    if (!patched.ok) return failure(`Updating comment ${found.id} on pull request #${pr.number}`, patched);
    return { ok: true, action: 'updated', id: patched.value.id, url: patched.value.html_url };
  }
  const posted = await once.getJson({
    ...request,
    url: `${repoPath}/issues/${pr.number}/comments`,
    method: 'POST',
    body: json,
    schema: comment,
  });
  if (!posted.ok) return failure(`Commenting on pull request #${pr.number}`, posted);
  return { ok: true, action: 'created', id: posted.value.id, url: posted.value.html_url };
}
