import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/parse.js';
import { ConfigError } from '../../src/errors.js';

// Policy errors in plain words, in line order, each with its line (issue #14): zod's own wording
// ("Invalid input: expected 1", "Too small: expected number to be >=0") never reaches the user.
const SOURCE = { kind: 'file' as const, path: 'p.yml', ref: null, blobSha: null };

function errorOf(text: string): ConfigError {
  try {
    parsePolicy(text, SOURCE);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the policy was accepted');
}

const ZOD_WORDING =
  /Invalid (input|option|value)|Too (small|big)|expected (number|string|array|object|boolean|int)\b|received|>=|<=/;

describe('policy errors', () => {
  it.each([
    ['version: 2\n', 'p.yml:1:10: "version" must be 1.'],
    [
      'environments: { production: { deployMinutes: -1 } }\n',
      'p.yml:1:46: "environments.production.deployMinutes" must be at least 0.',
    ],
    ['thresholds: { waitAt: 101 }\n', 'p.yml:1:23: "thresholds.waitAt" must be at most 100.'],
    [
      'thresholds: { waitAt: "fifty" }\n',
      'p.yml:1:23: "thresholds.waitAt" must be a number, not the string "fifty".',
    ],
    ['riskZones: 3\n', 'p.yml:1:12: "riskZones" must be a list, not 3.'],
    ['riskZones: [{ name: a, risk: high }]\n', 'p.yml:1:13: "riskZones[0].paths" is required (a list).'],
    [
      'riskZones: [{ name: "", paths: ["a/**"], risk: high }]\n',
      'p.yml:1:21: "riskZones[0].name" must not be empty.',
    ],
    [
      'thresholds: { hardGates: [speed] }\n',
      'p.yml:1:27: "thresholds.hardGates[0]" must be one of "review", "migrations", "zones", "tests".',
    ],
    [
      'riskZones: [{ name: a, paths: ["a/**"], requireReview: "yes", risk: high }]\n',
      'p.yml:1:56: "riskZones[0].requireReview" must be true or false, not the string "yes".',
    ],
  ])('%j: %s', (text, expected) => {
    const error = errorOf(text);
    expect(error.message).toBe(expected);
    expect(error.message).not.toMatch(ZOD_WORDING);
    expect(error.issues).toHaveLength(1);
  });

  it('several problems come in line order, each with its line, and each is an issue for annotations', () => {
    const error = errorOf(
      [
        'version: 1',
        'thresholds:',
        '  waitAt: "x"', // 3
        'riskZones:',
        '  - name: a', // 5
        '    paths: ["a/**"]',
        '    risk: extreme', // 7
        'timezone: Mars/Base', // 8
        'environments: { production: { deployMinutes: -5 } }', // 9
        '',
      ].join('\n'),
    );
    const lines = error.message.split('\n');
    expect(lines.map((line) => /p\.yml:(\d+):/.exec(line)?.[1])).toEqual(['3', '7', '8', '9']);
    expect(error.issues.map((issue) => issue.line)).toEqual([3, 7, 8, 9]);
    expect(error.message).not.toMatch(ZOD_WORDING);
  });

  it('problems the schema cannot see (they span keys) have lines too and join the order', () => {
    const error = errorOf(
      'riskZones:\n  - { name: a, paths: ["a/**"], risk: high }\n  - { name: a, paths: ["b/**"], risk: low }\nthresholds: { waitAt: 90, blockAt: 80 }\n',
    );
    expect(error.message).toBe(
      'p.yml:3:13: "riskZones[1].name": "a" is already the name of riskZones[0]; zone names must be unique.\n' +
        '  p.yml:4:23: "thresholds.waitAt" (90) must not be above "thresholds.blockAt" (80).',
    );
  });
});
