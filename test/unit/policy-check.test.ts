import { describe, expect, it } from 'vitest';
import { scoreBands, suggestGlob } from '../../src/assess/policy-check.js';

describe('scoreBands: the scores below blockAt, cut where timing asks more of a change', () => {
  it.each([
    [
      { riskyAt: 30, waitAt: 50, blockAt: 75 },
      [
        { from: 0, to: 29, risky: false, needsPreferred: false },
        { from: 30, to: 49, risky: true, needsPreferred: false },
        { from: 50, to: 74, risky: true, needsPreferred: true },
      ],
    ],
    [
      { riskyAt: 60, waitAt: 40, blockAt: 80 },
      [
        { from: 0, to: 39, risky: false, needsPreferred: false },
        { from: 40, to: 59, risky: false, needsPreferred: true },
        { from: 60, to: 79, risky: true, needsPreferred: true },
      ],
    ],
    [{ riskyAt: 90, waitAt: 95, blockAt: 20 }, [{ from: 0, to: 19, risky: false, needsPreferred: false }]],
    [{ riskyAt: 0, waitAt: 50, blockAt: 50 }, [{ from: 0, to: 49, risky: true, needsPreferred: false }]],
  ])('%j', (thresholds, bands) => {
    expect(scoreBands({ ...thresholds, hardGates: [] })).toEqual(bands);
  });
});

describe('suggestGlob: a close glob that matches real paths', () => {
  const tracked = [
    'packages/vite/src/index.ts',
    'packages/create-vite/index.js',
    'db/migrations/001.sql',
    'README.md',
  ];
  it.each([
    ['pakages/vite/**', 'packages/vite/**'],
    ['packages/vit/**', 'packages/vite/**'],
    ['db/migration/*.sql', 'db/migrations/*.sql'],
    ['READMEE.md', 'README.md'],
    ['zzzz/**', null],
    ['**/*.go', null],
    ['src/**', null],
  ])('%s -> %s', (glob, expected) => {
    expect(suggestGlob(glob, tracked)).toBe(expected);
  });
});
