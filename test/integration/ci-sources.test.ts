import { MockAgent } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/assess/plan-types.js';
import { assessSources, type SourceFacts } from '../../src/assess/sources.js';
import { collectSources } from '../../src/collect/sources/index.js';
import { sourcesSchema, type CI_PROVIDERS } from '../../src/config/sources-schema.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli, runPlanJson } from '../helpers/run.js';
import { schemaErrorsText, schemaValidator } from '../helpers/schemas.js';

/**
 * CI sources (GitHub Actions, GitLab pipelines, CircleCI insights) against undici MockAgent replies
 * shaped after each provider's documented API. No network: the agent refuses real connections.
 */

type Provider = (typeof CI_PROVIDERS)[number];
type Target = 'success' | 'failure' | 'pending';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const TOKEN = 'tok-s3cret-ci-123';
const TOKEN_ENV = 'CI_TOKEN_FOR_TEST';

interface Scenario {
  /** Main-branch outcomes. */
  success: number;
  failure: number;
  /** Runs that do not count (cancelled / canceled / skipped). */
  ignored?: number;
  target?: Target;
  /** Statuses answered by the main-branch endpoint before the good answer. */
  before?: number[];
  /** The PR evidence (GitHub only). */
  review?: {
    createdAt: string;
    approvedAt: string;
    lines: number;
    selfApproved?: boolean;
    comments?: number;
  };
}

const ORIGIN: Record<Provider, string> = {
  github: 'https://api.github.com',
  gitlab: 'https://gitlab.com',
  circleci: 'https://circleci.com',
};

const AUTH: Record<Provider, Record<string, string>> = {
  github: {
    authorization: `Bearer ${TOKEN}`,
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
  },
  gitlab: { 'private-token': TOKEN },
  circleci: { 'circle-token': TOKEN },
};

function mockGithub(agent: MockAgent, s: Scenario, sha = SHA): void {
  const pool = agent.get(ORIGIN.github);
  const headers = AUTH.github;
  const runsPath = '/repos/acme/web/actions/runs?branch=main&status=completed&per_page=20';
  for (const status of s.before ?? [])
    pool.intercept({ path: runsPath, headers }).reply(status, { message: 'Bad credentials' });
  const conclusions = [
    ...Array<string>(s.success).fill('success'),
    ...Array<string>(s.failure).fill('failure'),
    ...Array<string>(s.ignored ?? 0).fill('cancelled'),
  ];
  pool.intercept({ path: runsPath, headers }).reply(200, {
    total_count: conclusions.length,
    workflow_runs: conclusions.map((conclusion, i) => ({
      id: i + 1,
      head_branch: 'main',
      status: 'completed',
      conclusion,
    })),
  });
  const checkRuns =
    s.target === 'failure'
      ? [
          { name: 'build', status: 'completed', conclusion: 'success' },
          { name: 'test', status: 'completed', conclusion: 'failure' },
        ]
      : s.target === 'pending'
        ? [
            { name: 'build', status: 'completed', conclusion: 'success' },
            { name: 'test', status: 'in_progress', conclusion: null },
          ]
        : [
            { name: 'build', status: 'completed', conclusion: 'success' },
            { name: 'lint', status: 'completed', conclusion: 'skipped' },
          ];
  pool
    .intercept({ path: `/repos/acme/web/commits/${sha}/check-runs?per_page=100`, headers })
    .reply(200, { total_count: checkRuns.length, check_runs: checkRuns.map((r, i) => ({ id: i, ...r })) });
  const review = s.review;
  pool
    .intercept({ path: `/repos/acme/web/commits/${sha}/pulls`, headers })
    .reply(200, review === undefined ? [] : [{ number: 7, state: 'closed', user: { login: 'alice' } }]);
  if (review === undefined) return;
  pool.intercept({ path: '/repos/acme/web/pulls/7', headers }).reply(200, {
    number: 7,
    user: { login: 'alice' },
    created_at: review.createdAt,
    additions: review.lines - 10,
    deletions: 10,
    review_comments: review.comments ?? 0,
  });
  pool.intercept({ path: '/repos/acme/web/pulls/7/reviews?per_page=100', headers }).reply(200, [
    { id: 1, user: { login: 'alice' }, state: 'COMMENTED', submitted_at: review.approvedAt },
    {
      id: 2,
      user: { login: review.selfApproved === true ? 'alice' : 'bob' },
      state: 'APPROVED',
      submitted_at: review.approvedAt,
    },
  ]);
}

