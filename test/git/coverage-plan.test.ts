import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli, runPlanJson } from '../helpers/run.js';

const POLICY = `riskZones:
  - name: payments
    paths: ["src/payments/**"]
    risk: critical
    minPatchCoverage: 80
`;

function lcov(entries: Record<string, Record<number, number>>): string {
  return Object.entries(entries)
    .map(
      ([file, lines]) =>
        `SF:${file}\n${Object.entries(lines)
          .map(([n, h]) => `DA:${n},${h}`)
          .join('\n')}\nend_of_record\n`,
    )
    .join('');
}

describe('plan with coverage reports', () => {
  let repo: TestRepo;
  const plan = (...args: string[]) => runPlanJson(repo.dir, ['--from', 'base', ...args]);
  beforeAll(() => {
    repo = makeRepo();
    repo.writeLines('src/payments/charge.ts', 30, 'base');
    repo.writeLines('src/util.ts', 10, 'base');
    repo.commit('base');
    repo.git('branch', 'base');
    repo.writeLines('src/payments/charge.ts', 60, 'base'); // adds lines 31-60
    repo.writeLines('src/util.ts', 12, 'base'); // adds 11-12
    repo.commit('charge flow', { trailers: ['Co-authored-by: Claude <noreply@anthropic.com>'] });
    const hits: Record<number, number> = {};
    for (let n = 31; n <= 60; n++) hits[n] = n >= 40 && n <= 58 ? 0 : 1;
    writeFileSync(
      join(repo.dir, 'partial.info'),
      lcov({ [join(repo.dir, 'src/payments/charge.ts')]: hits, 'src/util.ts': { 11: 1, 12: 1 } }),
    );
    const all: Record<number, number> = {};
    for (let n = 1; n <= 60; n++) all[n] = 1;
    writeFileSync(
      join(repo.dir, 'full.info'),
      lcov({ 'src/payments/charge.ts': all, 'src/util.ts': { 11: 1, 12: 1 } }),
    );
    writeFileSync(join(repo.dir, 'foreign.info'), lcov({ '/elsewhere/other/thing.ts': { 1: 1 } }));
    writeFileSync(join(repo.dir, 'container.info'), lcov({ '/app/src/util.ts': { 11: 0, 12: 1 } }));
    writeFileSync(join(repo.dir, '.deployadvisor.yml'), POLICY);
  });
  afterAll(() => {
    repo.cleanup();
  });

  it('computes patch coverage per file, zone and overall, and names the untested ranges', async () => {
    const { plan: p } = await plan('--coverage', join(repo.dir, 'partial.info'));
    expect(p.coverage.status).toBe('ok');
    expect(p.coverage.source).toBe('option');
    expect(p.coverage.patch).toEqual({ covered: 13, measured: 32, ratio: 13 / 32 });
    expect(p.coverage.files.find((f) => f.path === 'src/payments/charge.ts')).toMatchObject({
      covered: 11,
      measured: 30,
      uncovered: [[40, 58]],
    });
    expect(p.coverage.zones).toEqual([
      { name: 'payments', changed: 30, covered: 11, measured: 30, ratio: 11 / 30, min: 80, meetsMin: false },
    ]);
    const tests = p.factors.find((f) => f.id === 'tests');
    expect(tests?.summary).toBe(
      'Patch coverage 40.62%: 13 of 32 measured changed line(s) ran under test; payments below minPatchCoverage.',
    );
    expect(tests?.advice).toContain('Cover src/payments/charge.ts 40–58');
    expect(tests?.evidence.join('\n')).toContain('(100% AI-written)');
    expect(tests?.savings).toBeGreaterThan(0);
  });

  it('full coverage scores 0 test points; several reports merge (covered if any covers)', async () => {
    const full = await plan('--coverage', join(repo.dir, 'full.info'));
    expect(full.plan.factors.find((f) => f.id === 'tests')?.points).toBe(0);
    const merged = await plan('--coverage', join(repo.dir, 'partial.info'), join(repo.dir, 'full.info'));
    expect(merged.plan.coverage.patch).toEqual({ covered: 32, measured: 32, ratio: 1 });
  });

  it('a report that matches nothing in the repository is a named diagnostic, never 0% or 100%', async () => {
    const { plan: p } = await plan('--coverage', join(repo.dir, 'foreign.info'));
    expect(p.coverage.status).toBe('unusable');
    expect(p.coverage.patch).toBeNull();
    expect(p.coverage.reports[0]).toMatchObject({ status: 'unmatched', files: 1, matched: 0 });
    expect(p.diagnostics.find((d) => d.id === 'coverage-unmatched')?.message).toContain(
      'foreign.info: none of its 1 file path(s) match',
    );
    expect(p.factors.find((f) => f.id === 'tests')?.summary).toBe(
      'No usable coverage report: nothing shows that the changed lines ran under test.',
    );
  });

  it('coverage.pathMap maps container paths; coverage.reports globs find reports', async () => {
    writeFileSync(
      join(repo.dir, '.deployadvisor.yml'),
      `${POLICY}coverage:\n  reports: ["container.*"]\n  pathMap: [{ from: "/app/", to: "" }]\n`,
    );
    try {
      const { plan: p } = await plan();
      expect(p.coverage.source).toBe('policy');
      expect(p.coverage.files.find((f) => f.path === 'src/util.ts')).toMatchObject({
        covered: 1,
        measured: 2,
        uncovered: [[11, 11]],
      });
    } finally {
      writeFileSync(join(repo.dir, '.deployadvisor.yml'), POLICY);
    }
  });

  it('hardGates: [tests] blocks a zone below its minimum', async () => {
    writeFileSync(join(repo.dir, '.deployadvisor.yml'), `${POLICY}thresholds: { hardGates: [tests] }\n`);
    try {
      const { plan: p, code } = await plan('--coverage', join(repo.dir, 'partial.info'));
      expect(p.gates[0]).toMatchObject({ id: 'coverage-below-min', level: 'block' });
      expect(code).toBe(4);
    } finally {
      writeFileSync(join(repo.dir, '.deployadvisor.yml'), POLICY);
    }
  });

  it('a broken or unknown report is a diagnostic; a missing --coverage file is exit 2', async () => {
    writeFileSync(join(repo.dir, 'broken.xml'), '<coverage><packages><package>');
    const { plan: p } = await plan('--coverage', join(repo.dir, 'broken.xml'));
    expect(p.coverage.reports[0]).toMatchObject({ format: 'cobertura', status: 'unreadable' });
    expect(p.diagnostics.find((d) => d.id === 'coverage-unreadable')?.message).toContain(
      'broken.xml: not well-formed XML',
    );
    const missing = await runCli(['--repo', repo.dir, 'plan', '--coverage', 'nope.info']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--coverage nope.info: no such report file');
  });

  it('a report that breaks half-way contributes nothing, even beside a good one', async () => {
    writeFileSync(
      join(repo.dir, 'half.json'),
      '{"src/util.ts": {"path": "src/util.ts", "statementMap": {"0": {"start": {"line": 11}}}, "s": {"0": 9}}, "src/payments/charge.ts": {',
    );
    const { plan: p } = await plan('--coverage', join(repo.dir, 'half.json'), join(repo.dir, 'partial.info'));
    expect(p.coverage.reports.map((r) => r.status)).toEqual(['unreadable', 'ok']);
    expect(p.coverage.patch).toEqual({ covered: 13, measured: 32, ratio: 13 / 32 });
  });

  it('a zone whose changed lines no report measures does not pass its minimum', async () => {
    writeFileSync(join(repo.dir, 'util-only.info'), lcov({ 'src/util.ts': { 11: 1, 12: 1 } }));
    writeFileSync(join(repo.dir, '.deployadvisor.yml'), `${POLICY}thresholds: { hardGates: [tests] }\n`);
    try {
      const { plan: p, code } = await plan('--coverage', join(repo.dir, 'util-only.info'));
      expect(p.coverage.zones[0]).toMatchObject({
        name: 'payments',
        changed: 30,
        measured: 0,
        meetsMin: null,
      });
      expect(p.gates[0]).toMatchObject({ id: 'coverage-below-min', level: 'block' });
      expect(p.gates[0]?.reason).toContain('No coverage report measures the 30 changed line(s) in payments');
      expect(code).toBe(4);
    } finally {
      writeFileSync(join(repo.dir, '.deployadvisor.yml'), POLICY);
    }
  });

  it('the text plan shows the coverage section', async () => {
    const result = await runCli([
      '--repo',
      repo.dir,
      'plan',
      '--from',
      'base',
      '--now',
      '2026-11-23T10:00:00Z',
      '--coverage',
      join(repo.dir, 'partial.info'),
    ]);
    expect(result.stdout).toContain('  patch coverage 40.62%: 13 of 32 measured changed line(s) covered');
    expect(result.stdout).toContain('  zone payments: 36.66% (11/30), minimum 80% — BELOW');
    expect(result.stdout).toContain('  untested src/payments/charge.ts 40–58');
  });
});
