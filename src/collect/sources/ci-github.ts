import { z } from 'zod';
import type { ReviewEvidence } from '../../assess/plan-types.js';
import type { CiFact, SourceFacts } from '../../assess/sources.js';
import type { CiSource } from '../../config/sources-schema.js';
import type { HttpClient, HttpResult } from '../http.js';
import { systemClock } from '../clock.js';

/**
 * GitHub Actions (REST API, docs.github.com/rest): the main branch's completed workflow runs, the
 * target commit's check runs, and the review evidence of the pull request(s) that carried the commit.
 */

export const GITHUB_API = 'https://api.github.com';

const workflowRuns = z.object({
  workflow_runs: z.array(z.object({ conclusion: z.string().nullable() })),
});
const checkRuns = z.object({
  check_runs: z.array(z.object({ name: z.string(), status: z.string(), conclusion: z.string().nullable() })),
});
const user = z.object({ login: z.string() }).nullable();
const pulls = z.array(z.object({ number: z.number().int(), user }));
const pull = z.object({
  number: z.number().int(),
  user,
  created_at: z.string(),
  additions: z.number().int(),
  deletions: z.number().int(),
  review_comments: z.number().int(),
});
const reviews = z.array(z.object({ user, state: z.string(), submitted_at: z.string().nullish() }));

type Probe = Omit<SourceFacts, 'name' | 'kind' | 'query'>;

const FAILING = new Set(['failure', 'timed_out', 'cancelled', 'action_required', 'startup_failure']);
const PASSING = new Set(['success', 'neutral', 'skipped']);
/** An approval this soon after the PR opened, on a change this large, looks like a rubber stamp. */
const RUBBER_STAMP_MS = 5 * 60_000;
const RUBBER_STAMP_LINES = 300;

/** Success rate over completed runs: cancelled and skipped runs say nothing about health. */
export function successOf(conclusions: ReadonlyArray<string | null>): { runs: number; succeeded: number } {
  const counted = conclusions.filter(
    (c): c is string => c !== null && c !== 'cancelled' && c !== 'skipped' && c !== 'stale',
  );
  return { runs: counted.length, succeeded: counted.filter((c) => c === 'success').length };
}

function namesOf(runs: Array<{ name: string }>): string {
  const names = [...new Set(runs.map((r) => r.name))].sort();
  return names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
}

export function targetOfCheckRuns(
  runs: z.output<typeof checkRuns>['check_runs'],
  sha: string,
): Pick<CiFact, 'target' | 'targetDetail'> {
  const short = sha.slice(0, 12);
  if (runs.length === 0) return { target: 'none', targetDetail: `no check runs for ${short}` };
  const failing = runs.filter((r) => r.status === 'completed' && FAILING.has(r.conclusion ?? ''));
  if (failing.length > 0)
    return { target: 'failure', targetDetail: `check runs failing on ${short}: ${namesOf(failing)}` };
  const pending = runs.filter((r) => r.status !== 'completed');
  if (pending.length > 0)
    return { target: 'pending', targetDetail: `check runs not finished on ${short}: ${namesOf(pending)}` };
  const unknown = runs.filter((r) => !PASSING.has(r.conclusion ?? ''));
  if (unknown.length > 0)
    return {
      target: 'none',
      targetDetail: `check runs on ${short} without a clear result: ${namesOf(unknown)}`,
    };
  return { target: 'success', targetDetail: `${runs.length} check run(s) passed on ${short}` };
}

export function reviewText(review: ReviewEvidence): string {
  const parts = [
    `PR #${review.pr}: ${review.approvals} approval(s) by someone other than the author`,
    `${review.reviewComments} review comment(s)`,
    `${review.changedLines} changed lines`,
  ];
  if (review.rubberStamp)
    parts.push(
      `rubber-stamp sign: approved within 5 minutes of opening a change of ${RUBBER_STAMP_LINES}+ lines`,
    );
  return parts.join(', ');
}

