import type { Factor, LineageSummary } from '../plan-types.js';
import { type CommitView, type Context } from '../context.js';
import { byText, percent, short, thousands } from '../text.js';

/** AI share per tool and per commit: the lineage section of the plan. */
export function lineageSummary(ctx: Context): LineageSummary {
  const ai = ctx.commits.filter((view) => view.markers.length > 0);
  const lines = ctx.commits.reduce((sum, view) => sum + view.lines, 0);
  const aiLines = ai.reduce((sum, view) => sum + view.lines, 0);
  const tools = new Map<string, { tool: string; commits: number; lines: number }>();
  for (const view of ai) {
    const tool = view.markers[0]?.tool ?? 'unspecified';
    const entry = tools.get(tool) ?? { tool, commits: 0, lines: 0 };
    entry.commits += 1;
    entry.lines += view.lines;
    tools.set(tool, entry);
  }
  return {
    commits: ctx.commits.length,
    aiCommits: ai.length,
    lines,
    aiLines,
    aiShare: lines === 0 ? null : aiLines / lines,
    tools: [...tools.values()].sort((a, b) => b.lines - a.lines || byText(a.tool, b.tool)),
    aiCommitList: ai.map((view) => ({
      sha: view.commit.sha,
      subject: view.commit.subject,
      tool: view.markers[0]?.tool ?? 'unspecified',
      marker: view.markers[0]?.marker ?? '',
      lines: view.lines,
      reviewed: view.reviewed,
    })),
  };
}

function aiPoints(
  views: readonly CommitView[],
  totalLines: number,
  max: number,
  assumeReviewed: boolean,
): number {
  if (totalLines === 0) return 0;
  let weighted = 0;
  for (const view of views) {
    if (view.markers.length === 0 || view.lines === 0) continue;
    const zoneWeight = 1 + 0.5 * (view.riskyZoneLines / view.lines);
    const reviewDiscount = view.reviewed || assumeReviewed ? 0.5 : 1;
    weighted += view.lines * zoneWeight * reviewDiscount;
  }
  return Math.round(Math.min(max, (max * weighted) / totalLines));
}

/** Code from AI-assisted commits, weighed up in risky zones and down where a person reviewed it. */
export const AI = {
  id: 'ai',
  title: 'AI-assisted code',
  kind: 'policy',
  assess: (evidence: { ctx: Context; lineage: LineageSummary }) => ({
    factor: aiFactor(evidence.ctx, evidence.lineage),
  }),
  measure: (commit: { ctx: Context; lineage: LineageSummary }) => aiFactor(commit.ctx, commit.lineage).points,
} as const;

export function aiFactor(ctx: Context, lineage: LineageSummary): Factor {
  const max = ctx.weights.ai;
  const points = aiPoints(ctx.commits, lineage.lines, max, false);
  const ifReviewed = aiPoints(ctx.commits, lineage.lines, max, true);
  const unreviewed = lineage.aiCommitList.filter((commit) => !commit.reviewed).length;
  const base = { id: AI.id, title: AI.title, max };
  if (lineage.aiCommits === 0) {
    return {
      ...base,
      points: 0,
      summary: `No commit in the range carries an AI-attribution marker (${lineage.commits} checked).`,
      evidence: [],
      advice: null,
      savings: 0,
    };
  }
  const tools = lineage.tools.map((tool) => `${tool.tool} ${tool.commits}`).join(', ');
  return {
    ...base,
    points,
    summary:
      lineage.aiShare === null || lineage.lines === 0
        ? `${lineage.aiCommits} AI-assisted commit(s), but they changed no code lines.`
        : `${percent(lineage.aiShare)} of changed code lines (${thousands(lineage.aiLines)} of ${thousands(lineage.lines)}) come from ${lineage.aiCommits} AI-assisted commit(s): ${tools}.`,
    evidence: lineage.aiCommitList
      .slice(0, 8)
      .map(
        (commit) =>
          `${short(commit.sha)} ${commit.tool}${commit.reviewed ? ' (reviewed)' : ''}: ${commit.marker}`,
      )
      .concat(
        lineage.aiCommitList.length > 8
          ? [`+${lineage.aiCommitList.length - 8} more AI-assisted commits`]
          : [],
      ),
    advice:
      unreviewed > 0 && points > ifReviewed
        ? `Have a person review the ${unreviewed} unreviewed AI-assisted commit(s) (add a Reviewed-by: trailer).`
        : null,
    savings: Math.max(0, points - ifReviewed),
  };
}
