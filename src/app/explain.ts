import { findAiMarkers } from '../assess/ai-attribution.js';
import type { CommitFacts } from '../assess/facts.js';
import { assessPlan } from '../assess/plan.js';
import { byText } from '../assess/text.js';
import { collectGitFacts, resolveCommit } from '../collect/git-facts.js';
import { readCommits } from '../collect/git-log.js';
import type { GitRunner } from '../collect/git-runner.js';
import { UserError } from '../errors.js';
import { standings } from '../ledger/corrections.js';
import type { LedgerRecord } from '../ledger/record.js';
import { VERSION } from '../version.js';
import type { AppPorts, WorkspaceRequest } from './ports.js';
import { allLedgerRecords, openWorkspace, type Workspace } from './workspace.js';

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
      /** For an outcome `verify --record` wrote: the started record it closes, and what the metrics said. */
      deployId: string | null;
      verification: NonNullable<LedgerRecord['verification']> | null;
      /**
       * `in-effect`; `voided` or `corrected` by the record numbered `standingBy` (then every reader
       * ignores it); `void` for a void record itself.
       */
      standing: 'in-effect' | 'voided' | 'corrected' | 'void';
      standingBy: number | null;
      /** The number of the record a void or a correction names (null when it is not in this ledger). */
      corrects: number | null;
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

export interface ExplainRequest extends WorkspaceRequest {
  sha: string;
}

/** `explain <sha>`: the commit's origin and review, and every ledger record that carried it. */
export async function explainCommit(ports: AppPorts, request: ExplainRequest): Promise<Explanation> {
  const ref = request.sha;
  const workspace = await openWorkspace(ports, request);
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
  const records = await allLedgerRecords(workspace);
  const { counts, standingOf } = standingsOf(records);

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
      const shipped = mine.find((r) => r.type === 'succeeded' && counts(r)) ?? null;
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
          deployId: r.deployId ?? null,
          verification: r.verification ?? null,
          ...standingOf(r),
        })),
      };
    }),
    retrospective: null,
  };
  if (carried.length === 0) explanation.retrospective = await retrospective(ports, workspace, sha, commit);
  return explanation;
}

/** Each record's standing as explain shows it (ignored ones stay listed, marked), and which count. */
function standingsOf(records: readonly LedgerRecord[]): {
  counts: (record: LedgerRecord) => boolean;
  standingOf: (
    record: LedgerRecord,
  ) => Pick<Explanation['environments'][number]['records'][number], 'standing' | 'standingBy' | 'corrects'>;
} {
  const standing = standings(records);
  const seqOf = new Map(records.map((r) => [r.id, r.seq]));
  return {
    counts: (r) => r.type !== 'void' && standing.get(r.id)?.status === 'in-effect',
    standingOf: (record) => {
      const known = standing.get(record.id);
      const corrects = record.corrects === undefined ? null : (seqOf.get(record.corrects) ?? null);
      if (known !== undefined && known.status !== 'in-effect')
        return { standing: known.status, standingBy: known.by.seq, corrects };
      return { standing: record.type === 'void' ? 'void' : 'in-effect', standingBy: null, corrects };
    },
  };
}

/** When no record carries the commit: an assessment of it alone, computed now, clearly not a record. */
async function retrospective(
  ports: AppPorts,
  workspace: Workspace,
  sha: string,
  commit: CommitFacts,
): Promise<Explanation['retrospective']> {
  const { git } = workspace;
  const { policy } = workspace.loaded;
  const now = ports.clock.now();
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
  return {
    computedAt: new Date(now).toISOString(),
    verdict: plan.verdict,
    score: plan.score,
    factors: plan.factors.map(({ id, points, max, summary }) => ({ id, points, max, summary })),
  };
}
