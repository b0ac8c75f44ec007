import { describe, expect, it } from 'vitest';
import {
  describeRanges,
  formatRatio,
  meetsPercent,
  patchCoverage,
  ratioOf,
} from '../../src/assess/coverage.js';
import type { DiffFile } from '../../src/assess/facts.js';
import { policySchema } from '../../src/config/schema.js';

const diff = (path: string, addedRanges: Array<[number, number]>): DiffFile => ({
  path,
  added: 0,
  deleted: 0,
  status: 'modified',
  addedRanges,
});

describe('patch coverage', () => {
  it('counts only changed lines a report measures, per file, zone and overall', () => {
    const zone = policySchema.parse({
      riskZones: [{ name: 'pay', paths: ['src/**'], risk: 'high', minPatchCoverage: 80 }],
    }).riskZones[0];
    if (zone === undefined) throw new Error('zone');
    const hits = new Map([
      [
        'src/a.ts',
        new Map([
          [1, 1],
          [2, 0],
          [3, 0],
          [5, 2],
          [9, 1],
        ]),
      ],
      ['src/b.ts', new Map<number, number>()],
    ]);
    const result = patchCoverage(
      [diff('src/a.ts', [[1, 5]]), diff('src/b.ts', [[1, 3]]), diff('c.ts', [])],
      hits,
      [{ zone, files: ['src/a.ts', 'src/b.ts'] }],
    );
    expect(result.patch).toEqual({ covered: 2, measured: 4, ratio: 0.5 });
    expect(result.files).toEqual([
      { path: 'src/a.ts', changed: 5, covered: 2, measured: 4, ratio: 0.5, uncovered: [[2, 3]] },
      { path: 'src/b.ts', changed: 3, covered: 0, measured: 0, ratio: null, uncovered: [] },
    ]);
    expect(result.zones).toEqual([
      { name: 'pay', changed: 8, covered: 2, measured: 4, ratio: 0.5, min: 80, meetsMin: false },
    ]);
  });

  it('nothing measurable is n/a, never 100%', () => {
    expect(ratioOf(0, 0)).toEqual({ covered: 0, measured: 0, ratio: null });
    expect(meetsPercent(ratioOf(0, 0), 80)).toBeNull();
  });

  it('compares the exact ratio: 79.95% does not pass 80%', () => {
    expect(meetsPercent(ratioOf(1599, 2000), 80)).toBe(false); // 79.95%
    expect(meetsPercent(ratioOf(1600, 2000), 80)).toBe(true);
    expect(meetsPercent(ratioOf(2, 3), 66.67)).toBe(false); // 66.666...%
  });

  it('prints percentages truncated with integer arithmetic', () => {
    expect(formatRatio(ratioOf(57, 100))).toBe('57.00%');
    expect(formatRatio(ratioOf(1599, 2000))).toBe('79.95%');
    expect(formatRatio(ratioOf(7999, 10000))).toBe('79.99%');
    expect(formatRatio(ratioOf(2, 3))).toBe('66.66%');
    expect(formatRatio(ratioOf(0, 0))).toBe('n/a');
    for (let measured = 1; measured <= 300; measured++) {
      for (let covered = 0; covered <= measured; covered++) {
        const hundredths = Math.round(Number(formatRatio(ratioOf(covered, measured)).slice(0, -1)) * 100);
        // never above the truth, and less than 0.01% below it
        expect(hundredths * measured).toBeLessThanOrEqual(covered * 10_000);
        expect((hundredths + 1) * measured).toBeGreaterThan(covered * 10_000);
      }
    }
  });

  it('names untested ranges the way a person reads them', () => {
    expect(
      describeRanges('src/payments/charge.ts', [
        [40, 58],
        [61, 61],
      ]),
    ).toBe('src/payments/charge.ts 40–58, 61');
    expect(
      describeRanges('a.ts', [
        [1, 1],
        [3, 3],
        [5, 5],
        [7, 7],
        [9, 9],
      ]),
    ).toBe('a.ts 1, 3, 5, 7 (+1 more)');
  });
});
