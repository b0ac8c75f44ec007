import { byText } from '../assess/text.js';
import { findAiMarkers } from '../assess/ai-attribution.js';
import type { CommitFacts } from '../assess/facts.js';
import { assessPlan } from '../assess/plan.js';
import { systemClock } from '../collect/clock.js';
import { collectGitFacts, resolveCommit } from '../collect/git-facts.js';
import { readCommits } from '../collect/git-log.js';
import type { GitRunner } from '../collect/git-runner.js';
import { EXIT, UserError } from '../errors.js';
import type { Io } from '../io.js';
import type { LedgerRecord } from '../ledger/record.js';
import type { GlobalOptions } from '../main.js';
import { mdInline } from '../render/markdown.js';
import { cleanDeep } from '../render/safe-text.js';
import { VERSION } from '../version.js';
import { ledgerRecords } from './ledger.js';
import { emit, openWorkspace } from './shared.js';

export interface Explanation {
  schemaVersion: 'deployadvisor.explain/1';
  commit: {
    sha: string;
    subject: string;
    author: { name: string; email: string; date: string };
    committer: { name: string; email: string; date: string };
    ai: Array<{ tool: string; marker: string }>;
    review: Array<{ key: string; value: string }>;
  };
  environments: Array<{
    env: string;
    /** First successful deploy that carried the commit. */
    shipped: { at: string; sha: string; seq: number } | null;
    leadTimeHours: number | null;
    records: Array<{
      seq: number;
      id: string;
      type: LedgerRecord['type'];
      at: string;
      /** When it was written (the recording machine's clock); differs from `at` for --at and plan --now. */
      recordedAt: string;
      backfilled: boolean;
      sha: string;
      actor: string;
      ciRunUrl: string | null;
      verdict: string | null;
      score: number | null;
      overriddenFrom: string | null;
      factors: Array<{ id: string; points: number; max: number; summary: string }>;
      policyBlob: string | null;
      reason: string | null;
    }>;
  }>;
  /** When no record carries the commit: an assessment computed now, clearly not a record. */
  retrospective: {
    computedAt: string;
    verdict: string;
    score: number;
    factors: Array<{ id: string; points: number; max: number; summary: string }>;
  } | null;
}

async function contains(git: GitRunner, ancestor: string, descendant: string): Promise<boolean> {
  if (ancestor === descendant) return true;
  const result = await git.run(['merge-base', '--is-ancestor', ancestor, descendant], {
    okExitCodes: [0, 1, 128],
  });
  return result.exitCode === 0;
}

function hours(from: string, to: string): number {
  return Math.round(((Date.parse(to) - Date.parse(from)) / 3_600_000) * 10) / 10;
}

export async function runExplain(io: Io, options: GlobalOptions, ref: string): Promise<number> {
  const workspace = await openWorkspace(io, options);
  const { git } = workspace;
  const { policy } = workspace.loaded;
  const sha = await resolveCommit(git, ref);
  if (sha === null)
    throw new UserError(`explain ${ref}: not a commit in this repository.`, {
      hint: 'Fetch it first, or pass a full sha.',
    });
  const [commit] = (await readCommits(git, null, sha, { maxCount: 1 })) as [CommitFacts];
  const rules = {
    custom: policy.ai.markers.map((marker) =>
      typeof marker === 'string' ? { pattern: marker, in: 'any' as const } : marker,
    ),
    ignore: policy.ai.ignore,
  };
  const reviewKeys = new Set(policy.review.trailers.map((key) => key.toLowerCase()));
  const records = await ledgerRecords(workspace);

  // A record carries the commit when its target contains it and its base (what was deployed) did not.
  const carried: LedgerRecord[] = [];
  const memo = new Map<string, boolean>();
  const has = async (target: string) => {
    let value = memo.get(target);
    if (value === undefined) {
      value = await contains(git, sha, target);
      memo.set(target, value);
    }
    return value;
  };
  for (const record of records) {
    if (!(await has(record.sha))) continue;
    if (record.base !== null && (await has(record.base))) continue;
    carried.push(record);
  }
  const envs = [...new Set(carried.map((r) => r.env))].sort();
  const explanation: Explanation = {
    schemaVersion: 'deployadvisor.explain/1',
    commit: {
      sha,
      subject: commit.subject,
      author: commit.author,
      committer: commit.committer,
      ai: findAiMarkers(commit, rules).map(({ tool, marker }) => ({ tool, marker })),
      review: commit.trailers.filter((t) => reviewKeys.has(t.key.toLowerCase())),
    },
    environments: envs.map((env) => {
      const mine = carried.filter((r) => r.env === env).sort((a, b) => byText(a.at, b.at) || a.seq - b.seq);
      const shipped = mine.find((r) => r.type === 'succeeded') ?? null;
      return {
        env,
        shipped: shipped === null ? null : { at: shipped.at, sha: shipped.sha, seq: shipped.seq },
        leadTimeHours: shipped === null ? null : hours(commit.author.date, shipped.at),
        records: mine.map((r) => ({
          seq: r.seq,
          id: r.id,
          type: r.type,
          at: r.at,
          recordedAt: r.recordedAt,
          backfilled: r.backfilled,
          sha: r.sha,
          actor: r.actor.ci ?? `${r.actor.name} <${r.actor.email}>`,
          ciRunUrl: r.ciRunUrl,
          verdict: r.plan?.verdict ?? null,
          score: r.plan?.score ?? null,
          overriddenFrom: r.plan?.overriddenFrom ?? null,
          factors: r.plan?.factors ?? [],
          policyBlob: r.plan?.policyBlob ?? null,
          reason: r.reason,
        })),
      };
    }),
    retrospective: null,
  };
  if (carried.length === 0) {
    const now = systemClock.now();
    const facts = await collectGitFacts(git, {
      target: sha,
      from: commit.parents[0],
      env: policy.defaultEnvironment,
      policy,
    });
    const plan = assessPlan({
      facts,
      coverage: null,
      policy,
      policySource: {
        source: workspace.loaded.source.kind,
        path: workspace.loaded.source.path,
        ref: workspace.loaded.source.ref,
        blobSha: workspace.loaded.source.blobSha,
      },
      env: policy.defaultEnvironment,
      now,
      failOn: 'never',
      override: undefined,
      toolVersion: VERSION,
      inputsDigest: '',
    });
    explanation.retrospective = {
      computedAt: new Date(now).toISOString(),
      verdict: plan.verdict,
      score: plan.score,
      factors: plan.factors.map(({ id, points, max, summary }) => ({ id, points, max, summary })),
    };
  }
  await emit(
    io,
    options,
    options.format === 'json'
      ? `${JSON.stringify(explanation, null, 2)}\n`
      : renderExplanation(cleanDeep(explanation), options.format === 'markdown'),
  );
  return EXIT.go;
}

