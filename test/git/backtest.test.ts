import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BacktestResult } from '../../src/assess/backtest.js';
import type { RecordBody } from '../../src/ledger/record.js';
import { generateBacktestRepo, type ChangeTraits, type GeneratedHistory } from '../helpers/backtest-repo.js';
import { writeLedger } from '../helpers/history.js';
import { deployEvent } from '../helpers/records.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

/** `backtest --format json` as printed: the change list under `changes`, its length as `changeCount`. */
type BacktestJson = Omit<BacktestResult, 'changes' | 'changeList'> & {
  changes: BacktestResult['changeList'];
  changeCount: number;
};

const POLICY = `version: 1
timezone: UTC
environments:
  production: { branch: main }
  staging: { branch: main }
riskZones:
  - name: payments
    paths: ["src/payments/**"]
    risk: high
`;

/** One change in five touches payments, one in five is large (300–899 lines), independently. */
function traits(random: () => number): ChangeTraits {
  const payments = random() < 0.2;
  const large = random() < 0.2;
  const lines = large ? 300 + Math.floor(random() * 600) : 5 + Math.floor(random() * 40);
  return { payments, lines, ai: false };
}

async function backtest(dir: string, ...args: string[]): Promise<BacktestJson> {
  const result = await runCli(['--repo', dir, '--format', 'json', 'backtest', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as BacktestJson;
}

/** ROC AUC by counting every (failed, good) pair: a win when the failed one scores higher, half on a tie. */
function pairAuc<T>(items: readonly T[], failed: (item: T) => boolean, value: (item: T) => number): number {
  const positives = items.filter(failed).map(value);
  const negatives = items.filter((item) => !failed(item)).map(value);
  let wins = 0;
  for (const p of positives) for (const n of negatives) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (positives.length * negatives.length);
}

function failedShas(json: BacktestJson): string[] {
  return json.changes
    .filter((c) => c.failed)
    .map((c) => c.sha)
    .sort();
}

// 3,000 changes from Monday 2024-01-01, one every 3 hours (seed 20260101). A change fails (is reverted
// four changes later) with chance 3%, +30% when it touches payments (a high-risk zone), +20% when large.
describe('planted signal: payments and large changes fail far more often', () => {
  let history: GeneratedHistory;
  let json: BacktestJson;

  beforeAll(async () => {
    history = generateBacktestRepo({
      count: 3000,
      seed: 20260101,
      policy: POLICY,
      traits,
      failProbability: (t) => 0.03 + (t.payments ? 0.3 : 0) + (t.lines >= 300 ? 0.2 : 0),
    });
    json = await backtest(history.repo.dir);
  });

  afterAll(() => {
    history.repo.cleanup();
  });

  it('scores every commit and labels exactly the reverted ones', () => {
    const planted = history.changes.filter((c) => c.failed);
    expect(planted.length).toBeGreaterThan(300);
    expect(history.reverts).toHaveLength(planted.length);
    expect(json.schemaVersion).toBe('deployadvisor.backtest/1');
    // The policy commit and the changes; the reverts are skipped (the fix, not a change to predict).
    expect(json.changeCount).toBe(1 + history.changes.length);
    expect(json.changes).toHaveLength(json.changeCount);
    expect(json.skipped).toEqual({
      merges: 0,
      empty: 0,
      reverts: history.reverts.length,
      shallowBoundary: 0,
    });
    expect(failedShas(json)).toEqual(planted.map((c) => c.sha).sort());
    expect(json.failed).toBe(planted.length);
    expect(json.labels).toEqual({ revert: planted.length, hotfix: 0, ledger: 0 });
    expect(new Set(json.changes.filter((c) => c.failed).map((c) => c.failedBy))).toEqual(new Set(['revert']));
    expect(json.weightsSource).toBe('policy');
    expect(json.diagnostics).toEqual([]);
  });

  it('separates the failures: AUC above 0.7 and above lines added alone', () => {
    expect(json.auc).not.toBeNull();
    expect(json.auc).toBeGreaterThan(0.7);
    expect(json.auc).toBeGreaterThan(json.baseline.auc ?? 1);
  });

  it('fails more often in the top score band than in the bottom one', () => {
    const populated = json.bands.filter((band) => band.changes >= 30);
    const bottom = populated[0];
    const top = populated[populated.length - 1];
    // One-change scores are probabilities in percent: the planted payments changes reach 20–39.
    expect(populated.length).toBeGreaterThanOrEqual(2);
    expect(bottom?.from).toBe(0);
    expect(top?.rate ?? 0).toBeGreaterThan(2 * (bottom?.rate ?? 1));
  });

  it('reports precision and recall at waitAt and blockAt as the change list gives them', () => {
    for (const row of [json.thresholds.waitAt, json.thresholds.blockAt]) {
      const flagged = json.changes.filter((c) => c.score >= row.threshold);
      const hits = flagged.filter((c) => c.failed).length;
      expect(row.flagged).toBe(flagged.length);
      expect(row.precision).toBe(flagged.length === 0 ? null : hits / flagged.length);
      expect(row.recall).toBe(hits / json.failed);
    }
    expect(json.thresholds.waitAt.threshold).toBe(50);
    expect(json.thresholds.blockAt.threshold).toBe(75);
    // The riskiest tenth by the estimate holds far more than a tenth of the failures.
    expect(json.byKind.any.top10.recall ?? 0).toBeGreaterThan(0.2);
  });

  it('agrees with an independent recomputation from changes[]', () => {
    expect(
      pairAuc(
        json.changes,
        (c) => c.failed,
        (c) => c.probability,
      ),
    ).toBeCloseTo(json.auc ?? NaN, 12);
    expect(
      pairAuc(
        json.changes,
        (c) => c.failed,
        (c) => c.linesAdded,
      ),
    ).toBeCloseTo(json.baseline.auc ?? NaN, 12);
    expect(json.bands.reduce((sum, band) => sum + band.changes, 0)).toBe(json.changeCount);
    expect(json.bands.reduce((sum, band) => sum + band.failed, 0)).toBe(json.failed);
    for (const band of json.bands) {
      const inBand = json.changes.filter(
        (c) => c.score >= band.from && (c.score <= band.to || band.to === 100),
      );
      expect(band.changes).toBe(inBand.length);
      expect(band.failed).toBe(inBand.filter((c) => c.failed).length);
    }
    for (const change of json.changes) {
      // The score is split over the factors that raise the estimate; with none, no points.
      const sum = Object.values(change.factors).reduce((a, b) => a + b, 0);
      expect(sum === 0 || sum === change.score).toBe(true);
      expect(change.score).toBe(Math.round(change.probability * 100));
    }
    // Time order, oldest first.
    const times = json.changes.map((c) => Date.parse(c.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  describe('in a shallow clone (--depth 5)', () => {
    let dir: string;
    let shallow: BacktestJson;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'da-shallow-'));
      execFileSync('git', ['clone', '-q', '--depth', '5', '--sparse', `file://${history.repo.dir}`, dir], {
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
        stdio: 'ignore',
      });
      shallow = await backtest(dir);
    });

    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('warns with the shallow-clone diagnostic and still exits 0', () => {
      expect(shallow.diagnostics.map((d) => [d.id, d.level])).toContainEqual(['shallow-clone', 'warning']);
      // Five commits deep: the newest four are scored as in the full clone (minus reverts among them);
      // the fifth is the boundary, skipped.
      const inShallow = new Set(shallow.changes.map((c) => c.sha));
      const newest = json.changes
        .slice(-4)
        .map((c) => c.sha)
        .filter((s) => inShallow.has(s));
      expect(shallow.changes.map((c) => c.sha)).toEqual(newest);
      expect(shallow.changeCount + shallow.skipped.reverts + shallow.skipped.shallowBoundary).toBe(5);
      expect(shallow.skipped.shallowBoundary).toBe(1);
    });

    // git log shows the boundary commit without its parent, so its diff is the whole tree (about 365,000
    // lines in 3,000 files here): it must not be scored as one enormous change.
    it('does not score the boundary commit as adding the whole tree', () => {
      expect(Math.max(...shallow.changes.map((c) => c.linesAdded))).toBeLessThan(900);
    });
  });
});

// The same kind of history (seed 7), but each change fails with chance 15% whatever it is.
describe('random labels: failures independent of every trait', () => {
  let history: GeneratedHistory;
  let json: BacktestJson;

  beforeAll(async () => {
    history = generateBacktestRepo({
      count: 3000,
      seed: 7,
      policy: POLICY,
      traits,
      failProbability: () => 0.15,
    });
    json = await backtest(history.repo.dir);
  });

  afterAll(() => {
    history.repo.cleanup();
  });

  it('the score of the changes themselves separates nothing: AUC 0.5 ± 0.06', () => {
    const reverts = new Set(history.reverts);
    const changes = json.changes.filter((c) => !reverts.has(c.sha));
    expect(json.failed).toBeGreaterThan(300);
    expect(
      Math.abs(
        pairAuc(
          changes,
          (c) => c.failed,
          (c) => c.score,
        ) - 0.5,
      ),
    ).toBeLessThan(0.06);
    expect(
      Math.abs(
        pairAuc(
          changes,
          (c) => c.failed,
          (c) => c.linesAdded,
        ) - 0.5,
      ),
    ).toBeLessThan(0.06);
  });

  // Were revert commits scored as changes that did not fail (one per failure, adding no lines), they would
  // sit at the bottom of the ranking and lift both reported AUCs above chance on labels without signal.
  it('the reported AUC and baseline stay at chance too', () => {
    expect(Math.abs((json.auc ?? 0) - 0.5)).toBeLessThan(0.06);
    expect(Math.abs((json.baseline.auc ?? 0) - 0.5)).toBeLessThan(0.06);
  });
});

describe('ledger labels, ranges and bad input (a small repository)', () => {
  let repo: TestRepo;
  const sha: Record<string, string> = {};

  beforeAll(() => {
    repo = makeRepo('da-backtest-ledger-');
    repo.write('.deployadvisor.yml', POLICY);
    sha.policy = repo.commit('policy', { date: '2026-03-02T09:00:00Z' });
    repo.writeLines('src/app/totals.ts', 20);
    sha.totalsOld = repo.commit('fix totals', { date: '2026-03-02T10:00:00Z' });
    repo.writeLines('src/payments/charge.ts', 40);
    sha.charge = repo.commit('payments: charge', { date: '2026-03-02T11:00:00Z' });
    repo.writeLines('src/app/totals.ts', 30);
    sha.totals = repo.commit('fix totals', { date: '2026-03-02T12:00:00Z' });
    repo.writeLines('src/app/cache.ts', 10);
    sha.cache = repo.commit('cache', { date: '2026-03-02T13:00:00Z' });
    repo.writeLines('src/app/search.ts', 10);
    sha.search = repo.commit('search', { date: '2026-03-02T14:00:00Z' });
    // What `git revert` writes; the subject also matches the older "fix totals", the id does not.
    repo.writeLines('src/app/totals.ts', 20);
    sha.revert = repo.commit('Revert "fix totals"', {
      date: '2026-03-02T15:00:00Z',
      body: `This reverts commit ${sha.totals ?? ''}.`,
    });
    const event = (type: RecordBody['type'], commit: string, at: string, env = 'production') =>
      deployEvent(type, commit, at, { env });
    const s = (key: string) => sha[key] ?? '';
    writeLedger(repo, [
      event('succeeded', s('totalsOld'), '2026-03-02T10:30:00Z'),
      event('succeeded', s('charge'), '2026-03-02T11:30:00Z'),
      event('rolled-back', s('charge'), '2026-03-02T11:45:00Z'),
      event('started', s('totals'), '2026-03-02T12:20:00Z'),
      event('failed', s('totals'), '2026-03-02T12:30:00Z'),
      event('failed', s('cache'), '2026-03-02T13:30:00Z'),
      event('succeeded', s('search'), '2026-03-02T14:30:00Z'),
      event('failed', s('search'), '2026-03-02T14:40:00Z', 'staging'),
      event('succeeded', s('revert'), '2026-03-02T15:30:00Z'),
    ]);
  });

  afterAll(() => {
    repo.cleanup();
  });

  it('a failed or rolled-back deploy labels its commit; a revert wins over the ledger', async () => {
    const json = await backtest(repo.dir);
    const label = Object.fromEntries(json.changes.map((c) => [c.sha, c.failedBy]));
    expect(label).toEqual({
      [sha.policy ?? '']: null,
      [sha.totalsOld ?? '']: null,
      [sha.charge ?? '']: 'ledger',
      [sha.totals ?? '']: 'revert',
      [sha.cache ?? '']: 'ledger',
      [sha.search ?? '']: null,
    });
    // Labels count per kind: totals is both reverted and in a failed deploy.
    expect(json.labels).toEqual({ revert: 1, hotfix: 0, ledger: 3 });
    expect(json.failed).toBe(3);
  });

  it('--env reads that environment of the ledger', async () => {
    const json = await backtest(repo.dir, '--env', 'staging');
    expect(failedShas(json)).toEqual([sha.totals ?? '', sha.search ?? ''].sort());
    expect(json.labels).toEqual({ revert: 1, hotfix: 0, ledger: 1 });
  });

  it('A..B scores only the commits after A', async () => {
    const json = await backtest(repo.dir, `${sha.charge ?? ''}..HEAD`);
    expect(json.changes.map((c) => c.sha)).toEqual([sha.totals, sha.cache, sha.search]);
    expect(json.skipped.reverts).toBe(1);
    expect(json.range).toEqual({ spec: `${sha.charge ?? ''}..HEAD`, from: sha.charge, to: sha.revert });
  });

  it.each([
    [['backtest', 'nosuchref'], 'nosuchref'],
    [['backtest', 'nosuchref..HEAD'], 'nosuchref'],
    [['backtest', 'a..b..c'], 'a..b..c'],
    [['backtest', 'HEAD...HEAD'], 'HEAD...HEAD'],
    [['backtest', '--env', 'nosuchenv'], 'nosuchenv'],
  ])('%j exits 2 and names %s', async (args, named) => {
    const result = await runCli(['--repo', repo.dir, '--format', 'json', ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(named);
  });
});

describe('partial history: a clone that lacks some file contents', () => {
  it('scores from tree diffs, says what it could not see, and has no lines-added baseline', async () => {
    const repo = makeRepo('da-partial-');
    try {
      repo.writeLines('src/a.ts', 30);
      repo.commit('add a');
      repo.writeLines('src/b.ts', 10);
      repo.commit('add b');
      repo.writeLines('src/a.ts', 40, 'edited');
      const edited = repo.commit('edit a');
      repo.git('revert', '--no-edit', edited);
      // Remove one blob from the object store, as a filtered or damaged clone would lack it.
      const blob = repo.git('rev-parse', `${edited}:src/a.ts`).trim();
      rmSync(join(repo.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
      const json = await backtest(repo.dir);
      expect(json.diagnostics.map((d) => d.id)).toContain('missing-objects');
      expect(json.diagnostics.find((d) => d.id === 'missing-objects')?.message).toContain(blob);
      expect(json.baseline.auc).toBeNull();
      expect(json.changeCount).toBe(3);
      expect(json.skipped.reverts).toBe(1);
      expect(json.changes.find((c) => c.sha === edited)?.failed).toBe(true);
    } finally {
      repo.cleanup();
    }
  });
});

describe('review regressions', () => {
  it('a commit and its revert in the same second: no crash, and the change does not see its own failure', async () => {
    const repo = makeRepo('da-samesec-');
    try {
      repo.write(
        '.deployadvisor.yml',
        'version: 1\nriskZones:\n  - { name: pay, paths: ["src/pay/**"], risk: high }\n',
      );
      repo.commit('policy', { date: '2026-01-01T10:00:00Z' });
      repo.writeLines('src/pay/x.ts', 20);
      const x = repo.commit('pay: x', { date: '2026-01-03T10:00:00Z' });
      repo.git('-c', 'user.name=T', '-c', 'user.email=t@example.com', 'revert', '--no-edit', x);
      repo.git('commit', '--amend', '--no-edit', '--date', '2026-01-03T10:00:00Z', '-q');
      const json = await backtest(repo.dir);
      expect(json.changes.find((c) => c.sha === x)).toMatchObject({ failed: true, factors: { history: 0 } });
    } finally {
      repo.cleanup();
    }
  });

  it('a reverted merge labels the commits it brought in; a revert after the range end still counts', async () => {
    const repo = makeRepo('da-merges-');
    try {
      repo.writeLines('src/base.ts', 5);
      repo.commit('base');
      repo.git('checkout', '-q', '-b', 'feature');
      repo.writeLines('src/f1.ts', 10);
      const f1 = repo.commit('feature: one');
      repo.writeLines('src/f2.ts', 10);
      const f2 = repo.commit('feature: two');
      repo.git('checkout', '-q', 'main');
      repo.writeLines('src/main.ts', 3);
      const onMain = repo.commit('main: other');
      repo.git(
        '-c',
        'user.name=T',
        '-c',
        'user.email=t@example.com',
        'merge',
        '--no-ff',
        '-q',
        '-m',
        'Merge feature',
        'feature',
      );
      const merge = repo.git('rev-parse', 'HEAD').trim();
      repo.writeLines('src/later.ts', 4);
      const later = repo.commit('later');
      repo.git(
        '-c',
        'user.name=T',
        '-c',
        'user.email=t@example.com',
        'revert',
        '--no-edit',
        '-m',
        '1',
        merge,
      );
      const all = await backtest(repo.dir);
      expect(failedShas(all)).toEqual([f1, f2].sort());
      expect(all.labels.revert).toBe(2);
      expect(all.changes.find((c) => c.sha === onMain)?.failed).toBe(false);
      // Scored up to `later` only: the revert above it is still read, so the labels stand.
      const upTo = await backtest(repo.dir, later);
      expect(failedShas(upTo)).toEqual([f1, f2].sort());
    } finally {
      repo.cleanup();
    }
  });

  it('factor features do not depend on the weights in force (calibrate can bring a zeroed factor back)', async () => {
    const repo = makeRepo('da-weights-');
    try {
      repo.write(
        '.deployadvisor.yml',
        'version: 1\nriskZones:\n  - { name: pay, paths: ["src/pay/**"], risk: high }\n',
      );
      repo.commit('policy');
      repo.writeLines('src/pay/a.ts', 30);
      const a = repo.commit('pay: a');
      const before = await backtest(repo.dir);
      repo.write(
        '.deployadvisor.yml',
        'version: 1\nweights: { zones: 0 }\nriskZones:\n  - { name: pay, paths: ["src/pay/**"], risk: high }\n',
      );
      const after = await backtest(repo.dir);
      expect(before.changes.find((c) => c.sha === a)?.factors.zones).toBeGreaterThan(0);
      expect(after.changes.find((c) => c.sha === a)?.factors.zones).toBe(0);
      const result = await runCli(['--repo', repo.dir, '--format', 'json', 'calibrate']);
      expect(result.code).toBe(0);
    } finally {
      repo.cleanup();
    }
  });
});