function mockGitlab(agent: MockAgent, s: Scenario): void {
  const pool = agent.get(ORIGIN.gitlab);
  const headers = AUTH.gitlab;
  const mainPath = '/api/v4/projects/acme%2Fweb/pipelines?ref=main&per_page=20&scope=finished';
  for (const status of s.before ?? [])
    pool.intercept({ path: mainPath, headers }).reply(status, { message: '401 Unauthorized' });
  const statuses = [
    ...Array<string>(s.success).fill('success'),
    ...Array<string>(s.failure).fill('failed'),
    ...Array<string>(s.ignored ?? 0).fill('canceled'),
  ];
  pool.intercept({ path: mainPath, headers }).reply(
    200,
    statuses.map((status, i) => ({ id: 100 - i, status, ref: 'main', sha: `${i}`.padStart(40, '0') })),
  );
  const targetStatus = s.target === 'failure' ? 'failed' : s.target === 'pending' ? 'running' : 'success';
  pool.intercept({ path: `/api/v4/projects/acme%2Fweb/pipelines?sha=${SHA}`, headers }).reply(200, [
    { id: 200, status: targetStatus, ref: 'feature', sha: SHA },
    // An older pipeline for the same commit: the newest one decides.
    { id: 150, status: 'failed', ref: 'feature', sha: SHA },
  ]);
}

function mockCircleci(agent: MockAgent, s: Scenario): void {
  const pool = agent.get(ORIGIN.circleci);
  const headers = AUTH.circleci;
  const path = '/api/v2/insights/gh/acme/web/workflows?branch=main';
  for (const status of s.before ?? [])
    pool.intercept({ path, headers }).reply(status, { message: 'Invalid token provided.' });
  // Two workflows: the aggregate is weighted by total runs.
  const big = Math.ceil((s.success + s.failure) / 2);
  const bigOk = Math.min(big, s.success);
  const small = s.success + s.failure - big;
  const smallOk = s.success - bigOk;
  const metrics = (total: number, ok: number) => ({
    total_runs: total,
    successful_runs: ok,
    failed_runs: total - ok,
    success_rate: total === 0 ? 0 : ok / total,
    throughput: 1,
    mttr: 0,
    total_credits_used: 10,
    duration_metrics: { min: 1, mean: 2, median: 2, p95: 3, max: 4, standard_deviation: 1 },
  });
  pool.intercept({ path, headers }).reply(200, {
    next_page_token: null,
    items: [
      { name: 'build-and-test', metrics: metrics(big, bigOk), window_start: '', window_end: '' },
      { name: 'nightly', metrics: metrics(small, smallOk), window_start: '', window_end: '' },
    ],
  });
}

const MOCK: Record<Provider, (agent: MockAgent, s: Scenario) => void> = {
  github: mockGithub,
  gitlab: mockGitlab,
  circleci: mockCircleci,
};

const REPO: Record<Provider, string> = { github: 'acme/web', gitlab: 'acme/web', circleci: 'gh/acme/web' };

function policyFor(provider: Provider, extra: Record<string, unknown> = {}) {
  return sourcesSchema.parse({
    ci: { provider, repo: REPO[provider], tokenEnv: TOKEN_ENV, onError: 'inconclusive', ...extra },
  });
}

let agent: MockAgent;

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
});

afterEach(async () => {
  await agent.close();
});

