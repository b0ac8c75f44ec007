import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createClassifier } from '../assess/context.js';
import { deployCounts } from '../assess/deploy-history.js';
import { deploysFrom } from '../assess/deploys.js';
import { foldPrior, type PriorProfile } from '../assess/factors/model.js';
import type { HistoryCounts } from '../assess/factors/history.js';
import { assessPlan } from '../assess/plan.js';
import { scopeFacts } from '../assess/service-scope.js';
import type { FailOn, Plan } from '../assess/plan-types.js';
import type { SourceFacts } from '../assess/sources.js';
import { collectCoverage } from '../collect/coverage/index.js';
import { collectGitFacts } from '../collect/git-facts.js';
import { resolveCommit } from '../collect/range-base.js';
import { knownCommit } from '../collect/repo-layout.js';
import { priorProfile } from './prior-profile.js';
import type { GitRunner } from '../collect/git-runner.js';
import type { Policy } from '../config/schema.js';
import type { SourcesPolicy } from '../config/sources-schema.js';
import { UserError } from '../errors.js';
import { actorOf, ciRunUrl } from '../ledger/context.js';
import type { LedgerRecord, RecordBody } from '../ledger/record.js';
import { VERSION } from '../version.js';
import { classifierDigest, tracedUnder } from './deploy-traits.js';
import { parseNow } from './instants.js';
import { pastDeploys } from './past-deploys.js';
import { recordsOfService, serviceOf, servicePaths } from './services.js';
import { NO_PROGRESS, type AppPorts, type WorkspaceRequest } from './ports.js';
import { ledgerBaseOf } from './range.js';
import { environmentOf, ledgerRecords, openWorkspace, type Workspace } from './workspace.js';

/** The newest deploys the history factor reads (older ones matter less, and cost time). */
const MAX_HISTORY_DEPLOYS = 300;

export interface PlanRequest extends WorkspaceRequest {
  target: string;
  env?: string | undefined;
  /** A service of the policy (monorepos): only its paths, its ledger records. */
  service?: string | undefined;
  from?: string | undefined;
  now?: string | undefined;
  failOn: FailOn;
  override?: string | undefined;
  offline?: boolean | undefined;
  coverage?: string[] | undefined;
  /** Build the ledger record (plan or override) to append. */
  record: boolean;
}

export interface PlanResult {
  workspace: Workspace;
  env: string;
  plan: Plan;
  /** The record to append when the request asked for one. */
  record: RecordBody | null;
}

/**
 * Past deploys of the env, as cohort counts for the history factor; null when the ledger has none. As
 * of `now`: ledger records and reverts after it are not known yet (a --now in the past).
 */
async function readPlanHistory(
  git: GitRunner,
  gitDir: string,
  records: readonly LedgerRecord[],
  env: string,
  head: string,
  policy: Policy,
  now: number,
): Promise<HistoryCounts | null> {
  const known = records.filter((record) => Date.parse(record.at) <= now);
  const all = deploysFrom(known, env);
  const from = Math.max(0, all.length - MAX_HISTORY_DEPLOYS);
  const deploys = all.slice(from);
  if (deploys.length === 0) return null;
  // Deploys recorded with their traits need no line counts from git (docs/audit.md, "traits").
  const storedTraits = tracedUnder(all, from, classifierDigest(policy));
  const { history } = await pastDeploys(git, policy, {
    deploys,
    readFor: deploys,
    head,
    now,
    gitDir,
    storedTraits,
  });
  return deployCounts(history, policy.riskZones);
}

/** The names of the configured sources, in the order collectSources asks them. */
function sourceNames(sources: SourcesPolicy): string[] {
  return [
    ...(sources.ci === undefined ? [] : [sources.ci.name]),
    ...sources.metrics.map((m) => m.name),
    ...sources.alerts.map((a) => a.name),
  ];
}

