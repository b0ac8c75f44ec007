import { describe, expect, it } from 'vitest';
import { reportTimestamp } from '../../src/collect/coverage/index.js';

describe('the generation time a coverage report states', () => {
  it.each([
    ['cobertura', '<coverage line-rate="1" timestamp="1764000000">', 1_764_000_000_000],
    ['cobertura', '<coverage timestamp="1764000000123" version="7.4">', 1_764_000_000_123],
    [
      'jacoco',
      '<report name="x"><sessioninfo id="h" start="1764000000000" dump="1764000005000"/>',
      1_764_000_005_000,
    ],
    [
      'clover',
      '<coverage generated="1764000000000" clover="4.4.1"><project timestamp="1">',
      1_764_000_000_000,
    ],
    // Placeholders and absent stamps say nothing.
    ['clover', '<coverage generated="1" clover="4.4.1">', null],
    ['cobertura', '<coverage line-rate="1">', null],
    ['lcov', 'TN:\nSF:a.ts\n', null],
  ] as const)('%s %s', (format, head, expected) => {
    expect(reportTimestamp(head, format)).toBe(expected);
  });
});