async function collect(
  provider: Provider,
  scenario: Scenario | null,
  options: { env?: Record<string, string>; extra?: Record<string, unknown> } = {},
): Promise<{
  fact: SourceFacts;
  gates: Array<[string, string]>;
  row: ReturnType<typeof assessSources>['results'][number];
}> {
  if (scenario !== null) MOCK[provider](agent, scenario);
  const policy = policyFor(provider, options.extra);
  const facts = await collectSources(policy, {
    env: options.env ?? { [TOKEN_ENV]: TOKEN },
    offline: false,
    targetSha: SHA,
    dispatcher: agent,
  });
  const assessed = assessSources(policy, facts, false);
  const fact = facts[0];
  const row = assessed.results[0];
  if (fact === undefined || row === undefined) throw new Error('no CI source result');
  return { fact, gates: assessed.gates.map((g) => [g.id, g.level]), row };
}

describe.each(['github', 'gitlab', 'circleci'] as const)('CI source: %s', (provider) => {
  const checksTarget = provider !== 'circleci';

  it('healthy: a high main-branch success rate and a passing target make no gate', async () => {
    const { fact, gates, row } = await collect(provider, {
      success: 19,
      failure: 1,
      ignored: 2,
      target: 'success',
    });
    expect(fact.outcome).toMatchObject({
      status: 'ci',
      ci: { runs: 20, succeeded: 19, target: checksTarget ? 'success' : 'none' },
    });
    expect(fact.latencyMs).toEqual(expect.any(Number));
    expect(gates).toEqual([]);
    expect(row.status).toBe('ok');
    expect(row.value).toContain('19/20 main-branch runs succeeded (95%)');
    if (!checksTarget) expect(row.reason).toContain('target status not checked');
  });

  it('failing target: BLOCK (CircleCI cannot tell, and says so)', async () => {
    const { fact, gates, row } = await collect(provider, { success: 20, failure: 0, target: 'failure' });
    if (checksTarget) {
      expect(gates).toEqual([['ci-target-failing', 'block']]);
      expect(fact.outcome).toMatchObject({
        ci: {
          target: 'failure',
          targetDetail: expect.stringContaining(SHA.slice(0, 12)) as unknown,
        },
      });
      if (provider === 'github') expect(row.value).toContain('target failure');
    } else {
      expect(gates).toEqual([]);
      expect(row.reason).toContain("CircleCI's API cannot look a pipeline up by commit sha");
    }
  });

  it('pending target: WAIT', async () => {
    const { fact, gates } = await collect(provider, { success: 20, failure: 0, target: 'pending' });
    if (checksTarget) {
      expect(gates).toEqual([['ci-target-pending', 'wait']]);
      expect(fact.outcome).toMatchObject({ ci: { target: 'pending' } });
    } else {
      expect(gates).toEqual([]);
    }
  });

  it('low main-branch success rate: WAIT', async () => {
    const { gates, row } = await collect(provider, { success: 14, failure: 6, target: 'success' });
    expect(gates).toEqual([['ci-main-unhealthy', 'wait']]);
    expect(row.value).toContain('14/20 main-branch runs succeeded (70%)');
    expect(row.reason).toContain('below minSuccessRate 0.9');
  });

  it('no completed runs: degraded, onNoData', async () => {
    const { gates, row } = await collect(
      provider,
      { success: 0, failure: 0, target: 'success' },
      { extra: { onNoData: 'block' } },
    );
    expect(row.status).toBe('degraded');
    expect(gates).toContainEqual(['source-no-data', 'block']);
  });

  it('retries a 5xx, then reads the answer', async () => {
    const { fact, gates } = await collect(provider, {
      success: 20,
      failure: 0,
      target: 'success',
      before: [503],
    });
    expect(fact.outcome).toMatchObject({ status: 'ci', ci: { runs: 20, succeeded: 20 } });
    expect(gates).toEqual([]);
  });

  it('401: unavailable, onError decides; the token never appears', async () => {
    const { fact, gates, row } = await collect(provider, { success: 20, failure: 0, before: [401] });
    expect(fact.outcome).toMatchObject({
      status: 'unavailable',
      reason: expect.stringContaining('HTTP 401') as unknown,
    });
    expect(gates).toEqual([['source-unavailable', 'inconclusive']]);
    expect(row.status).toBe('unavailable');
    expect(JSON.stringify([fact, row])).not.toContain(TOKEN);
  });

  it('a missing tokenEnv variable: unavailable without asking', async () => {
    const { fact, gates } = await collect(provider, null, { env: {} });
    expect(fact).toMatchObject({
      latencyMs: null,
      outcome: {
        status: 'unavailable',
        reason: `environment variable ${TOKEN_ENV} (tokenEnv) is not set`,
      },
    });
    expect(gates).toEqual([['source-unavailable', 'inconclusive']]);
  });

  it('a self-hosted url is honoured', async () => {
    const url = provider === 'github' ? 'https://ghe.example.com/api/v3' : 'https://ci.example.com';
    const pool = agent.get(provider === 'github' ? 'https://ghe.example.com' : 'https://ci.example.com');
    const prefix =
      provider === 'github'
        ? '/api/v3/repos/acme/web/actions/runs'
        : provider === 'gitlab'
          ? '/api/v4/projects/acme%2Fweb/pipelines'
          : '/api/v2/insights/gh/acme/web/workflows';
    pool
      .intercept({ path: (path: string) => path.startsWith(prefix) })
      .reply(404, {})
      .persist();
    const { fact } = await collect(provider, null, { extra: { url, timeoutMs: 2000 } });
    expect(fact.outcome).toMatchObject({
      status: 'unavailable',
      reason: expect.stringContaining(`${url}${prefix.replace(/^\/api\/v3/, '')}`) as unknown,
    });
  });
});

