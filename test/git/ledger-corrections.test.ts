import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Explanation } from '../../src/app/explain.js';
import type { BacktestResult } from '../../src/assess/backtest.js';
import type { Insights } from '../../src/assess/insights-types.js';
import type { LedgerRecord } from '../../src/ledger/record.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli, runPlanJson } from '../helpers/run.js';

const NOW = '2026-03-01T00:00:00Z';

describe('corrections: ledger void and record --corrects', () => {
  let repo: TestRepo;
  let c1: string;
  let c2: string;
  let c3: string;
  const cli = (...args: string[]) => runCli(['--repo', repo.dir, ...args]);
  const exported = async () =>
    (await cli('ledger', 'export')).stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LedgerRecord);
  const insights = async () =>
    JSON.parse(
      (await cli('--format', 'json', 'insights', '--since', '2026-01-01', '--now', NOW, '--offline')).stdout,
    ) as Insights;

  beforeEach(async () => {
    repo = makeRepo();
    repo.git('config', 'user.name', 'Ada');
    repo.git('config', 'user.email', 'ada@example.com');
    repo.writeLines('src/app.ts', 10);
    c1 = repo.commit('one');
    repo.writeLines('src/app.ts', 20);
    c2 = repo.commit('two');
    repo.writeLines('src/app.ts', 30);
    c3 = repo.commit('three');
    expect((await cli('record', 'succeeded', '--sha', c1, '--at', '2026-02-01T10:00:00Z')).code).toBe(0);
    // The mistake: c3 was never deployed; c2 was.
    expect((await cli('record', 'succeeded', '--sha', c3, '--at', '2026-02-02T10:00:00Z')).code).toBe(0);
  });
  afterEach(() => {
    repo.cleanup();
  });

  it('a voided record is ignored by plan, insights and explain, and still listed, marked', async () => {
    expect((await runPlanJson(repo.dir)).plan.range.from).toBe(c3);
    expect((await insights()).deploys).toBe(2);

    const voided = await cli('ledger', 'void', '#2', '--reason', 'wrong sha');
    expect(voided).toMatchObject({ code: 0, stderr: '' });
    expect(voided.stdout).toMatch(
      /^Recorded void #3 of #2 \(succeeded production [0-9a-f]{12}\), id [0-9a-f]{12}\.\n$/,
    );

    expect((await runPlanJson(repo.dir)).plan.range.from).toBe(c1);
    expect((await insights()).deploys).toBe(1);
    const explanation = JSON.parse((await cli('--format', 'json', 'explain', c3)).stdout) as Explanation;
    const production = explanation.environments.find((e) => e.env === 'production');
    expect(production?.shipped).toBeNull();
    expect(production?.records.map((r) => [r.seq, r.type, r.standing, r.standingBy, r.corrects])).toEqual([
      [2, 'succeeded', 'voided', 3, null],
      [3, 'void', 'void', null, 2],
    ]);
    const text = (await cli('explain', c3)).stdout.replace(/\s+/g, ' ');
    expect(text).toContain('not shipped: no successful deploy in the ledger carried it');
    expect(text).toMatch(
      /#2 \[VOID by #3: ignored\] 2026-02-02T10:00:00Z \(backfilled\) \(recorded [^)]+\) succeeded by /,
    );

    const list = (await cli('ledger', 'list')).stdout.replace(/\n {4}/g, ' ').split('\n');
    expect(list[1]).toMatch(
      /^#2 {2}2026-02-02 10:00Z {2}succeeded\*\s+production {2}[0-9a-f]{10} {2}.+ \[VOID by #3\]$/,
    );
    expect(list[2]).toMatch(
      /^#3 {2}\S+ \S+ {2}void\s+production {2}[0-9a-f]{10} {2}Ada voids #2 — wrong sha$/,
    );
    expect((await cli('ledger', 'verify')).code).toBe(0);
  });

  it('record --corrects replaces the record: a wrong --sha fixed, the rest taken from it', async () => {
    const fixed = await cli('record', 'succeeded', '--corrects', '2', '--sha', c2);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('correcting');
    const records = await exported();
    const [first, wrong, correction] = records;
    expect(correction).toMatchObject({
      type: 'succeeded',
      env: 'production',
      sha: c2,
      at: '2026-02-02T10:00:00Z',
      backfilled: true,
      base: c1,
      corrects: wrong?.id,
    });
    expect(first?.corrects).toBeUndefined();
    expect((await runPlanJson(repo.dir)).plan.range.from).toBe(c2);
    expect((await insights()).deploys).toBe(2);
    // A mistyped --at fixed the same way: the newest correction stands in for the one it corrects.
    expect((await cli('record', 'succeeded', '--corrects', '#3', '--at', '2026-01-31T10:00:00Z')).code).toBe(
      0,
    );
    expect((await runPlanJson(repo.dir)).plan.range.from).toBe(c1);
    // Long lines wrap under the time column; joined again, each record is one line.
    const list = (await cli('ledger', 'list')).stdout.replace(/\n {4}/g, ' ');
    expect(list).toMatch(/^#2 .* Ada \[CORRECTED by #3\]$/m);
    expect(list).toMatch(/^#3 .* Ada corrects #2 \[CORRECTED by #4\]$/m);
    expect(list).toMatch(/^#4 .* succeeded\*\s+production {2}[0-9a-f]{10} {2}Ada corrects #3$/m);
    expect((await cli('ledger', 'verify')).code).toBe(0);
  });

  it('a void or correction naming a record that is not there, or one already voided, is exit 2 naming it', async () => {
    const missing = await cli('ledger', 'void', '#42', '--reason', 'x');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ledger void #42: no record #42 in the ledger (it has 2 record(s)).');
    const prefix = await cli('ledger', 'void', 'abcdef0', '--reason', 'x');
    expect(prefix.code).toBe(2);
    expect(prefix.stderr).toContain('ledger void abcdef0: no record with that id in the ledger.');
    const junk = await cli('ledger', 'void', 'HEAD~1', '--reason', 'x');
    expect(junk.code).toBe(2);
    expect(junk.stderr).toContain('ledger void HEAD~1: expected a record number (#12) or an id prefix');
    const noReason = await cli('ledger', 'void', '2');
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('ledger void 2 needs --reason');
    const correctsMissing = await cli('record', 'succeeded', '--corrects', '7');
    expect(correctsMissing.code).toBe(2);
    expect(correctsMissing.stderr).toContain('--corrects 7: no record #7 in the ledger');

    const [, wrong] = await exported();
    expect((await cli('ledger', 'void', wrong?.id.slice(0, 8) ?? '', '--reason', 'twice')).code).toBe(0);
    const again = await cli('ledger', 'void', '2', '--reason', 'again');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('ledger void #2: that record was already voided by #3.');
    const ofVoid = await cli('ledger', 'void', '3', '--reason', 'undo');
    expect(ofVoid.code).toBe(2);
    expect(ofVoid.stderr).toContain('ledger void #3: that record is itself a void');
    expect((await exported()).length).toBe(3);
  });

  it('backtest ignores a voided failure: its ledger labels go', async () => {
    expect(
      (await cli('record', 'failed', '--sha', c3, '--at', '2026-02-03T10:00:00Z', '--reason', 'x')).code,
    ).toBe(0);
    const labels = async () =>
      (JSON.parse((await cli('--format', 'json', 'backtest')).stdout) as BacktestResult).labels.ledger;
    expect(await labels()).toBeGreaterThan(0);
    expect((await cli('ledger', 'void', '3', '--reason', 'it did not fail')).code).toBe(0);
    expect(await labels()).toBe(0);
  });

  it('a void re-appended by ledger push still names the record it voids', async () => {
    const origin = mkdtempSync(join(tmpdir(), 'da-origin-'));
    try {
      execFileSync('git', ['init', '-q', '--bare', '-b', 'main', origin]);
      repo.git('remote', 'add', 'origin', origin);
      repo.git('push', '-q', 'origin', 'main');
      expect((await cli('ledger', 'push')).code).toBe(0);
      // Another clone records first; this one records a deploy, then voids it, then pushes.
      const other = mkdtempSync(join(tmpdir(), 'da-other-'));
      execFileSync('git', ['clone', '-q', origin, other]);
      const inOther = (...args: string[]) => runCli(['--repo', other, ...args]);
      expect((await inOther('ledger', 'pull')).code).toBe(0);
      expect((await inOther('record', 'started', '--sha', c1, '--at', '2026-02-03T09:00:00Z')).code).toBe(0);
      expect((await inOther('ledger', 'push')).code).toBe(0);
      rmSync(other, { recursive: true, force: true });
      expect((await cli('record', 'succeeded', '--sha', c2, '--at', '2026-02-03T10:00:00Z')).code).toBe(0);
      expect((await cli('ledger', 'void', '3', '--reason', 'never happened')).code).toBe(0);
      expect((await runPlanJson(repo.dir)).plan.range.from).toBe(c3);
      const pushed = await cli('ledger', 'push');
      expect(pushed.stdout).toContain('2 record(s) re-appended');
      const records = await exported();
      expect(records.map((r) => r.type)).toEqual(['succeeded', 'succeeded', 'started', 'succeeded', 'void']);
      expect(records[4]?.corrects).toBe(records[3]?.id);
      expect((await runPlanJson(repo.dir)).plan.range.from).toBe(c3);
      expect((await cli('ledger', 'verify')).code).toBe(0);
    } finally {
      rmSync(origin, { recursive: true, force: true });
    }
  });

  it('hostile record references and reasons are refused or shown inert, and nothing is written', async () => {
    const refused: Array<[string[], string]> = [
      [
        ['ledger', 'void', '', '--reason', 'x'],
        'ledger void : expected a record number (#12) or an id prefix',
      ],
      [['ledger', 'void', '#0', '--reason', 'x'], 'ledger void #0: no record #0 in the ledger'],
      [
        ['ledger', 'void', '99999999999999999999', '--reason', 'x'],
        'ledger void 99999999999999999999: no record #99999999999999999999',
      ],
      [['ledger', 'void', '--reason', 'x', '--', '-1'], 'ledger void -1: expected a record number'],
      [['ledger', 'void', '2', '--reason', '   '], 'ledger void 2 needs --reason'],
      [['record', 'succeeded', '--corrects', '#2x'], '--corrects #2x: expected a record number'],
    ];
    for (const [args, message] of refused) {
      const result = await cli(...args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect((await cli('plan', '--record', '--now', NOW, '--fail-on', 'never')).code).toBe(0);
    const plan = await cli('record', 'succeeded', '--corrects', '3');
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain('--corrects #3: that is a plan record; record corrects deploy events');
    expect((await exported()).length).toBe(3);

    const esc = String.fromCharCode(27);
    const forged = `typo${esc}[31m\n#9  2026-01-01 00:00Z  succeeded    production  forged`;
    expect((await cli('ledger', 'void', '1', '--reason', forged)).code).toBe(0);
    const list = (await cli('ledger', 'list')).stdout.replace(/\n {4}/g, ' ');
    expect(list).not.toContain(esc);
    expect(list).toContain('voids #1 — typo\\x1B[31m\\n#9');
    expect(list.split('\n').filter((line) => line.startsWith('#'))).toHaveLength(4);
    expect((await cli('ledger', 'verify')).code).toBe(0);
  });

  it('record suggests the closest event and environment on a typo', async () => {
    const event = await cli('record', 'succeded');
    expect(event.code).toBe(2);
    expect(event.stderr).toContain(
      'record succeded: expected one of started, succeeded, failed, rolled-back.',
    );
    expect(event.stderr).toContain('Did you mean `record succeeded`?');
    const env = await cli('record', 'succeeded', '--env', 'prod');
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('Did you mean --env production?');
    const rolled = await cli('record', 'rolledback', '--reason', 'x');
    expect(rolled.stderr).toContain('Did you mean `record rolled-back`?');
    expect((await exported()).length).toBe(2);
  });
});
