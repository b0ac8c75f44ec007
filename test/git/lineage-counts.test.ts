import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LineageReport } from '../../src/assess/lineage-types.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

describe('lineage and plan count the same commits per tool', () => {
  let repo: TestRepo;
  let base = '';
  beforeAll(() => {
    repo = makeRepo();
    repo.writeLines('src/a.ts', 5);
    base = repo.commit('base');
    repo.writeLines('src/a.ts', 10, 'claude');
    repo.commit('with Claude', { trailers: ['Co-authored-by: Claude <noreply@anthropic.com>'] });
    repo.writeLines('src/b.ts', 8, 'both');
    // Names two tools: it is one commit, counted once, under its first marker's tool.
    repo.commit('with Claude and Copilot', {
      trailers: ['Co-authored-by: Claude <noreply@anthropic.com>', 'Assisted-by: copilot:gpt-4'],
    });
    repo.writeLines('src/c.ts', 4, 'copilot');
    repo.commit('with Copilot', { trailers: ['Assisted-by: copilot:gpt-4'] });
  });
  afterAll(() => {
    repo.cleanup();
  });

  it('gives each tool the commit count plan gives it', async () => {
    const common = ['--repo', repo.dir, '--format', 'json'];
    const plan = await runCli([
      ...common,
      'plan',
      '--from',
      base,
      '--now',
      '2026-11-23T10:00:00Z',
      '--fail-on',
      'never',
    ]);
    expect(plan.code).toBe(0);
    const planTools = (
      JSON.parse(plan.stdout) as { lineage: { tools: Array<{ tool: string; commits: number }> } }
    ).lineage.tools;
    const lineage = await runCli([...common, 'lineage', `${base}..HEAD`]);
    expect(lineage.code).toBe(0);
    const report = JSON.parse(lineage.stdout) as LineageReport;
    const counts = (tools: ReadonlyArray<{ tool: string; commits: number }>) =>
      Object.fromEntries(tools.filter((t) => t.commits > 0).map((t) => [t.tool, t.commits]));
    expect(counts(report.tools)).toEqual(counts(planTools));
    expect(counts(report.tools)).toEqual({ claude: 2, copilot: 1 });
    expect(report.totals.aiCommits).toBe(3);
  });
});
