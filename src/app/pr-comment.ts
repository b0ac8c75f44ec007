import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CommentOutcome, PullRequestRef } from '../collect/github-comment.js';
import type { Policy } from '../config/schema.js';
import { UserError } from '../errors.js';
import type { AppPorts } from './ports.js';

/**
 * `plan --comment`: where the pull request is (GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_API_URL)
 * and which token may comment on it (the GitHub CI source's tokenEnv, else GITHUB_TOKEN).
 */

export type CommentTarget =
  | { kind: 'pull-request'; pr: PullRequestRef; token: string; tokenEnv: string }
  | { kind: 'none'; reason: string };

/** The variable holding the token: the one the policy's GitHub CI source names, else GITHUB_TOKEN. */
export function commentTokenEnv(policy: Policy): string {
  const ci = policy.sources.ci;
  return ci?.provider === 'github' && ci.tokenEnv !== undefined ? ci.tokenEnv : 'GITHUB_TOKEN';
}

/** The pull-request number of a GitHub event payload (pull_request, pull_request_target, issue_comment). */
function pullNumberOf(event: unknown): number | null {
  if (event === null || typeof event !== 'object') return null;
  const { pull_request: pull, issue } = event as { pull_request?: unknown; issue?: unknown };
  const number = (value: unknown) =>
    value !== null && typeof value === 'object' ? (value as { number?: unknown }).number : undefined;
  const candidate =
    number(pull) ??
    (issue !== null && typeof issue === 'object' && 'pull_request' in issue ? number(issue) : undefined);
  return typeof candidate === 'number' && Number.isSafeInteger(candidate) && candidate > 0 ? candidate : null;
}

/** Reads the pull request and the token; not a pull-request job is `none`, a broken set-up an error. */
export async function commentTarget(ports: AppPorts, policy: Policy): Promise<CommentTarget> {
  const { env } = ports;
  const eventPath = env.GITHUB_EVENT_PATH;
  if (eventPath === undefined || eventPath === '') {
    return { kind: 'none', reason: 'GITHUB_EVENT_PATH is not set (not a GitHub Actions job)' };
  }
  let event: unknown;
  try {
    event = JSON.parse(await readFile(resolve(ports.cwd, eventPath), 'utf8'));
  } catch (error) {
    const why = error instanceof SyntaxError ? 'is not JSON' : 'cannot be read';
    throw new UserError(`--comment: GITHUB_EVENT_PATH=${eventPath} ${why}.`, {
      hint: 'It is the event payload GitHub Actions writes for the job; do not set it by hand.',
    });
  }
  const number = pullNumberOf(event);
  if (number === null) {
    return {
      kind: 'none',
      reason: `the ${env.GITHUB_EVENT_NAME ?? 'job'} event is not about a pull request`,
    };
  }
  const slug = env.GITHUB_REPOSITORY ?? '';
  const [owner, repo, ...rest] = slug.split('/');
  if (owner === undefined || owner === '' || repo === undefined || repo === '' || rest.length > 0) {
    throw new UserError(`--comment: GITHUB_REPOSITORY="${slug}" is not owner/name.`);
  }
  const tokenEnv = commentTokenEnv(policy);
  const token = env[tokenEnv]?.trim();
  if (token === undefined || token === '') {
    throw new UserError(`--comment needs a GitHub token in the environment variable ${tokenEnv}.`, {
      hint: 'In a workflow: env: { GITHUB_TOKEN: ${{ github.token }} } with permissions: pull-requests: write.',
    });
  }
  const apiUrl = env.GITHUB_API_URL ?? 'https://api.github.com';
  if (!/^https?:\/\/[^\s/]+/.test(apiUrl)) {
    throw new UserError(`--comment: GITHUB_API_URL="${apiUrl}" is not an http(s) URL.`);
  }
  return { kind: 'pull-request', pr: { apiUrl, owner, repo, number }, token, tokenEnv };
}

/** The hidden marker that finds this environment's comment again. */
export function commentMarker(env: string): string {
  return `<!-- deployadvisor:plan env=${env.replace(/[^A-Za-z0-9._/-]/g, '_')} -->`;
}

/** Creates or updates the pull request's plan comment for `env`. */
export async function commentOnPullRequest(
  ports: AppPorts,
  target: Extract<CommentTarget, { kind: 'pull-request' }>,
  env: string,
  markdown: string,
): Promise<CommentOutcome> {
  const { upsertComment } = await import('../collect/github-comment.js');
  return upsertComment(target.pr, commentMarker(env), markdown, {
    token: target.token,
    dispatcher: ports.dispatcher,
    clock: ports.clock,
  });
}