/** Asks the configured sources (loaded only then: it pulls in undici), with progress naming who is left. */
async function askSources(
  ports: AppPorts,
  sources: SourcesPolicy,
  targetSha: string,
  offline: boolean,
): Promise<SourceFacts[]> {
  if (sources.ci === undefined && sources.metrics.length === 0 && sources.alerts.length === 0) return [];
  const { collectSources } = await import('../collect/sources/index.js');
  const pending = sourceNames(sources);
  const label = () => `Asking sources: ${pending.join(', ')}`;
  // --offline asks nobody: nothing to wait for, so no progress.
  const progress = offline ? NO_PROGRESS : await ports.progress(label());
  try {
    return await collectSources(sources, {
      env: ports.env,
      offline,
      targetSha,
      ...(ports.dispatcher === undefined ? {} : { dispatcher: ports.dispatcher }),
      onSettled: (name) => {
        const at = pending.indexOf(name);
        if (at >= 0) pending.splice(at, 1);
        if (pending.length > 0) progress.update(label());
      },
    });
  } finally {
    progress.stop();
  }
}

/** The plan's inputs digest: everything that decides the output, so equal digests mean equal plans. */
async function inputsDigest(
  parts: {
    env: string;
    service: string | null;
    targetSha: string;
    baseSha: string | null;
    policyBlob: string | null;
    now: number;
  },
  request: PlanRequest,
  repoRoot: string,
  read: { reports: ReadonlyArray<{ path: string }>; sources: SourceFacts[]; lastRecord: string | null },
): Promise<string> {
  const reportStamps = await Promise.all(
    read.reports.map(async (report) => {
      const info = await stat(resolve(repoRoot, report.path));
      return [report.path, info.size, info.mtimeMs];
    }),
  );
  return createHash('sha256')
    .update(
      JSON.stringify([
        VERSION,
        parts.env,
        parts.targetSha,
        parts.baseSha,
        parts.policyBlob ?? 'defaults',
        parts.now,
        request.failOn,
        request.override ?? null,
        reportStamps,
        // Latency varies run to run; what the sources said is the input.
        read.sources.map(({ latencyMs: _latency, ...said }) => said),
        // The history factor reads the ledger: a new record is a new input.
        read.lastRecord,
        // Only when set, so plans without --service keep their digests.
        ...(parts.service === null ? [] : [parts.service]),
      ]),
    )
    .digest('hex');
}

/** The ledger record of a plan (an override when --override turned it into GO). */
async function planRecord(
  ports: AppPorts,
  workspace: Workspace,
  env: string,
  plan: Plan,
  range: { target: string; base: string | null; now: number; service: string | null },
): Promise<RecordBody> {
  const { source } = workspace.loaded;
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    schema: 'deployadvisor.record/1',
    type: plan.overridden === null ? 'plan' : 'override',
    env,
    sha: range.target,
    base: range.base,
    at: iso(range.now),
    backfilled: false,
    recordedAt: iso(ports.clock.now()),
    actor: await actorOf(workspace.git, ports.env, ports.agent),
    ciRunUrl: ciRunUrl(ports.env),
    plan: {
      verdict: plan.verdict,
      overriddenFrom: plan.overridden === null ? null : plan.overridden.from === 'WAIT' ? 'WAIT' : 'BLOCK',
      score: plan.score,
      factors: plan.factors.map(({ id, points, max, summary }) => ({ id, points, max, summary })),
      gates: plan.gates.map(({ id, level, title }) => ({ id, level, title })),
      policyBlob: source.blobSha,
      policySource: source.kind,
      inputsDigest: plan.inputsDigest,
      sources: plan.sources.map(({ name, status }) => ({ name, status })),
    },
    planId: null,
    reason: plan.overridden?.reason ?? null,
    ...(range.service === null ? {} : { service: range.service }),
  };
}

/** The range's git facts, with the change profile read while git computes the log and the diff. */
async function readRange(
  ports: AppPorts,
  workspace: Workspace,
  request: PlanRequest,
  env: string,
  ledgerBase: Awaited<ReturnType<typeof ledgerBaseOf>>,
  resolved: { target: string | null; from: string | null | undefined },
): Promise<{ facts: Awaited<ReturnType<typeof collectGitFacts>>; prior: Promise<PriorProfile> }> {
  const { git, layout } = workspace;
  const progress = await ports.progress('Reading git history');
  // The change profile needs only the base.
  let prior: Promise<PriorProfile> = Promise.resolve(foldPrior([]));
  try {
    const facts = await collectGitFacts(git, {
      target: request.target,
      from: request.from,
      env,
      policy: workspace.loaded.policy,
      layout,
      ledgerBase,
      ...(resolved.target === null ? {} : { targetSha: resolved.target }),
      fromSha: resolved.from,
      onBase: (baseSha) => {
        prior = priorProfile(git, layout, baseSha);
        // Awaited by the caller; this only keeps a failure while git runs from being reported as unhandled.
        prior.catch(() => {});
      },
    });
    return { facts, prior };
  } finally {
    progress.stop();
  }
}

