import type { Factor, ReviewEvidence } from '../plan-types.js';
import { type Context } from '../context.js';
import { percent, short } from '../text.js';

export interface ReviewFindings {
  factor: Factor;
  /** requireReview zones touched by commits without review evidence. */
  violations: Array<{ zone: string; commits: string[] }>;
}

/** "@rita, @sam", or "1 reviewer" when the provider did not name them. */
function approversText(pr: ReviewEvidence): string {
  const names = pr.approvers ?? [];
  return names.length > 0 ? names.map((name) => `@${name}`).join(', ') : `${pr.approvals} reviewer(s)`;
}

/** What the pull request's approval says, and its rubber-stamp sign with what that costs. */
function pullRequestEvidence(
  pr: ReviewEvidence,
  found: { unreviewed: boolean; extraPoints: number; violations: boolean },
): string[] {
  const approved = pr.approvals > 0;
  const lines = [
    approved
      ? `PR #${pr.pr} approved by ${approversText(pr)} (${pr.reviewComments} review comment(s), ${pr.changedLines} changed lines)`
      : `PR #${pr.pr} has no approval from someone other than its author`,
  ];
  if (approved && pr.rubberStamp)
    lines.push(
      `rubber-stamp sign: PR #${pr.pr} was approved within 5 minutes of opening a change of ${pr.changedLines} lines; counted as half a review${
        found.unreviewed ? ` (+${found.extraPoints} point(s) over a full review)` : ''
      }${found.violations ? ', and not as review for requireReview zones' : ''}`,
    );
  return lines;
}

/**
 * Review evidence: commit trailers, and the approval of the pull request that carried the target
 * (when the CI source reports it). An approval by someone other than the author counts as review of
 * every commit of the range; with the rubber-stamp sign (approved within minutes on a large change) it
 * counts half, and does not satisfy requireReview zones.
 */
export const REVIEW = {
  id: 'review',
  title: 'Review evidence',
  kind: 'policy',
  assess: (evidence: { ctx: Context; pullRequest: ReviewEvidence | null }) =>
    reviewFactor(evidence.ctx, evidence.pullRequest),
  measure: (commit: { ctx: Context }) => reviewFactor(commit.ctx).factor.points,
} as const;

export function reviewFactor(ctx: Context, pr: ReviewEvidence | null = null): ReviewFindings {
  const max = ctx.weights.review;
  const total = ctx.commits.reduce((sum, view) => sum + view.lines, 0);
  const changing = ctx.commits.filter((view) => view.lines > 0);
  const unreviewed = changing.filter((view) => !view.reviewed);
  const unreviewedLines = unreviewed.reduce((sum, view) => sum + view.lines, 0);
  const approved = pr !== null && pr.approvals > 0;
  const credit = !approved ? 0 : pr.rubberStamp ? 0.5 : 1;
  const required = ctx.policy.riskZones.filter((zone) => zone.requireReview);
  const violations =
    credit === 1
      ? []
      : required
          .map((zone) => ({
            zone: zone.name,
            commits: unreviewed.filter((view) => view.zones.has(zone.name)).map((view) => view.commit.sha),
          }))
          .filter((violation) => violation.commits.length > 0);

  const shareWeight = (max * 2) / 3;
  const fullSharePoints = total === 0 ? 0 : (shareWeight * unreviewedLines) / total;
  const sharePoints = fullSharePoints * (1 - credit);
  const zonePoints = violations.length > 0 ? max / 3 : 0;
  const points = Math.round(Math.min(max, sharePoints + zonePoints));
  const keys = ctx.policy.review.trailers.join(', ');
  const trailer = ctx.policy.review.trailers[0] ?? 'Reviewed-by';
  const stamped = approved && pr.rubberStamp;
  const missing = `${unreviewed.length} of ${changing.length} commit(s) that changed code (${percent(unreviewedLines / (total || 1))} of lines)`;

  let summary: string;
  if (total === 0 && ctx.facts.dropped !== undefined && ctx.codeFiles.length > 0)
    summary = `No commit of the range changes code; the code changes come from the ${ctx.facts.dropped.total} deployed commit(s) the target lacks (see the gate).`;
  else if (total === 0) summary = 'No code lines changed, so no review is needed.';
  else if (unreviewed.length === 0)
    summary = `Every commit that changed code carries review evidence (${keys}).`;
  else if (approved && !pr.rubberStamp)
    summary = `${missing} carry no review trailer, but PR #${pr.pr} was approved by ${approversText(pr)}, which counts as review.`;
  else if (approved)
    summary = `${missing} carry no review trailer; PR #${pr.pr} was approved by ${approversText(pr)}, but with a rubber-stamp sign, so it counts as half a review.`;
  else summary = `${missing} carry no review evidence.`;

  const prEvidence =
    pr === null
      ? []
      : pullRequestEvidence(pr, {
          unreviewed: unreviewed.length > 0,
          extraPoints: Math.round(fullSharePoints - sharePoints),
          violations: violations.length > 0,
        });
  const listUnreviewed = credit < 1;
  const factor: Factor = {
    id: REVIEW.id,
    title: REVIEW.title,
    max,
    points,
    summary,
    evidence: [
      ...prEvidence,
      ...violations.map(
        (v) => `zone ${v.zone} requires review; unreviewed: ${v.commits.map(short).join(', ')}`,
      ),
      ...(listUnreviewed
        ? [
            ...unreviewed
              .slice(0, 5)
              .map(
                (view) =>
                  `${short(view.commit.sha)} ${view.commit.subject} (${view.lines} lines, no ${keys})`,
              ),
            ...(unreviewed.length > 5 ? [`+${unreviewed.length - 5} more unreviewed commits`] : []),
          ]
        : []),
    ],
    advice:
      points === 0
        ? null
        : stamped
          ? `PR #${pr.pr} was approved minutes after it opened on a ${pr.changedLines}-line change, so it counts only half: get a substantive review (review comments, or a ${trailer}: trailer from someone other than the author).`
          : `Record review on the unreviewed commits (a ${trailer}: trailer on each, from someone other than the author${pr === null ? '' : `, or an approval of PR #${pr.pr}`}).`,
    savings: points,
  };
  return { factor, violations };
}
