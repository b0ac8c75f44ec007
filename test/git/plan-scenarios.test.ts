import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/assess/plan-types.js';
import type { TestRepo } from '../helpers/repo.js';
import { runCli, runPlanJson } from '../helpers/run.js';
import { visibleLength } from '../../src/render/style.js';
import { IN_FREEZE, OFF_PEAK, PEAK, CLAUDE, scenarioRepos } from '../helpers/policy.js';

async function plan(
  repo: TestRepo,
  now: string,
  ...extra: string[]
): Promise<{ plan: Plan; code: number; stderr: string }> {
  const result = await runPlanJson(repo.dir, extra, { now });
  if (!extra.includes('--override')) expect(result.stderr).toBe('');
  return { plan: result.plan, code: result.code, stderr: result.stderr };
}

describe('plan scenarios on real repositories', () => {
  let docs: TestRepo;
  let ai: TestRepo;
  let aiReviewed: TestRepo;

  beforeAll(() => {
    ({ docs, ai, aiReviewed } = scenarioRepos());
  });
  afterAll(() => {
    for (const repo of [docs, ai, aiReviewed]) repo.cleanup();
  });

  it('a docs-only change off-peak is GO with score 0', async () => {
    const { plan: p, code } = await plan(docs, OFF_PEAK);
    expect(p.verdict).toBe('GO');
    expect(code).toBe(0);
    expect(p.score).toBe(0);
    expect(p.range.fromSource).toBe('deployedRef');
    expect(p.range.fromRef).toBe('deploy/production/2026-11-01');
    expect(p.range.commits).toBe(1);
    expect(p.gates).toEqual([]);
  });

  it('an unreviewed AI-assisted 300-line change to a critical zone at peak is blocked past blockAt', async () => {
    const { plan: p, code } = await plan(ai, PEAK);
    expect(p.score).toBeGreaterThanOrEqual(80);
    expect(p.verdict).toBe('BLOCK');
    expect(code).toBe(4);
    const aiFactor = p.factors.find((f) => f.id === 'ai');
    expect(aiFactor?.points).toBeGreaterThan(0);
    expect(aiFactor?.summary).toContain('claude');
    expect(aiFactor?.evidence.join('\n')).toContain(CLAUDE);
    expect(p.factors.find((f) => f.id === 'zones')?.summary).toBe('Touches the payments zone (critical).');
    expect(p.gates.map((g) => g.id)).toEqual(expect.arrayContaining(['review-required', 'peak']));
    expect(p.lineage).toMatchObject({ aiCommits: 1, aiShare: 1, tools: [{ tool: 'claude', commits: 1 }] });
    // the factor table is sorted, largest first
    const points = p.factors.map((f) => f.points);
    expect(points).toEqual([...points].sort((a, b) => b - a));
  });

  it('the same change, reviewed, waits for the preferred window and names it', async () => {
    const { plan: p, code } = await plan(aiReviewed, PEAK);
    expect(p.verdict).toBe('WAIT');
    expect(code).toBe(3);
    expect(p.score).toBeGreaterThanOrEqual(50);
    expect(p.score).toBeLessThan(80);
    expect(p.gates.map((g) => g.id)).toEqual(['peak', 'preferred']);
    expect(p.gates[0]?.until).toBe('2026-11-23T17:00:00-08:00');
    expect(p.timing.nextWindow).toMatchObject({
      start: '2026-11-23T20:00:00-08:00',
      end: '2026-11-23T22:00:00-08:00',
      startsInMinutes: 540,
      latestStart: '2026-11-23T21:40:00-08:00',
    });
    expect(p.summary).toContain('next window Mon 23 Nov 20:00–22:00 America/Los_Angeles');
  });

  it('--fail-on block lets a WAIT pass and --fail-on never passes everything', async () => {
    expect((await plan(aiReviewed, PEAK, '--fail-on', 'block')).code).toBe(0);
    expect((await plan(ai, PEAK, '--fail-on', 'block')).code).toBe(4);
    expect((await plan(ai, PEAK, '--fail-on', 'never')).code).toBe(0);
  });

  it('inside the preferred window the reviewed change is GO', async () => {
    const { plan: p } = await plan(aiReviewed, OFF_PEAK);
    expect(p.verdict).toBe('GO');
    expect(p.timing.active.map((a) => a.kind)).toEqual(['preferred']);
  });

  it('a freeze blocks even a docs change, and says when it ends', async () => {
    const { plan: p, code } = await plan(docs, IN_FREEZE);
    expect(p.verdict).toBe('BLOCK');
    expect(code).toBe(4);
    expect(p.gates[0]).toMatchObject({ id: 'freeze', level: 'block', until: '2027-01-03T00:00:00-08:00' });
    expect(p.gates[0]?.reason).toContain('Holiday freeze');
    expect(p.timing.nextWindow?.start).toBe('2027-01-03T00:00:00-08:00');
  });

  it('--override turns BLOCK into GO and says so loudly', async () => {
    const result = await runCli([
      '--repo',
      ai.dir,
      'plan',
      '--now',
      PEAK,
      '--override',
      'INC-42 hotfix, approved by on-call',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^GO /);
    expect(result.stdout).toContain(
      '!!! OVERRIDE: BLOCK turned into GO by --override\n!!! Reason: "INC-42 hotfix, approved by on-call"\n',
    );
    const json = await plan(ai, PEAK, '--override', 'INC-42');
    expect(json.plan.overridden).toEqual({ from: 'BLOCK', reason: 'INC-42' });
    expect(json.stderr).toContain('OVERRIDE: BLOCK turned into GO. Reason: "INC-42"');
  });

  it('the rollback plan fills the command and names the base', async () => {
    const { plan: p } = await plan(ai, PEAK);
    const base = ai.git('rev-parse', 'deploy/production/2026-11-01').trim();
    expect(p.rollback.targetSha).toBe(base);
    expect(p.rollback.command).toBe(`kubectl rollout undo deployment/web --to-revision=${base}`);
    expect(p.rollback.watch.join('\n')).toContain('payments (owners @acme/payments)');
  });

  it('same inputs and --now give byte-identical output in every format', async () => {
    for (const format of ['json', 'text', 'markdown', 'github']) {
      const args = ['--repo', ai.dir, '--format', format, 'plan', '--now', PEAK];
      const first = await runCli(args);
      const second = await runCli(args);
      expect(second.stdout).toBe(first.stdout);
      expect(first.stdout.length).toBeGreaterThan(100);
    }
  });

  it('--format github: annotations on the riskiest files, the markdown plan in $GITHUB_STEP_SUMMARY', async () => {
    const summary = join(ai.dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const result = await runCli(['--repo', ai.dir, '--format', 'github', 'plan', '--now', PEAK], {
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(result.code).toBe(4);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^::error title=deployadvisor%3A BLOCK \(score \d+\/100\)::/);
    expect(lines).toContain(
      '::warning file=src/payments/charge.ts,title=Risk zone payments::This file is in risk zone payments (risk 100). Owners: @acme/payments.',
    );
    expect(lines.some((line) => line.startsWith('::warning title=Peak traffic::'))).toBe(true);
    const markdown = readFileSync(summary, 'utf8');
    expect(markdown.startsWith('# earlier step\n## 🔴 BLOCK — deploy `')).toBe(true);
    expect(markdown).toMatch(/\| Risk zones \| [1-9]\d* \| Touches the payments zone \(critical\)\. \|/);
  });

  it('every number in the text factor table is in the JSON', async () => {
    const text = (await runCli(['--repo', ai.dir, 'plan', '--now', PEAK])).stdout;
    const { plan: p } = await plan(ai, PEAK);
    // The Points column of the factor table, row by row (a wrapped title leaves it empty).
    const shown = text
      .split('\n')
      .map((line) => /^│[^│]*│\s*(\d+)\s*│/.exec(line)?.[1])
      .filter((value) => value !== undefined)
      .map(Number);
    expect(shown).toEqual(p.factors.map((factor) => factor.points));
    expect(text).toContain(`score ${p.score}/100`);
    const wide = text.split('\n').filter((line) => visibleLength(line) > 80);
    expect(wide).toEqual([]);
  });
});
