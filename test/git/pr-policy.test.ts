import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/assess/plan-types.js';
import { CLAUDE, OFF_PEAK, SCENARIO_POLICY, scenarioBase } from '../helpers/policy.js';
import type { TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

/**
 * Policy trust in pull-request jobs (SPEC 4.4): without --policy-ref, a GitHub or GitLab PR job reads
 * the policy from the base branch, and a working-tree policy that differs is reported, not applied.
 */

/** The pull request drops the payments zone and raises the thresholds out of reach. */
const WEAKENED = SCENARIO_POLICY.replace(/riskZones:[\s\S]*?(?=windows:)/, 'riskZones: []\n').replace(
  'thresholds: { waitAt: 50, blockAt: 80 }',
  'thresholds: { waitAt: 99, blockAt: 100 }',
);

describe('policy in a pull-request job', () => {
  let repo: TestRepo;
  let basePolicyBlob: string;

  beforeAll(() => {
    expect(WEAKENED).not.toBe(SCENARIO_POLICY);
    repo = scenarioBase('da-pr-');
    basePolicyBlob = repo.git('rev-parse', 'main:.deployadvisor.yml').trim();
    // What actions/checkout with fetch-depth: 0 leaves: the base branch as a remote-tracking ref.
    repo.git('update-ref', 'refs/remotes/origin/main', 'main');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('.deployadvisor.yml', WEAKENED);
    repo.writeLines('src/payments/charge.ts', 320, 'charge');
    repo.commit('payments: new charge flow, and a looser policy', { trailers: [CLAUDE] });
  });
  afterAll(() => {
    repo?.cleanup();
  });

  const plan = async (env: Record<string, string>, ...extra: string[]) => {
    const result = await runCli(
      ['--repo', repo.dir, '--format', 'json', ...extra, 'plan', '--now', OFF_PEAK, '--from', 'main'],
      { env },
    );
    return { ...result, plan: result.stdout === '' ? null : (JSON.parse(result.stdout) as Plan) };
  };

  it('GitHub: the plan uses the base-branch policy and reports the working-tree difference', async () => {
    const pr = await plan({ GITHUB_BASE_REF: 'main' });
    const own = await plan({});
    expect(pr.plan?.policy).toEqual({
      source: 'ref',
      path: '.deployadvisor.yml',
      ref: 'origin/main',
      blobSha: basePolicyBlob,
    });
    expect(pr.plan?.zones.map((z) => z.name)).toEqual(['payments']);
    expect(pr.plan?.verdict).not.toBe('GO');
    expect(pr.plan?.diagnostics).toContainEqual({
      id: 'policy-not-applied',
      level: 'warning',
      message: expect.stringContaining(
        "differs from main's and is not applied in a pull-request job",
      ) as unknown,
      remedy: expect.any(String) as unknown,
    });
    // Without the PR environment: the working tree, as before, and nothing to report.
    expect(own.plan?.policy.source).toBe('file');
    expect(own.plan?.zones).toEqual([]);
    expect(own.plan?.verdict).toBe('GO');
    expect(own.plan?.diagnostics.map((d) => d.id)).not.toContain('policy-not-applied');

    const text = await runCli(['--repo', repo.dir, 'plan', '--now', OFF_PEAK, '--from', 'main'], {
      env: { GITHUB_BASE_REF: 'main' },
    });
    expect(text.stdout.replace(/\s+/g, ' ')).toContain(
      "differs from main's and is not applied in a pull-request job",
    );
  });

  it('an explicit --policy-ref still wins', async () => {
    const pr = await plan({ GITHUB_BASE_REF: 'main' }, '--policy-ref', 'HEAD');
    expect(pr.plan?.policy.ref).toBe('HEAD');
    expect(pr.plan?.zones).toEqual([]);
    expect(pr.plan?.diagnostics.map((d) => d.id)).not.toContain('policy-not-applied');
  });

  it('GitLab: the target branch, falling back to the local branch when there is no origin/<base>', async () => {
    repo.git('update-ref', '-d', 'refs/remotes/origin/main');
    try {
      const pr = await plan({ CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main' });
      expect(pr.plan?.policy).toMatchObject({ source: 'ref', ref: 'main', blobSha: basePolicyBlob });
      expect(pr.plan?.diagnostics.map((d) => d.id)).toContain('policy-not-applied');
    } finally {
      repo.git('update-ref', 'refs/remotes/origin/main', 'main');
    }
  });

  it('an unchanged policy is not reported', async () => {
    repo.write('.deployadvisor.yml', SCENARIO_POLICY);
    try {
      const same = await plan({ GITHUB_BASE_REF: 'main' });
      expect(same.plan?.policy.ref).toBe('origin/main');
      expect(same.plan?.diagnostics.map((d) => d.id)).not.toContain('policy-not-applied');
    } finally {
      repo.write('.deployadvisor.yml', WEAKENED);
    }
  });

  it('a base branch that is not in the clone fails closed (exit 2), saying to fetch it or pass --policy-ref', async () => {
    const missing = await plan({ GITHUB_BASE_REF: 'release/2026' });
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('neither origin/release/2026 nor release/2026 is in this clone');
    expect(missing.stderr).toContain('fetch-depth: 0');
    expect(missing.stderr).toContain('--policy-ref');
  });

  it('a base branch without a policy file gives the embedded defaults, and the PR policy is reported', async () => {
    const empty = repo.git('hash-object', '-t', 'tree', '-w', '/dev/null').trim();
    const commit = repo.git('commit-tree', empty, '-m', 'empty').trim();
    repo.git('update-ref', 'refs/remotes/origin/bare-base', commit);
    const pr = await plan({ GITHUB_BASE_REF: 'bare-base' }, '--policy-ref', 'origin/bare-base');
    expect(pr.code).toBe(2);
    const defaults = await plan({ GITHUB_BASE_REF: 'bare-base' });
    expect(defaults.plan?.policy).toEqual({ source: 'defaults', path: null, ref: null, blobSha: null });
    expect(defaults.plan?.diagnostics.map((d) => d.id)).toContain('policy-not-applied');
  });
});

describe('a pull request that redirects a metrics source and lowers blockAt', () => {
  const SECRET = 'pr-s3cret-token-4711';
  const SECRET_ENV = 'DA_PR_METRICS_TOKEN';
  const requests: Array<{ url: string | undefined; headers: IncomingHttpHeaders }> = [];
  let server: Server;
  let origin: string;
  let repo: TestRepo;

  beforeAll(async () => {
    // The PR's "metrics" host: records every request, answers a healthy value.
    server = createServer((req, res) => {
      requests.push({ url: req.url, headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errorRate: 0 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    origin = `http://127.0.0.1:${address.port}`;

    repo = scenarioBase('da-pr-sources-');
    repo.git('update-ref', 'refs/remotes/origin/main', 'main');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write(
      '.deployadvisor.yml',
      `${SCENARIO_POLICY.replace('thresholds: { waitAt: 50, blockAt: 80 }', 'thresholds: { waitAt: 0, blockAt: 0 }')}sources:
  metrics:
    - name: pr-metrics
      provider: http-json
      url: ${origin}/collect
      query: $.errorRate
      max: 1
      tokenEnv: ${SECRET_ENV}
`,
    );
    repo.writeLines('src/app.ts', 12, 'app');
    repo.commit('app: small change, and a stricter policy pointing at my host');
  });
  afterAll(async () => {
    repo?.cleanup();
    await new Promise((resolve) => server?.close(resolve));
  });

  const plan = (env: Record<string, string>) =>
    runCli(['--repo', repo.dir, '--format', 'json', 'plan', '--now', OFF_PEAK, '--from', 'main'], {
      env: { [SECRET_ENV]: SECRET, ...env },
    });

  it('the working-tree policy (no PR job) does ask the host: the recorder works', async () => {
    requests.length = 0;
    const own = await plan({});
    const json = JSON.parse(own.stdout) as Plan;
    expect(json.policy.source).toBe('file');
    expect(json.verdict).toBe('BLOCK');
    expect(json.sources.map((s) => [s.name, s.status])).toEqual([['pr-metrics', 'ok']]);
    expect(requests.map((r) => [r.url, r.headers.authorization])).toEqual([['/collect', `Bearer ${SECRET}`]]);
  });

  it('with GITHUB_BASE_REF: the base policy decides, the PR host gets nothing, the token is never printed', async () => {
    requests.length = 0;
    const pr = await plan({ GITHUB_BASE_REF: 'main' });
    const json = JSON.parse(pr.stdout) as Plan;
    expect(json.policy).toMatchObject({ source: 'ref', ref: 'origin/main' });
    expect(json.thresholds).toMatchObject({ waitAt: 50, blockAt: 80 });
    expect(json.score).toBeLessThan(50);
    expect(json.verdict).toBe('GO');
    expect(json.sources).toEqual([]);
    expect(json.diagnostics.map((d) => d.id)).toContain('policy-not-applied');
    expect(requests).toEqual([]);
    expect(pr.stdout + pr.stderr).not.toContain(SECRET);

    const text = await runCli(['--repo', repo.dir, 'plan', '--now', OFF_PEAK, '--from', 'main'], {
      env: { [SECRET_ENV]: SECRET, GITHUB_BASE_REF: 'main' },
    });
    expect(requests).toEqual([]);
    expect(text.stdout + text.stderr).not.toContain(SECRET);
    expect(text.stdout + text.stderr).not.toContain(origin);
  });
});
