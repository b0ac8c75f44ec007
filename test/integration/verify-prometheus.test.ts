import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppPorts } from '../../src/app/ports.js';
import { verifyDeploy } from '../../src/app/verify.js';
import type { VerifyResult } from '../../src/assess/verify-types.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';
import { schemaErrorsText, schemaValidator } from '../helpers/schemas.js';
import {
  freePort,
  liveServersAvailable,
  startPrometheusWithData,
  type LiveServer,
} from '../helpers/servers.js';

/**
 * `verify` against a real Prometheus on 127.0.0.1 whose TSDB is backfilled (promtool) with known
 * series around a deploy that started at STARTED: 10-minute rollout, 30-minute window.
 */

export const STARTED = '2026-11-18T10:00:00Z';
const S = Date.parse(STARTED) / 1000;
/** After the window closed (10:40). */
const AFTER_CLOSE = '2026-11-18T10:45:00Z';

/** Samples every 15 s from an hour before the deploy to an hour after; `value(i, after)`; none where null. */
function series(labels: string, value: (i: number, after: boolean) => number | null): string[] {
  const lines: string[] = [];
  for (let t = S - 3600, i = 0; t <= S + 3600; t += 15, i += 1) {
    const v = value(i, t >= S);
    if (v !== null) lines.push(`app_error_rate{${labels}} ${v} ${t}`);
  }
  return lines;
}

const noise = (i: number) => (i % 5) * 0.00002;
export const OPENMETRICS = [
  '# TYPE app_error_rate gauge',
  ...series('case="double"', (i, after) => (after ? 0.02 : 0.01) + noise(i)),
  ...series('case="small"', (i, after) => (after ? 0.0103 : 0.01) + noise(i)),
  ...series('case="gone"', (i, after) => (after ? null : 0.01 + noise(i))),
  '# EOF',
  '',
].join('\n');

const validate = schemaValidator('verify');

