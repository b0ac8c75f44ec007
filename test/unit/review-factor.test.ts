import { describe, expect, it } from 'vitest';
import { buildContext } from '../../src/assess/context.js';
import type { CommitFacts, GitFacts } from '../../src/assess/facts.js';
import { reviewFactor } from '../../src/assess/factors/review.js';
import { pullRequestReview } from '../../src/assess/plan.js';
import type { ReviewEvidence } from '../../src/assess/plan-types.js';
import type { SourceFacts } from '../../src/assess/sources.js';
import { parsePolicy } from '../../src/config/parse.js';

/** The review factor from trailers and pull-request review evidence: pure, no git, no network. */

const FILE = { kind: 'file', path: '.deployadvisor.yml', ref: null, blobSha: null } as const;
const POLICY = parsePolicy(
  `riskZones:\n  - { name: payments, paths: ["src/payments/**"], risk: high, requireReview: true }\n`,
  FILE,
);
const PERSON = { name: 'Alice', email: 'alice@example.com', date: '2026-11-20T10:00:00Z' };

function commit(sha: string, path: string, lines: number, reviewed: boolean): CommitFacts {
  return {
    sha: sha.repeat(40).slice(0, 40),
    parents: [],
    author: PERSON,
    committer: PERSON,
    subject: `change ${path}`,
    body: '',
    trailers: reviewed ? [{ key: 'Reviewed-by', value: 'Rita <rita@example.com>' }] : [],
    files: [{ path, added: lines, deleted: 0 }],
  };
}

function facts(commits: CommitFacts[]): GitFacts {
  return {
    repoRoot: '/repo',
    target: { ref: 'HEAD', sha: 'f'.repeat(40) },
    base: { sha: null, source: 'root', ref: null, note: '' },
    deployedSha: null,
    head: { detached: false, branch: 'main' },
    shallow: { isShallow: false, rangeTruncated: false },
    commits,
    diff: [],
    migrations: [],
    diagnostics: [],
  };
}

const APPROVED: ReviewEvidence = {
  pr: 12,
  approvals: 1,
  approvers: ['rita'],
  reviewComments: 3,
  changedLines: 120,
  rubberStamp: false,
};
const STAMPED: ReviewEvidence = { ...APPROVED, reviewComments: 0, changedLines: 900, rubberStamp: true };
const UNAPPROVED: ReviewEvidence = { ...APPROVED, approvals: 0, approvers: [] };

const APP = commit('a', 'src/app.ts', 90, false);
const PAY = commit('b', 'src/payments/charge.ts', 30, false);
const APP_REVIEWED = commit('c', 'src/app.ts', 90, true);

