import { describe, expect, it } from 'vitest';
import { chooseUnits, dayUnits, MIN_UNITS, unitsFromTips } from '../../src/assess/deploy-units.js';
import { isReleaseTag } from '../../src/collect/release-tags.js';

// a ← b ← c ← d (main), and e branched from b, merged as m: a b c d; b e; m = merge(d, e)
const parents = new Map<string, string[]>([
  ['a', []],
  ['b', ['a']],
  ['c', ['b']],
  ['d', ['c']],
  ['e', ['b']],
  ['m', ['d', 'e']],
]);

describe('unitsFromTips', () => {
  it('gives each tip the ancestors no earlier tip shipped', () => {
    const units = unitsFromTips(
      [
        { id: 'v1', sha: 'b', claims: true },
        { id: 'v2', sha: 'd', claims: true },
        { id: 'v3', sha: 'm', claims: true },
      ],
      parents,
    );
    expect(Object.fromEntries([...units].map(([id, shas]) => [id, [...shas].sort()]))).toEqual({
      v1: ['a', 'b'],
      v2: ['c', 'd'],
      v3: ['e', 'm'],
    });
  });

  it('lets the next deploy ship again what a failed one carried', () => {
    const units = unitsFromTips(
      [
        { id: 'ok', sha: 'a', claims: true },
        { id: 'failed', sha: 'c', claims: false },
        { id: 'retry', sha: 'd', claims: true },
      ],
      parents,
    );
    expect([...(units.get('failed') ?? [])].sort()).toEqual(['b', 'c']);
    expect([...(units.get('retry') ?? [])].sort()).toEqual(['b', 'c', 'd']);
  });

  it('stops at commits outside the graph', () => {
    expect(unitsFromTips([{ id: 'x', sha: 'zz', claims: true }], parents).get('x')).toEqual([]);
  });
});

describe('chooseUnits', () => {
  const changes = Array.from({ length: 50 }, (_, i) => ({
    sha: `c${i}`,
    at: Date.parse('2026-01-01T10:00:00Z') + Math.floor(i / 2) * 86_400_000,
  }));
  const every = (n: number) =>
    new Map(
      Array.from({ length: Math.ceil(changes.length / n) }, (_, u) => [
        `u${u}`,
        changes.slice(u * n, (u + 1) * n).map((c) => c.sha),
      ]),
    );

  it('takes the ledger when it has enough units, then tags, then days', () => {
    expect(chooseUnits(changes, [{ kind: 'ledger', units: every(2) }]).kind).toBe('ledger');
    const fewDeploys = every(5); // 10 units
    expect(fewDeploys.size).toBeLessThan(MIN_UNITS);
    const chosen = chooseUnits(changes, [
      { kind: 'ledger', units: fewDeploys },
      { kind: 'tags', units: every(1) },
    ]);
    expect(chosen.kind).toBe('tags');
    expect(chosen.units).toHaveLength(50);
    const days = chooseUnits(changes, [{ kind: 'tags', units: fewDeploys }]);
    expect(days.kind).toBe('days');
    expect(days.units).toHaveLength(25);
    expect(days.units.every((unit) => unit.length === 2)).toBe(true);
  });

  it('leaves out units that ship no scored change, and changes no unit shipped', () => {
    const units = new Map([...every(2), ['empty', ['not-a-change']]]);
    units.delete('u0');
    const chosen = chooseUnits(changes, [{ kind: 'ledger', units }]);
    expect(chosen.units).toHaveLength(24);
    expect(chosen.units.flat().map((c) => c.sha)).not.toContain('c0');
  });

  it('groups days by UTC date', () => {
    expect([...dayUnits(changes.slice(0, 4)).values()]).toEqual([
      ['c0', 'c1'],
      ['c2', 'c3'],
    ]);
  });
});

describe('isReleaseTag', () => {
  it.each([
    'v1.2.3',
    '1.2',
    'v2.0.0-beta.13',
    'create-vite@5.0.0-beta.1',
    'release-2.0',
    'pkg/v1.4.0',
    'v1.0+build.5',
  ])('takes %s', (name) => {
    expect(isReleaseTag(name)).toBe(true);
  });
  it.each(['latest', 'stable', 'v1', 'deploy-2026-01-02', 'nightly', 'foo1.2'])('refuses %s', (name) => {
    expect(isReleaseTag(name)).toBe(false);
  });
});