describe.skipIf(!liveServersAvailable())('verify against a backfilled Prometheus', () => {
  let prometheus: LiveServer;
  let repo: TestRepo;
  let deadUrl: string;
  let startedId: string;

  const policy = (metrics: string, extra = '') =>
    `version: 1\nenvironments:\n  production: { deployMinutes: 10 }\nsources:\n  timeoutMs: 3000\n  metrics:\n${metrics}verify:\n  windowMinutes: 30\n${extra}`;
  const metric = (name: string, caseName: string, more = '', url?: string) =>
    `    - { name: ${name}, provider: prometheus, url: "${url ?? prometheus.url}", query: 'app_error_rate{case="${caseName}"}', max: 0.05${more} }\n`;

  async function verify(config: string, args: string[] = [], format = 'json') {
    repo.write('.deployadvisor.yml', config);
    const run = await runCli([
      '--repo',
      repo.dir,
      '--format',
      format,
      'verify',
      '--now',
      AFTER_CLOSE,
      ...args,
    ]);
    const result = format === 'json' && run.stdout !== '' ? (JSON.parse(run.stdout) as VerifyResult) : null;
    // Every JSON answer, whatever its verdict, matches docs/verify.schema.json.
    if (result !== null) expect(validate(result), schemaErrorsText(validate.errors)).toBe(true);
    return { ...run, result };
  }

  beforeAll(async () => {
    prometheus = await startPrometheusWithData(OPENMETRICS);
    deadUrl = `http://127.0.0.1:${await freePort()}`;
    repo = makeRepo('da-verify-');
    repo.write('app.txt', 'v1\n');
    repo.commit('first');
    repo.write('app.txt', 'v2\n');
    repo.commit('second');
    const started = await runCli(['--repo', repo.dir, 'record', 'started', '--at', STARTED]);
    expect(started.code, started.stderr).toBe(0);
    startedId = (
      JSON.parse(repo.git('cat-file', '-p', 'refs/deployadvisor/ledger:record.json')) as { id: string }
    ).id;
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    repo?.cleanup();
  });

  it('a deploy whose error rate doubles is FAIL (exit 4) naming the metric, with medians, shift and p', async () => {
    const { code, result, stderr } = await verify(policy(metric('errors', 'double')));
    expect(code, stderr).toBe(4);
    expect(validate(result), schemaErrorsText(validate.errors)).toBe(true);
    expect(result?.verdict).toBe('FAIL');
    const [errors] = result?.metrics ?? [];
    expect(errors?.status).toBe('high');
    expect(errors?.median.baseline).toBeCloseTo(0.01004, 6);
    expect(errors?.median.after).toBeCloseTo(0.02004, 6);
    expect(errors?.relativeShift).toBeCloseTo(1, 2);
    expect(errors?.p).toBeLessThan(1e-6);
    expect(errors?.samples).toEqual({ baseline: 31, after: 31 });
    expect(result?.reasons[0]).toMatch(
      /^errors: higher after the deploy: median 0\.01004 → 0\.02004 \(\+99\.\d%, p<0\.0001\)/,
    );
    expect(result?.deploy.startedId).toBe(startedId);
    expect(result?.window).toEqual({
      from: '2026-11-18T10:10:00Z',
      to: '2026-11-18T10:40:00Z',
      until: '2026-11-18T10:40:00Z',
      complete: true,
    });
  });

  it('a small shift inside the tolerance is PASS (exit 0), though significant', async () => {
    const { code, result, stderr } = await verify(policy(metric('errors', 'small')));
    expect(code, stderr).toBe(0);
    expect(result?.verdict).toBe('PASS');
    expect(result?.metrics[0]?.status).toBe('pass');
    expect(result?.metrics[0]?.p).toBeLessThan(0.05);
    expect(result?.metrics[0]?.relativeShift).toBeCloseTo(0.03, 3);
    expect(result?.metrics[0]?.summary).toMatch(/^a significant shift within the 10% tolerance/);
  });

  it('the same small shift fails when the tolerance is tighter than it', async () => {
    const { code, result } = await verify(
      policy(metric('errors', 'small'), '  metrics:\n    - { source: errors, tolerance: 0.01 }\n'),
    );
    expect(code).toBe(4);
    expect(result?.metrics[0]?.status).toBe('high');
  });

  it('a metric with no samples after the deploy is INCONCLUSIVE (exit 5)', async () => {
    const { code, result } = await verify(policy(metric('errors', 'gone')));
    expect(code).toBe(5);
    expect(result?.verdict).toBe('INCONCLUSIVE');
    expect(result?.metrics[0]?.status).toBe('no-data');
    expect(result?.metrics[0]?.samples).toEqual({ baseline: 31, after: 0 });
    expect(result?.reasons[0]).toMatch(/^errors: too few samples: 0 after the deploy .*\(onNoData: wait\)$/);
  });

  it('a source that is down follows its onError: inconclusive, ignore, block', async () => {
    const down = (onError: string) => metric('down', 'double', `, onError: ${onError}`, deadUrl);
    const inconclusive = await verify(policy(down('inconclusive')));
    expect(inconclusive.code).toBe(5);
    expect(inconclusive.result?.metrics[0]?.status).toBe('unavailable');
    expect(inconclusive.result?.reasons[0]).toMatch(/^down: .*127\.0\.0\.1.*\(onError: inconclusive\)$/);
    const ignored = await verify(policy(down('ignore') + metric('errors', 'small')));
    expect(ignored.code).toBe(0);
    expect(ignored.result?.verdict).toBe('PASS');
    expect(ignored.result?.metrics.map((m) => m.status)).toEqual(['unavailable', 'pass']);
    const blocked = await verify(policy(down('block')));
    expect(blocked.code).toBe(4);
    expect(blocked.result?.verdict).toBe('FAIL');
  });

  it('before the window closes it is INCONCLUSIVE, unless a critical metric already failed', async () => {
    const config = policy(metric('errors', 'double'));
    repo.write('.deployadvisor.yml', config);
    const open = await runCli([
      '--repo',
      repo.dir,
      '--format',
      'json',
      'verify',
      '--now',
      '2026-11-18T10:20:00Z',
    ]);
    expect(open.code).toBe(5);
    expect((JSON.parse(open.stdout) as VerifyResult).reasons[0]).toBe(
      'the window is open until 2026-11-18T10:40:00Z: run verify again then, or with --watch',
    );
    const critical = await verify(
      policy(metric('errors', 'double'), '  metrics:\n    - { source: errors, critical: true }\n'),
    );
    expect(critical.code).toBe(4);
  });

  it('text, markdown and github name the metric and its values', async () => {
    const config = policy(metric('errors', 'double'));
    const text = await verify(config, [], 'text');
    expect(text.stdout.split('\n')[0]).toBe(
      `verify FAIL: production, ${repo.git('rev-parse', 'HEAD').trim().slice(0, 12)} started 2026-11-18T10:00:00Z (#1)`,
    );
    expect(text.stdout).toContain('0.01004 → 0.02004');
    expect(text.stdout.split('\n').filter((row) => row.length > 80)).toEqual([]);
    const markdown = await verify(config, [], 'markdown');
    expect(markdown.stdout).toContain('## deployadvisor verify: FAIL');
    expect(markdown.stdout).toMatch(/\| errors \| high \| 0\.01004 → 0\.02004 \| 99\.\d% \| p<0\.0001 \|/);
    const github = await verify(config, [], 'github');
    expect(github.stdout).toMatch(
      /^::error title=deployadvisor verify%3A FAIL::errors: higher after the deploy/,
    );
    expect(github.stdout).toContain('::error title=Metric errors high::');
  });

  /** Ports whose clock starts at `start` and whose sleep only moves it on: --watch without waiting. */
  function fakePorts(start: string): AppPorts & { sleeps: number[]; shown: string[] } {
    let now = Date.parse(start);
    const sleeps: number[] = [];
    const shown: string[] = [];
    return {
      env: {},
      cwd: repo.dir,
      clock: {
        now: () => now,
        monotonic: () => performance.now(),
        sleep: (ms) => {
          sleeps.push(ms);
          now += ms;
          return Promise.resolve();
        },
      },
      progress: (text) => {
        shown.push(text);
        return Promise.resolve({ update: (next) => shown.push(next), stop() {} });
      },
      sleeps,
      shown,
    };
  }

  it('--watch judges each minute until the window closes, on the clock port', async () => {
    repo.write('.deployadvisor.yml', policy(metric('errors', 'small')));
    const ports = fakePorts('2026-11-18T10:05:00Z');
    const result = await verifyDeploy(ports, { repo: repo.dir, watch: true });
    expect(result.verdict).toBe('PASS');
    expect(result.window).toMatchObject({ until: '2026-11-18T10:40:00Z', complete: true });
    // 10:05 -> 10:10 (the rollout), then a minute at a time to 10:40.
    expect(ports.sleeps).toEqual([300_000, ...Array<number>(30).fill(60_000)]);
    expect(result.rounds).toBe(32);
    expect(ports.shown.at(-1)).toBe('Watching 1 metric(s) until 2026-11-18T10:40:00Z');
  });

  it('--watch stops early when a critical metric fails', async () => {
    repo.write(
      '.deployadvisor.yml',
      policy(metric('errors', 'double'), '  metrics:\n    - { source: errors, critical: true }\n'),
    );
    const ports = fakePorts('2026-11-18T10:11:00Z');
    const result = await verifyDeploy(ports, { repo: repo.dir, watch: true });
    expect(result.verdict).toBe('FAIL');
    expect(result.failedFast).toBe(true);
    // 10:11 has 2 samples after the deploy, too few; 5 samples are there at 10:14.
    expect(result.window).toMatchObject({ until: '2026-11-18T10:14:00Z', complete: false });
    expect(result.rounds).toBe(4);
    expect(result.exitCode).toBe(4);
  });

  it('--watch and --now together are a usage error', async () => {
    const run = await runCli(['--repo', repo.dir, 'verify', '--watch', '--now', AFTER_CLOSE]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--watch and --now do not go together');
  });

  it('--record appends one failed record linked to the started one, and insights counts the failure', async () => {
    const config = policy(metric('errors', 'double'));
    const before = repo.git('rev-list', '--count', 'refs/deployadvisor/ledger').trim();
    const { code, result, stderr } = await verify(config, ['--record']);
    expect(code, stderr).toBe(4);
    expect(stderr).toContain('deployadvisor: recorded failed #2 for production');
    expect(repo.git('rev-list', '--count', 'refs/deployadvisor/ledger').trim()).toBe(
      String(Number(before) + 1),
    );
    const record = JSON.parse(repo.git('cat-file', '-p', 'refs/deployadvisor/ledger:record.json')) as Record<
      string,
      unknown
    >;
    expect(record.type).toBe('failed');
    expect(record.deployId).toBe(startedId);
    expect(record.at).toBe('2026-11-18T10:40:00Z');
    expect(record.reason).toMatch(
      /^verify FAIL: errors: higher after the deploy: median 0\.01004 → 0\.02004/,
    );
    expect(result?.recorded).toMatchObject({ type: 'failed', seq: 2 });
    const insights = await runCli(['--repo', repo.dir, '--format', 'json', 'insights', '--now', AFTER_CLOSE]);
    expect(insights.code, insights.stderr).toBe(0);
    const rate = (
      JSON.parse(insights.stdout) as { dora: { changeFailureRate: { value: number; sample: number } } }
    ).dora.changeFailureRate;
    expect(rate).toMatchObject({ value: 1, sample: 1 });
    // The next plan's history factor learns from it too.
    const plan = await runCli([
      '--repo',
      repo.dir,
      '--format',
      'json',
      'plan',
      '--offline',
      '--now',
      AFTER_CLOSE,
    ]);
    const history = (
      JSON.parse(plan.stdout) as { factors: Array<{ id: string; evidence: string[] }> }
    ).factors.find((factor) => factor.id === 'history');
    expect(history?.evidence[0]).toMatch(/^base rate: 1 of 1 deploys? .*failed/);
    // And backtest labels the deployed change failed by the ledger.
    const backtest = await runCli(['--repo', repo.dir, '--format', 'json', 'backtest']);
    expect(backtest.code, backtest.stderr).toBe(0);
    const head = repo.git('rev-parse', 'HEAD').trim();
    const changes = (
      JSON.parse(backtest.stdout) as { changes: Array<{ sha: string; failedBy: string | null }> }
    ).changes;
    expect(changes.find((change) => change.sha === head)?.failedBy).toBe('ledger');
    const again = await verify(config, ['--record']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already has an outcome: failed #2/);
    const explained = await runCli(['--repo', repo.dir, 'explain', 'HEAD']);
    expect(explained.code, explained.stderr).toBe(0);
    // explain wraps at 80 columns off a terminal: the line is read with its continuation joined.
    expect(explained.stdout.replace(/\n +/g, ' ')).toContain(
      'verify FAIL over 2026-11-18T10:10:00Z to 2026-11-18T10:40:00Z, the deploy started in #1:',
    );
    expect(explained.stdout).toMatch(
      /\n {8}errors high, median 0\.01004 → 0\.02004 \(\+99\.\d%\), p<0\.0001\n/,
    );
    const verified = await runCli(['--repo', repo.dir, 'ledger', 'verify']);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  });
});