describe('GitHub pull request review evidence', () => {
  it('counts approvals by someone other than the author and review comments', async () => {
    const { row } = await collect('github', {
      success: 20,
      failure: 0,
      target: 'success',
      review: {
        createdAt: '2026-11-20T10:00:00Z',
        approvedAt: '2026-11-20T12:00:00Z',
        lines: 400,
        comments: 3,
      },
    });
    expect(row.reason).toBe(
      'CI evidence read; PR #7: 1 approval(s) by someone other than the author, 3 review comment(s), 400 changed lines',
    );
  });

  it('flags a rubber stamp: approved within 5 minutes of opening 300+ changed lines', async () => {
    const { row, gates } = await collect('github', {
      success: 20,
      failure: 0,
      target: 'success',
      review: { createdAt: '2026-11-20T10:00:00Z', approvedAt: '2026-11-20T10:04:00Z', lines: 300 },
    });
    expect(row.reason).toContain('rubber-stamp sign: approved within 5 minutes');
    expect(gates).toEqual([]);
  });

  it('a quick approval of a small change is no rubber stamp; a self-approval does not count', async () => {
    const small = await collect('github', {
      success: 20,
      failure: 0,
      target: 'success',
      review: { createdAt: '2026-11-20T10:00:00Z', approvedAt: '2026-11-20T10:01:00Z', lines: 40 },
    });
    expect(small.row.reason).not.toContain('rubber-stamp');
    await agent.close();
    agent = new MockAgent();
    agent.disableNetConnect();
    const self = await collect('github', {
      success: 20,
      failure: 0,
      target: 'success',
      review: {
        createdAt: '2026-11-20T10:00:00Z',
        approvedAt: '2026-11-20T10:01:00Z',
        lines: 900,
        selfApproved: true,
      },
    });
    expect(self.row.reason).toContain('PR #7: 0 approval(s)');
    expect(self.row.reason).not.toContain('rubber-stamp');
  });

  it('no pull request: said so', async () => {
    const { row } = await collect('github', { success: 20, failure: 0, target: 'success' });
    expect(row.reason).toBe('CI evidence read; review evidence: no pull request carries the target commit');
  });

  it('a review endpoint failure does not hide the CI evidence', async () => {
    const pool = agent.get(ORIGIN.github);
    const headers = AUTH.github;
    pool
      .intercept({ path: '/repos/acme/web/actions/runs?branch=main&status=completed&per_page=20', headers })
      .reply(200, { workflow_runs: [{ conclusion: 'success' }] });
    pool
      .intercept({ path: `/repos/acme/web/commits/${SHA}/check-runs?per_page=100`, headers })
      .reply(200, { check_runs: [{ name: 'build', status: 'completed', conclusion: 'success' }] });
    pool
      .intercept({ path: `/repos/acme/web/commits/${SHA}/pulls`, headers })
      .reply(200, [{ number: 7, user: { login: 'alice' } }]);
    pool.intercept({ path: '/repos/acme/web/pulls/7', headers }).reply(404, { message: 'Not Found' });
    pool.intercept({ path: '/repos/acme/web/pulls/7/reviews?per_page=100', headers }).reply(200, []);
    const { row, gates } = await collect('github', null);
    expect(row.status).toBe('ok');
    expect(row.value).toBe('1/1 main-branch runs succeeded (100%); target success');
    expect(row.reason).toBe(
      'CI evidence read; review evidence unavailable: https://api.github.com/repos/acme/web/pulls/7 answered HTTP 404: Not Found',
    );
    expect(gates).toEqual([]);
  });

  it('an unexpected response shape is unavailable, not a crash', async () => {
    agent
      .get(ORIGIN.github)
      .intercept({ path: (path: string) => path.startsWith('/repos/acme/web/') })
      .reply(200, { workflow_runs: 'nope', check_runs: [] })
      .persist();
    const { fact } = await collect('github', null);
    expect(fact.outcome).toMatchObject({
      status: 'unavailable',
      reason: expect.stringContaining('unexpected shape at workflow_runs') as unknown,
    });
  });
});

