import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planUntilGo } from '../../src/app/wait.js';
import { nextCheck } from '../../src/assess/wait.js';
import type { Plan } from '../../src/assess/plan-types.js';
import { IN_FREEZE, PEAK, SCENARIO_POLICY, scenarioRepos } from '../helpers/policy.js';
import type { TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

/**
 * `plan --wait` across a window boundary: --now starts the evaluations, a fake clock port moves time
 * on when the command sleeps, so nothing really waits.
 */

function fakeClock(start: string) {
  let now = Date.parse(start);
  const sleeps: number[] = [];
  return {
    sleeps,
    clock: {
      now: () => now,
      monotonic: () => now,
      sleep: (ms: number) => {
        sleeps.push(ms);
        now += ms;
        return Promise.resolve();
      },
    },
  };
}

let repos: ReturnType<typeof scenarioRepos>;

beforeAll(() => {
  repos = scenarioRepos('da-wait-');
});
afterAll(() => {
  for (const repo of Object.values(repos)) repo.cleanup();
});

async function waitPlan(repo: TestRepo, now: string, ...args: string[]) {
  const fake = fakeClock(now);
  const result = await runCli(
    ['--repo', repo.dir, '--format', 'json', 'plan', '--now', now, '--wait', ...args],
    { clock: fake.clock },
  );
  return { ...result, sleeps: fake.sleeps };
}

describe('plan --wait', () => {
  it('a WAIT at peak sleeps until the preferred window opens, re-evaluates, and exits GO', async () => {
    const { code, stdout, stderr, sleeps } = await waitPlan(repos.aiReviewed, PEAK, '--max-wait', '12h');
    // Monday 11:00 to the preferred window at 20:00 Los Angeles: one sleep of 9 hours.
    expect(sleeps).toEqual([9 * 3_600_000]);
    const plan = JSON.parse(stdout) as Plan;
    expect(plan.verdict).toBe('GO');
    expect(code).toBe(0);
    expect(plan.timing.now).toBe('2026-11-23T20:00:00-08:00');
    expect(stderr.trim().split('\n')).toEqual([
      'deployadvisor: --wait: WAIT at 2026-11-23T11:00:00-08:00; re-evaluating at 2026-11-24T04:00:00Z (in 9h 00m 00s): the next window opens Mon 23 Nov 20:00.',
      'deployadvisor: --wait: GO at 2026-11-23T20:00:00-08:00: the verdict is GO.',
    ]);
  });

  it('on a terminal the sleep is a countdown on the progress line, a second at a time', async () => {
    const fake = fakeClock(PEAK);
    const updates: string[] = [];
    const ports = {
      env: {},
      cwd: repos.aiReviewed.dir,
      clock: fake.clock,
      progress: () =>
        Promise.resolve({
          update: (text: string) => {
            updates.push(text);
          },
          stop: () => undefined,
        }),
    };
    const request = {
      repo: repos.aiReviewed.dir,
      target: 'HEAD',
      now: PEAK,
      failOn: 'wait',
      record: false,
    } as const;
    const result = await planUntilGo(ports, request, { maxWaitMs: 12 * 3_600_000, countdown: true });
    expect(result.plan.verdict).toBe('GO');
    expect(fake.sleeps).toHaveLength(9 * 3600);
    expect(new Set(fake.sleeps)).toEqual(new Set([1000]));
    expect(updates[0]).toBe('Waiting 9h 00m 00s: the next window opens Mon 23 Nov 20:00');
    expect(updates.at(-1)).toBe('Waiting 0m 01s: the next window opens Mon 23 Nov 20:00');
  });

  it('a window past --max-wait is not waited for: WAIT exits 3 at once', async () => {
    const { code, stderr, sleeps } = await waitPlan(repos.aiReviewed, PEAK, '--max-wait', '2h');
    expect(sleeps).toEqual([]);
    expect(code).toBe(3);
    expect(stderr).toContain('would be past --max-wait');
  });

  it('BLOCK and a freeze exit at once: waiting never turns them into GO', async () => {
    const block = await waitPlan(repos.ai, PEAK);
    expect(block.sleeps).toEqual([]);
    expect(block.code).toBe(4);
    expect(block.stderr).toContain('BLOCK needs a human decision');
    const freeze = await waitPlan(repos.docs, IN_FREEZE, '--max-wait', '7d');
    expect(freeze.sleeps).toEqual([]);
    expect(freeze.code).toBe(4);
  });

  it('a freeze at level wait is not waited out either', async () => {
    repos.docs.write('.deployadvisor.yml', SCENARIO_POLICY.replace('level: block', 'level: wait'));
    repos.docs.commit('policy: the holiday freeze only waits');
    const { code, stderr, sleeps } = await waitPlan(repos.docs, IN_FREEZE, '--max-wait', '7d');
    expect(sleeps).toEqual([]);
    expect(code).toBe(3);
    expect(stderr).toContain('a deploy freeze is not waited out');
  });

  it.each([['0h'], ['6 hours'], ['8d'], ['-1h'], ['']])('--max-wait %j is a usage error', async (value) => {
    const { code, stderr, sleeps } = await waitPlan(repos.docs, PEAK, '--max-wait', value);
    expect(code).toBe(2);
    expect(stderr).toContain('--max-wait');
    expect(sleeps).toEqual([]);
  });

  it('--max-wait without --wait is a usage error', async () => {
    const result = await runCli(['--repo', repos.docs.dir, 'plan', '--max-wait', '6h']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--max-wait goes with --wait');
  });
});

describe('nextCheck', () => {
  const base = {
    verdict: 'WAIT',
    gates: [{ id: 'health', kind: 'source', level: 'wait', title: 't', reason: 'r', until: null }],
    timing: { nextWindow: null, horizonDays: 14 },
  } as unknown as Plan;
  const now = Date.parse('2026-11-23T10:00:00Z');

  it('a WAIT on a source polls every five minutes', () => {
    expect(nextCheck(base, now, now + 3_600_000)).toEqual({
      kind: 'sleep',
      until: now + 300_000,
      reason: 'a source may recover',
    });
  });

  it('an INCONCLUSIVE without a source to recover stops', () => {
    expect(nextCheck({ ...base, verdict: 'INCONCLUSIVE', gates: [] }, now, now + 3_600_000).kind).toBe(
      'stop',
    );
  });

  it('a WAIT with no window in the horizon stops', () => {
    const timing = { ...base, gates: [{ ...base.gates[0], kind: 'timing', id: 'peak' }] } as Plan;
    expect(nextCheck(timing, now, now + 3_600_000)).toEqual({
      kind: 'stop',
      reason: 'no window opens in the next 14 days',
    });
  });
});