const cases: Array<{
  title: string;
  commits: CommitFacts[];
  pr: ReviewEvidence | null;
  points: number;
  violations: string[];
  evidence: string[];
  summary: RegExp;
  advice: RegExp | null;
}> = [
  {
    title: 'no trailer, no PR: unreviewed (as before)',
    commits: [APP, PAY],
    pr: null,
    points: 15, // 10 share + 5 zone
    violations: ['payments'],
    evidence: [
      'zone payments requires review; unreviewed: bbbbbbbbbb',
      'aaaaaaaaaa change src/app.ts (90 lines, no Reviewed-by, Acked-by, Approved-by, Reviewed-on)',
      'bbbbbbbbbb change src/payments/charge.ts (30 lines, no Reviewed-by, Acked-by, Approved-by, Reviewed-on)',
    ],
    summary: /^2 of 2 commit\(s\) that changed code \(100% of lines\) carry no review evidence\.$/,
    advice:
      /^Record review on the unreviewed commits \(a Reviewed-by: trailer on each, from someone other than the author\)\.$/,
  },
  {
    title: 'trailers only: reviewed (as before)',
    commits: [APP_REVIEWED],
    pr: null,
    points: 0,
    violations: [],
    evidence: [],
    summary: /^Every commit that changed code carries review evidence/,
    advice: null,
  },
  {
    title: 'PR approved by a non-author: the range counts as reviewed',
    commits: [APP, PAY],
    pr: APPROVED,
    points: 0,
    violations: [],
    evidence: ['PR #12 approved by @rita (3 review comment(s), 120 changed lines)'],
    summary: /but PR #12 was approved by @rita, which counts as review\.$/,
    advice: null,
  },
  {
    title: 'PR approved, rubber-stamp sign: half credit, requireReview zone still unmet',
    commits: [APP, PAY],
    pr: STAMPED,
    points: 10, // 5 share (half of 10) + 5 zone
    violations: ['payments'],
    evidence: [
      'PR #12 approved by @rita (0 review comment(s), 900 changed lines)',
      'rubber-stamp sign: PR #12 was approved within 5 minutes of opening a change of 900 lines; counted as half a review (+5 point(s) over a full review), and not as review for requireReview zones',
      'zone payments requires review; unreviewed: bbbbbbbbbb',
      'aaaaaaaaaa change src/app.ts (90 lines, no Reviewed-by, Acked-by, Approved-by, Reviewed-on)',
      'bbbbbbbbbb change src/payments/charge.ts (30 lines, no Reviewed-by, Acked-by, Approved-by, Reviewed-on)',
    ],
    summary: /rubber-stamp sign, so it counts as half a review\.$/,
    advice: /^PR #12 was approved minutes after it opened on a 900-line change, so it counts only half/,
  },
  {
    title: 'rubber stamp outside review zones: half the share points',
    commits: [APP],
    pr: STAMPED,
    points: 5,
    violations: [],
    evidence: [
      'PR #12 approved by @rita (0 review comment(s), 900 changed lines)',
      'rubber-stamp sign: PR #12 was approved within 5 minutes of opening a change of 900 lines; counted as half a review (+5 point(s) over a full review)',
      'aaaaaaaaaa change src/app.ts (90 lines, no Reviewed-by, Acked-by, Approved-by, Reviewed-on)',
    ],
    summary: /counts as half a review\.$/,
    advice: /counts only half/,
  },
  {
    title: 'PR without a non-author approval: no credit, says so',
    commits: [APP],
    pr: UNAPPROVED,
    points: 10,
    violations: [],
    evidence: [
      'PR #12 has no approval from someone other than its author',
      'aaaaaaaaaa change src/app.ts (90 lines, no Reviewed-by, Acked-by, Approved-by, Reviewed-on)',
    ],
    summary: /carry no review evidence\.$/,
    advice: /or an approval of PR #12\)\.$/,
  },
  {
    title: 'trailers already cover the range: a rubber stamp adds no points',
    commits: [APP_REVIEWED],
    pr: STAMPED,
    points: 0,
    violations: [],
    evidence: [
      'PR #12 approved by @rita (0 review comment(s), 900 changed lines)',
      'rubber-stamp sign: PR #12 was approved within 5 minutes of opening a change of 900 lines; counted as half a review',
    ],
    summary: /^Every commit that changed code carries review evidence/,
    advice: null,
  },
  {
    title: 'approvers not named by the provider',
    commits: [APP],
    pr: { pr: 4, approvals: 2, reviewComments: 0, changedLines: 10, rubberStamp: false },
    points: 0,
    violations: [],
    evidence: ['PR #4 approved by 2 reviewer(s) (0 review comment(s), 10 changed lines)'],
    summary: /PR #4 was approved by 2 reviewer\(s\), which counts as review\.$/,
    advice: null,
  },
];

describe('reviewFactor with pull-request review evidence', () => {
  it.each(cases)('$title', ({ commits, pr, points, violations, evidence, summary, advice }) => {
    const found = reviewFactor(buildContext(facts(commits), POLICY), pr);
    expect(found.factor.points).toBe(points);
    expect(found.violations.map((v) => v.zone)).toEqual(violations);
    expect(found.factor.evidence).toEqual(evidence);
    expect(found.factor.summary).toMatch(summary);
    if (advice === null) expect(found.factor.advice).toBeNull();
    else expect(found.factor.advice).toMatch(advice);
  });
});

describe('pullRequestReview', () => {
  const ci = (review?: ReviewEvidence): SourceFacts => ({
    name: 'ci',
    kind: 'ci',
    query: null,
    latencyMs: 1,
    outcome: {
      status: 'ci',
      ci: {
        runs: 1,
        succeeded: 1,
        target: 'success',
        targetDetail: null,
        ...(review === undefined ? {} : { review }),
      },
    },
  });
  it.each([
    { title: 'no sources', sources: undefined, pr: null },
    {
      title: 'an unavailable CI source',
      sources: [{ ...ci(), outcome: { status: 'unavailable' as const, reason: 'down' } }],
      pr: null,
    },
    { title: 'CI without a PR', sources: [ci()], pr: null },
    { title: 'CI with a PR', sources: [ci(APPROVED)], pr: APPROVED },
  ])('$title', ({ sources, pr }) => {
    expect(pullRequestReview(sources)).toEqual(pr);
  });
});