const validate = schemaValidator('plan');

describe('plan --format json with a GitHub CI source', () => {
  let repo: TestRepo;
  let head: string;

  beforeAll(() => {
    repo = makeRepo('da-ci-');
    repo.writeLines('src/app.ts', 20);
    repo.commit('initial');
    repo.write('README.md', '# docs only\n');
    head = repo.commit('docs');
    repo.write(
      '.deployadvisor.yml',
      `timezone: UTC\nsources:\n  ci: { provider: github, repo: acme/web, tokenEnv: ${TOKEN_ENV}, onError: wait }\n`,
    );
  });

  afterAll(() => {
    repo.cleanup();
  });

  async function plan(env: Record<string, string>): Promise<{ plan: Plan; out: string }> {
    const { plan: parsed, ...result } = await runPlanJson(repo.dir, ['--from', 'HEAD~1'], {
      env,
      dispatcher: agent,
    });
    expect(validate(parsed), schemaErrorsText(validate.errors)).toBe(true);
    return { plan: parsed, out: result.stdout + result.stderr };
  }

  it('asks for the target commit, BLOCKs on its failing checks, and never prints the token', async () => {
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    mockGithub(
      agent,
      {
        success: 18,
        failure: 2,
        target: 'failure',
        review: { createdAt: '2026-11-20T10:00:00Z', approvedAt: '2026-11-20T10:02:00Z', lines: 500 },
      },
      head,
    );
    const { plan: json, out } = await plan({ [TOKEN_ENV]: TOKEN });
    expect(json.verdict).toBe('BLOCK');
    expect(json.gates.map((g) => [g.id, g.level, g.title])).toEqual([
      ['ci-target-failing', 'block', 'Target commit fails CI (ci)'],
    ]);
    expect(json.sources).toEqual([
      {
        name: 'ci',
        kind: 'ci',
        status: 'ok',
        latencyMs: expect.any(Number) as unknown,
        query: 'acme/web main, last 20 runs',
        value: '18/20 main-branch runs succeeded (90%); target failure',
        reason: expect.stringMatching(
          /^CI evidence read; PR #7: 1 approval\(s\) by someone other than the author, 0 review comment\(s\), 500 changed lines, rubber-stamp sign/,
        ) as unknown,
        review: {
          pr: 7,
          approvals: 1,
          approvers: ['bob'],
          reviewComments: 0,
          changedLines: 500,
          rubberStamp: true,
        },
      },
    ]);
    expect(json.gates[0]?.reason).toBe(`check runs failing on ${head.slice(0, 12)}: test.`);
    expect(out).not.toContain(TOKEN);
    agent.assertNoPendingInterceptors();
  });

  it('a refused connection is unavailable (onError: wait); --offline does not ask', async () => {
    const { plan: down } = await plan({ [TOKEN_ENV]: TOKEN }); // no interceptors: the agent refuses
    expect(down.verdict).toBe('WAIT');
    expect(down.sources[0]?.status).toBe('unavailable');
    expect(down.gates.map((g) => g.id)).toEqual(['source-unavailable']);
    const offline = await runCli(
      [
        '--repo',
        repo.dir,
        '--format',
        'json',
        'plan',
        '--offline',
        '--now',
        '2026-11-23T10:00:00Z',
        '--from',
        'HEAD~1',
      ],
      { env: { [TOKEN_ENV]: TOKEN }, dispatcher: agent },
    );
    expect((JSON.parse(offline.stdout) as Plan).sources[0]).toMatchObject({
      status: 'skipped',
      reason: '--offline: not asked',
    });
  });

  it('an approved pull request lowers the review factor; a self-approval or a rubber stamp does not fully', async () => {
    const coded = makeRepo('da-ci-review-');
    try {
      coded.writeLines('src/app.ts', 20);
      coded.write(
        '.deployadvisor.yml',
        `timezone: UTC\nsources:\n  ci: { provider: github, repo: acme/web, tokenEnv: ${TOKEN_ENV}, onError: wait }\n`,
      );
      coded.commit('initial');
      coded.writeLines('src/app.ts', 200);
      const sha = coded.commit('grow the app, no review trailer');
      const reviewOf = async (review: Scenario['review']): Promise<Plan['factors'][number] | undefined> => {
        mockGithub(agent, { success: 20, failure: 0, target: 'success', ...(review ? { review } : {}) }, sha);
        const result = await runCli(
          [
            '--repo',
            coded.dir,
            '--format',
            'json',
            'plan',
            '--now',
            '2026-11-23T10:00:00Z',
            '--from',
            'HEAD~1',
          ],
          { env: { [TOKEN_ENV]: TOKEN }, dispatcher: agent },
        );
        const parsed = JSON.parse(result.stdout) as Plan;
        expect(validate(parsed), schemaErrorsText(validate.errors)).toBe(true);
        agent.assertNoPendingInterceptors();
        return parsed.factors.find((f) => f.id === 'review');
      };
      const without = await reviewOf(undefined);
      const approved = await reviewOf({
        createdAt: '2026-11-20T10:00:00Z',
        approvedAt: '2026-11-20T14:00:00Z',
        lines: 200,
        comments: 4,
      });
      const selfApproved = await reviewOf({
        createdAt: '2026-11-20T10:00:00Z',
        approvedAt: '2026-11-20T14:00:00Z',
        lines: 200,
        selfApproved: true,
      });
      const stamped = await reviewOf({
        createdAt: '2026-11-20T10:00:00Z',
        approvedAt: '2026-11-20T10:02:00Z',
        lines: 900,
      });
      // Points are the review finding's share of the score: what matters is how they compare. With
      // no pull request and no review trailer anywhere, missing review says nothing here.
      expect(without?.points).toBe(0);
      expect(without?.summary).toContain('Not counted');
      expect(approved?.points).toBe(0);
      expect(approved?.evidence).toEqual(['PR #7 approved by @bob (4 review comment(s), 200 changed lines)']);
      expect(selfApproved?.points).toBeGreaterThan(0);
      expect(selfApproved?.evidence[0]).toBe('PR #7 has no approval from someone other than its author');
      expect(stamped?.points).toBeGreaterThan(0);
      expect(stamped?.points).toBeLessThan(selfApproved?.points ?? 0);
      expect(stamped?.evidence[1]).toMatch(/^rubber-stamp sign: PR #7 .* counted as half a review/);
      expect(stamped?.advice).toMatch(/counts only half/);
    } finally {
      coded.cleanup();
    }
  });
});
