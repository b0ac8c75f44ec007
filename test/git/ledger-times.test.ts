import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LedgerRecord } from '../../src/ledger/record.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

// Times given on the command line: `record --at` is a past event (a few minutes of clock skew allowed),
// offsets beyond ±14:00 are typos, and a plan recorded with `--now` keeps its real recording time.

const CLOCK = '2026-11-23T12:00:00Z';
let repo: TestRepo;

beforeAll(() => {
  repo = makeRepo('da-ledger-times-');
  repo.write('.deployadvisor.yml', 'version: 1\ntimezone: UTC\nthresholds: { waitAt: 1, blockAt: 100 }\n');
  repo.writeLines('src/app.ts', 30);
  repo.commit('one', { date: '2026-11-20T10:00:00Z' });
});
afterAll(() => {
  repo.cleanup();
});
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(CLOCK));
});
afterEach(() => {
  vi.useRealTimers();
});

const cli = (...args: string[]) => runCli(['--repo', repo.dir, ...args]);

async function lastRecord(): Promise<LedgerRecord> {
  const lines = (await cli('ledger', 'export')).stdout.trim().split('\n');
  return JSON.parse(lines.at(-1) ?? '{}') as LedgerRecord;
}

describe('record --at', () => {
  it.each([
    ['ten minutes ahead', '2026-11-23T12:10:00Z'],
    ['a year ahead', '2027-11-23T12:00:00Z'],
    ['ahead once its offset is applied', '2026-11-23T05:00:00-08:00'],
  ])('refuses an instant in the future: %s', async (_name, at) => {
    const before = (await cli('ledger', 'export')).stdout;
    const result = await cli('record', 'succeeded', '--at', at);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--at "${at}"`);
    expect(result.stderr).toContain(`is in the future: this machine's clock says ${CLOCK}`);
    expect(result.stderr).toContain('up to 5 minutes ahead is accepted for clock skew');
    expect((await cli('ledger', 'export')).stdout).toBe(before);
  });

  it('accepts a few minutes of clock skew, and the past', async () => {
    expect((await cli('record', 'started', '--at', '2026-11-23T12:04:00Z')).code).toBe(0);
    expect(await lastRecord()).toMatchObject({ at: '2026-11-23T12:04:00Z', recordedAt: CLOCK });
    expect((await cli('record', 'succeeded', '--at', '2026-11-23T08:00:00+14:00')).code).toBe(0);
    expect(await lastRecord()).toMatchObject({ at: '2026-11-22T18:00:00Z', backfilled: true });
  });

  it.each([
    '2026-11-20T10:00:00+14:30',
    '2026-11-20T10:00:00-14:01',
    '2026-11-20T10:00:00+23:59',
    '2026-11-20T10:00:00+99:00',
  ])('refuses the offset of %s (beyond ±14:00)', async (at) => {
    const result = await cli('record', 'succeeded', '--at', at);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--at "${at}": the UTC offset`);
    expect(result.stderr).toContain('is beyond ±14:00');
  });
});

describe('--now', () => {
  it.each([
    ['plan', '2026-11-20T10:00:00+15:00'],
    ['plan', '2026-11-20T10:00:00-14:30'],
    ['insights', '2026-11-20T10:00:00+24:00'],
    ['calibrate', '2026-11-20T10:00:00-20:00'],
  ])('%s refuses the offset of %s (beyond ±14:00)', async (command, now) => {
    const result = await cli(command, '--now', now);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--now "${now}": the UTC offset`);
    expect(result.stderr).toContain('expected an offset between -12:00 and +14:00');
    expect(result.stderr).not.toMatch(/internal error/);
  });

  it('an override recorded with plan --now keeps its real recording time, shown by explain', async () => {
    // A change after the last deploy, so the plan has something to WAIT on (waitAt: 1).
    repo.writeLines('src/app.ts', 90);
    repo.commit('two', { date: '2026-11-20T09:00:00Z' });
    const result = await cli(
      'plan',
      '--now',
      '2026-11-20T10:00:00Z',
      '--record',
      '--override',
      'INC-7 hotfix',
    );
    expect(result.code).toBe(0);
    const record = await lastRecord();
    expect(record).toMatchObject({
      type: 'override',
      at: '2026-11-20T10:00:00Z',
      recordedAt: CLOCK,
      backfilled: false,
    });
    const text = await cli('explain', 'HEAD');
    // explain wraps at 80 columns off a terminal: joined, each record is one line again.
    expect(text.stdout.replace(/\n {6}/g, ' ')).toContain(
      `#${record.seq} 2026-11-20T10:00:00Z (recorded ${CLOCK}) override WAIT → OVERRIDDEN to GO`,
    );
    const json = JSON.parse((await cli('--format', 'json', 'explain', 'HEAD')).stdout) as {
      environments: Array<{ records: Array<{ seq: number; at: string; recordedAt: string }> }>;
    };
    expect(json.environments[0]?.records.find((r) => r.seq === record.seq)).toMatchObject({
      at: '2026-11-20T10:00:00Z',
      recordedAt: CLOCK,
    });
  });
});
