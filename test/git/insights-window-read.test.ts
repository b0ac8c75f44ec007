import { describe, expect, it } from 'vitest';
import type { Insights } from '../../src/assess/insights-types.js';
import { generateDeployHistory } from '../helpers/history.js';
import { runCli } from '../helpers/run.js';

describe('insights reads git only for the window', () => {
  it('the first deploy in a short window ships only what came after the deploy before it', async () => {
    const { repo, deploys } = generateDeployHistory({
      days: 60,
      start: '2026-01-05',
      hour: 14,
      failRate: () => 0,
      ai: () => false,
      payments: () => false,
    });
    try {
      const args = ['--repo', repo.dir, '--format', 'json', 'insights', '--now', '2026-03-06T00:00:00Z'];
      const all = JSON.parse((await runCli([...args, '--since', '2026-01-01'])).stdout) as Insights;
      const recent = JSON.parse((await runCli([...args, '--since', '2026-02-20'])).stdout) as Insights;
      expect(all.deploys).toBe(60);
      expect(recent.deploys).toBe(deploys.filter((d) => d.at >= '2026-02-20').length);
      // Every deploy shipped one commit, in the short window as in the long one.
      expect(new Set(recent.deployList.map((d) => d.commits))).toEqual(new Set([1]));
      const byShaAll = new Map(all.deployList.map((d) => [d.sha, d]));
      for (const d of recent.deployList) expect(d).toEqual(byShaAll.get(d.sha));
      expect(recent.dora.leadTimeHours.sample).toBe(recent.deploys);
    } finally {
      repo.cleanup();
    }
  });
});
