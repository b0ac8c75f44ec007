import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessTiming } from '../../src/assess/timing.js';
import { parsePolicy } from '../../src/config/parse.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli, runPlanJson } from '../helpers/run.js';

// `init`, then `plan` at every hour of a week for a change in each score band below blockAt: each one
// is GO now or WAIT with a window that opens within the week (issue #14: init's old preferred window
// lay inside peak, so scores from waitAt waited for ever).
const WEEK_START = Date.parse('2026-11-23T00:00:00Z'); // a Monday
const HOUR = 3_600_000;
const WEEK_MINUTES = 7 * 24 * 60;

describe('init writes a policy under which every score below blockAt ships within a week', () => {
  let repo: TestRepo;
  const bands: Array<{
    name: string;
    base: string;
    target: string;
    min: number;
    max: number;
    score: number;
  }> = [];

  beforeAll(async () => {
    repo = makeRepo('da-init-week-');
    repo.writeLines('src/app/main.ts', 40);
    repo.writeLines('src/payments/charge.ts', 40);
    repo.write('db/migrations/001_create.sql', 'CREATE TABLE users (id int);\n');
    const root = repo.commit('initial');
    const init = await runCli(['--repo', repo.dir, 'init'], { cwd: repo.dir, env: { TZ: 'UTC' } });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('Mon-Thu 17-19');
    repo.commit('policy');
    const check = await runCli(['--repo', repo.dir, 'config', 'check'], { cwd: repo.dir });
    expect(check.code).toBe(0);

    const base = repo.git('rev-parse', 'HEAD').trim();
    repo.write('src/app/main.ts', 'line 1 changed\n' + repo.git('show', `${root}:src/app/main.ts`).slice(7));
    bands.push({
      name: 'low (below riskyAt)',
      base,
      target: repo.commit('tweak main'),
      min: 0,
      max: 29,
      score: -1,
    });
    repo.git('reset', '-q', '--hard', base);
    repo.write('src/payments/charge.ts', 'line 1 changed\n');
    bands.push({
      name: 'risky (critical zone)',
      base,
      target: repo.commit('tweak charge'),
      min: 30,
      max: 49,
      score: -1,
    });
    repo.git('reset', '-q', '--hard', base);
    repo.write('db/migrations/002_drop.sql', 'DROP TABLE users;\n');
    bands.push({
      name: 'wait (irreversible migration)',
      base,
      target: repo.commit('drop users'),
      min: 50,
      max: 74,
      score: -1,
    });
  });

  afterAll(() => {
    repo.cleanup();
  });

  it('the bands are what the test means them to be', async () => {
    for (const band of bands) {
      const { plan } = await runPlanJson(repo.dir, [band.target, '--from', band.base, '--offline']);
      expect(plan.score, band.name).toBeGreaterThanOrEqual(band.min);
      expect(plan.score, band.name).toBeLessThanOrEqual(band.max);
      band.score = plan.score;
    }
  });

  it.each([0, 1, 2])(
    'band %i: at every hour of the week the timing is open, or opens within the week',
    (index) => {
      // The timing plan() runs, swept hourly with the policy init wrote and the band's real score.
      const band = bands[index];
      if (band === undefined) throw new Error('no band');
      const policy = parsePolicy(readFileSync(join(repo.dir, '.deployadvisor.yml'), 'utf8'), {
        kind: 'file',
        path: '.deployadvisor.yml',
        ref: null,
        blobSha: null,
      });
      const { riskyAt, waitAt, blockAt } = policy.thresholds;
      const stuck: string[] = [];
      for (let hour = 0; hour < 7 * 24; hour++) {
        const now = WEEK_START + hour * HOUR;
        const { timing } = assessTiming({
          policy,
          now,
          deployMinutes: 15,
          risky: band.score >= riskyAt,
          needsPreferred: band.score >= waitAt && band.score < blockAt,
        });
        const next = timing.nextWindow;
        if (next === null || next.startsInMinutes > WEEK_MINUTES)
          stuck.push(`${new Date(now).toISOString()}: next ${next?.start ?? 'none'}`);
      }
      expect(stuck, band.name).toEqual([]);
    },
  );

  it.each([0, 1, 2])(
    'band %i: plan, every 13 hours through the week, is GO or WAIT for a window within the week',
    async (index) => {
      const band = bands[index];
      if (band === undefined) throw new Error('no band');
      const stuck: string[] = [];
      // 13 and 24 share no factor: the instants fall on 13 different hours of the day.
      for (let hour = 0; hour < 7 * 24; hour += 13) {
        const now = new Date(WEEK_START + hour * HOUR).toISOString();
        const { plan, code } = await runPlanJson(repo.dir, [band.target, '--from', band.base, '--offline'], {
          now,
        });
        const next = plan.timing.nextWindow;
        const ok =
          (plan.verdict === 'GO' && code === 0) ||
          (plan.verdict === 'WAIT' && code === 3 && next !== null && next.startsInMinutes <= WEEK_MINUTES);
        if (!ok) stuck.push(`${now}: ${plan.verdict} (exit ${code}), next ${next?.start ?? 'none'}`);
      }
      expect(stuck, band.name).toEqual([]);
    },
    60_000,
  );
});