/** `plan`: collect git, coverage, sources and history; assess; the record to append when asked. */
export async function planDeploy(ports: AppPorts, request: PlanRequest): Promise<PlanResult> {
  const workspace = await openWorkspace(ports, request, { pullRequestPolicy: true });
  const { git, loaded, repoRoot, layout } = workspace;
  const { policy, source } = loaded;
  const env = environmentOf(workspace, request.env);
  if (request.override !== undefined && request.override.trim() === '') {
    throw new UserError('--override needs a reason: --override "hotfix for INC-123, approved by on-call".');
  }
  const now = request.now === undefined ? ports.clock.now() : parseNow(request.now, policy.timezone);

  // The env's last successful deploy in the ledger is the base of the range (SPEC 3, rule 1).
  const service = serviceOf(workspace, request.service, env);
  // The target and --from resolve while the ledger is read; the history factor needs only the ledger and
  // the target, so it is read while git computes the range.
  const [all, target, fromSha] = await Promise.all([
    ledgerRecords(workspace),
    knownCommit(layout, request.target) ?? resolveCommit(git, request.target),
    request.from === undefined ? undefined : resolveCommit(git, request.from),
  ]);
  const records = recordsOfService(all, service);
  const ledgerBase = await ledgerBaseOf(git, records, env);
  // Deferred a turn: from stored traits it is all JavaScript, which would otherwise run before the
  // range's first git process starts instead of while git works.
  const early =
    target === null
      ? null
      : new Promise((resolve) => setImmediate(resolve)).then(() =>
          readPlanHistory(git, layout.gitDir, records, env, target, policy, now),
        );
  // Awaited below; this only keeps a failure while the range is read from being reported as unhandled.
  early?.catch(() => {});
  const read = await readRange(ports, workspace, request, env, ledgerBase, { target, from: fromSha });
  let facts = read.facts;
  const prior = read.prior;
  if (service !== null) facts = scopeFacts(facts, { name: service, paths: servicePaths(workspace, service) });
  const { isLowRiskChange } = createClassifier(policy);
  // Coverage and sources run side by side; Promise.all so neither can leave a rejection unhandled.
  const [coverage, sources, history, profile] = await Promise.all([
    collectCoverage({
      git,
      repoRoot,
      cwd: ports.cwd,
      targetSha: facts.target.sha,
      explicit: request.coverage ?? [],
      globs: policy.coverage.reports,
      pathMap: policy.coverage.pathMap,
      wanted: new Set(
        facts.diff
          .filter((file) => file.addedRanges.length > 0 && !isLowRiskChange(file))
          .map((file) => file.path),
      ),
    }),
    askSources(ports, policy.sources, facts.target.sha, request.offline === true),
    // The range read the same target (it was handed the resolved one); with none it has thrown already.
    early ?? readPlanHistory(git, layout.gitDir, records, env, facts.target.sha, policy, now),
    prior,
  ]);
  const digest = await inputsDigest(
    { env, service, targetSha: facts.target.sha, baseSha: facts.base.sha, policyBlob: source.blobSha, now },
    request,
    repoRoot,
    { reports: coverage.reports, sources, lastRecord: records.at(-1)?.id ?? null },
  );
  const plan = assessPlan({
    // What loading the policy noticed comes first: it was found first.
    facts: { ...facts, diagnostics: [...workspace.diagnostics, ...facts.diagnostics] },
    coverage,
    policy,
    policySource: { source: source.kind, path: source.path, ref: source.ref, blobSha: source.blobSha },
    env,
    now,
    failOn: request.failOn,
    override: request.override,
    toolVersion: VERSION,
    inputsDigest: digest,
    sources,
    history,
    prior: profile,
  });
  const record = request.record
    ? await planRecord(ports, workspace, env, plan, {
        target: facts.target.sha,
        base: facts.base.sha,
        now,
        service,
      })
    : null;
  return { workspace, env, plan, record };
}