/** More than a minute between the instant a record is about and its writing (`--at`, `plan --now`). */
function recordedLater(at: string, recordedAt: string): boolean {
  return Math.abs(Date.parse(recordedAt) - Date.parse(at)) > 60_000;
}

function renderExplanation(e: Explanation, markdown: boolean): string {
  const h = (text: string) => (markdown ? `## ${mdInline(text)}` : text.toUpperCase());
  // Values from git and the ledger; in markdown they cannot open a link or HTML.
  const t = markdown ? mdInline : (text: string) => text;
  const li = markdown ? '- ' : '  ';
  const out: string[] = [];
  out.push(
    markdown
      ? `# Commit \`${e.commit.sha.slice(0, 12)}\` — ${t(e.commit.subject)}`
      : `commit ${e.commit.sha}  ${e.commit.subject}`,
    '',
  );
  out.push(
    `${li}author    ${t(`${e.commit.author.name} <${e.commit.author.email}>, ${e.commit.author.date}`)}`,
  );
  out.push(
    `${li}committer ${t(`${e.commit.committer.name} <${e.commit.committer.email}>, ${e.commit.committer.date}`)}`,
  );
  out.push(
    `${li}AI        ${e.commit.ai.length === 0 ? 'no AI-attribution marker' : t(e.commit.ai.map((m) => `${m.tool} (${m.marker})`).join('; '))}`,
  );
  out.push(
    `${li}review    ${e.commit.review.length === 0 ? 'no review evidence in the commit' : t(e.commit.review.map((r) => `${r.key}: ${r.value}`).join('; '))}`,
    '',
  );
  for (const env of e.environments) {
    out.push(h(env.env));
    out.push(
      env.shipped === null
        ? `${li}not shipped: no successful deploy in the ledger carried it`
        : `${li}shipped ${env.shipped.at} in ${env.shipped.sha.slice(0, 12)} (record #${env.shipped.seq}); lead time ${env.leadTimeHours ?? '?'} h from authoring`,
    );
    for (const r of env.records) {
      const plan =
        r.verdict === null
          ? ''
          : ` ${r.overriddenFrom === null ? r.verdict : `${r.overriddenFrom} → OVERRIDDEN to ${r.verdict}`} score ${r.score ?? '?'}`;
      const top = r.factors
        .filter((f) => f.points > 0)
        .slice(0, 3)
        .map((f) => `${f.id} ${f.points}/${f.max}`)
        .join(', ');
      out.push(
        `${li}#${r.seq} ${r.at}${r.backfilled ? ' (backfilled)' : ''}${recordedLater(r.at, r.recordedAt) ? ` (recorded ${r.recordedAt})` : ''} ${r.type}${plan} by ${t(r.actor)} at ${r.sha.slice(0, 12)}` +
          (top === '' ? '' : ` — ${top}`) +
          (r.reason === null ? '' : ` — reason: "${t(r.reason)}"`) +
          (r.policyBlob === null ? '' : ` — policy ${r.policyBlob.slice(0, 12)}`) +
          (r.ciRunUrl === null ? '' : ` — ${t(r.ciRunUrl)}`),
      );
    }
    out.push('');
  }
  if (e.retrospective !== null) {
    out.push(h('Retrospective assessment (computed now — no ledger record carries this commit)'));
    out.push(
      `${li}computed ${e.retrospective.computedAt}: ${e.retrospective.verdict}, score ${e.retrospective.score}/100, for this commit alone with today's policy`,
    );
    for (const f of e.retrospective.factors.filter((factor) => factor.points > 0))
      out.push(`${li}${f.id} ${f.points}/${f.max}: ${t(f.summary)}`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