async function reviewEvidence(
  base: string,
  sha: string,
  request: <T>(url: string, schema: z.ZodType<T>) => Promise<HttpResult<T>>,
): Promise<{ note: string; review?: ReviewEvidence }> {
  const found = await request(`${base}/commits/${sha}/pulls`, pulls);
  if (!found.ok) return { note: `review evidence unavailable: ${found.reason}` };
  const first = found.value[0];
  if (first === undefined) return { note: 'review evidence: no pull request carries the target commit' };
  const [detail, list] = await Promise.all([
    request(`${base}/pulls/${first.number}`, pull),
    request(`${base}/pulls/${first.number}/reviews?per_page=100`, reviews),
  ]);
  if (!detail.ok) return { note: `review evidence unavailable: ${detail.reason}` };
  if (!list.ok) return { note: `review evidence unavailable: ${list.reason}` };
  const author = detail.value.user?.login ?? first.user?.login ?? null;
  const approvals = list.value.filter(
    (r) => r.state === 'APPROVED' && r.user !== null && r.user.login !== author,
  );
  const approvers = [...new Set(approvals.flatMap((r) => (r.user === null ? [] : [r.user.login])))].sort();
  const opened = Date.parse(detail.value.created_at);
  const changedLines = detail.value.additions + detail.value.deletions;
  const firstApproval = Math.min(
    ...approvals.map((r) => (r.submitted_at == null ? Infinity : Date.parse(r.submitted_at))),
  );
  const rubberStamp =
    changedLines >= RUBBER_STAMP_LINES &&
    Number.isFinite(firstApproval) &&
    !Number.isNaN(opened) &&
    firstApproval - opened <= RUBBER_STAMP_MS;
  const review: ReviewEvidence = {
    pr: first.number,
    approvals: approvers.length,
    approvers,
    reviewComments: detail.value.review_comments,
    changedLines,
    rubberStamp,
  };
  return { note: reviewText(review), review };
}

export async function collectGithub(
  http: HttpClient,
  source: CiSource,
  auth: Record<string, string>,
  targetSha: string | undefined,
): Promise<Probe> {
  const base = `${(source.url ?? GITHUB_API).replace(/\/+$/, '')}/repos/${source.repo
    .split('/')
    .map(encodeURIComponent)
    .join('/')}`;
  const headers = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
  const request = <T>(url: string, schema: z.ZodType<T>) => http.getJson({ url, headers, auth, schema });
  const started = systemClock.monotonic();
  const runsUrl = new URL(`${base}/actions/runs`);
  runsUrl.searchParams.set('branch', source.branch);
  runsUrl.searchParams.set('status', 'completed');
  runsUrl.searchParams.set('per_page', String(source.runs));
  const [runs, checks, review] = await Promise.all([
    request(runsUrl.href, workflowRuns),
    targetSha === undefined
      ? Promise.resolve(null)
      : request(`${base}/commits/${targetSha}/check-runs?per_page=100`, checkRuns),
    targetSha === undefined ? Promise.resolve(null) : reviewEvidence(base, targetSha, request),
  ]);
  const latencyMs = Math.round(systemClock.monotonic() - started);
  if (!runs.ok) return { latencyMs, outcome: { status: 'unavailable', reason: runs.reason } };
  if (checks !== null && !checks.ok)
    return { latencyMs, outcome: { status: 'unavailable', reason: checks.reason } };
  const target =
    checks === null || targetSha === undefined
      ? { target: 'none' as const, targetDetail: 'no target commit to check' }
      : targetOfCheckRuns(checks.value.check_runs, targetSha);
  const ci: CiFact = {
    ...successOf(runs.value.workflow_runs.map((r) => r.conclusion)),
    ...target,
    notes: review === null ? [] : [review.note],
    ...(review?.review === undefined ? {} : { review: review.review }),
  };
  return { latencyMs, outcome: { status: 'ci', ci } };
}
