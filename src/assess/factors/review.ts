import type { Factor } from '../plan-types.js';
import { percent, short, type Context } from '../context.js';

export interface ReviewFindings {
  factor: Factor;
  /** requireReview zones touched by commits without review evidence. */
  violations: Array<{ zone: string; commits: string[] }>;
}

export function reviewFactor(ctx: Context): ReviewFindings {
  const max = ctx.weights.review;
  const total = ctx.commits.reduce((sum, view) => sum + view.lines, 0);
  const unreviewed = ctx.commits.filter((view) => !view.reviewed && view.lines > 0);
  const unreviewedLines = unreviewed.reduce((sum, view) => sum + view.lines, 0);
  const required = ctx.policy.riskZones.filter((zone) => zone.requireReview);
  const violations = required
    .map((zone) => ({
      zone: zone.name,
      commits: unreviewed.filter((view) => view.zones.has(zone.name)).map((view) => view.commit.sha),
    }))
    .filter((violation) => violation.commits.length > 0);

  const shareWeight = (max * 2) / 3;
  const sharePoints = total === 0 ? 0 : (shareWeight * unreviewedLines) / total;
  const zonePoints = violations.length > 0 ? max / 3 : 0;
  const points = Math.round(Math.min(max, sharePoints + zonePoints));
  const keys = ctx.policy.review.trailers.join(', ');
  const factor: Factor = {
    id: 'review',
    title: 'Review evidence',
    max,
    points,
    summary:
      total === 0
        ? 'No code lines changed, so no review is needed.'
        : unreviewed.length === 0
          ? `Every commit that changed code carries review evidence (${keys}).`
          : `${unreviewed.length} of ${ctx.commits.filter((v) => v.lines > 0).length} commit(s) that changed code (${percent(unreviewedLines / total)} of lines) carry no review evidence.`,
    evidence: [
      ...violations.map(
        (v) => `zone ${v.zone} requires review; unreviewed: ${v.commits.map(short).join(', ')}`,
      ),
      ...unreviewed
        .slice(0, 5)
        .map((view) => `${short(view.commit.sha)} ${view.commit.subject} (${view.lines} lines, no ${keys})`),
      ...(unreviewed.length > 5 ? [`+${unreviewed.length - 5} more unreviewed commits`] : []),
    ],
    advice:
      points > 0
        ? `Record review on the unreviewed commits (a ${ctx.policy.review.trailers[0] ?? 'Reviewed-by'}: trailer on each, from someone other than the author).`
        : null,
    savings: points,
  };
  return { factor, violations };
}
