import { DEFAULT_ENVIRONMENT } from '../config/schema.js';
import { readFile } from 'node:fs/promises';
import {
  applyHistory,
  applyModel,
  unitFlagRates,
  scoreUnits,
  type ScoredUnit,
  BACKTEST_FACTORS,
  changeInput,
  ChangeScorer,
  FAILURE_KINDS,
  flagRate,
  kindFigures,
  labelChange,
  scoreBands,
  thresholdRow,
  type BacktestResult,
  type FailureKind,
  type ScoredChange,
} from '../assess/backtest.js';
import { CHANGE_FEATURES, type ChangeFeature, type ChangeInput } from '../assess/change-features.js';
import { isFixCommit } from '../assess/hotfixes.js';
import type { ScoreModel } from '../assess/risk-score.js';
import type { UnitKind } from '../assess/deploy-units.js';
import { readDeployUnits } from './deploy-units.js';
import { changeModelOf } from '../assess/factors/model.js';
import { RISK_PRIOR } from '../assess/risk-prior.js';
import { szzInduced, type FixCommit } from '../collect/szz.js';
import { effectiveWeights } from '../assess/context.js';
import { deploysFrom } from '../assess/deploys.js';
import { serviceCommit, serviceFileMatcher } from '../assess/service-scope.js';
import { isRevert, RevertMatcher, type RevertLink } from '../assess/reverts.js';
import { resolveCommit } from '../collect/git-facts.js';
import { LOG_FORMAT, parseLog } from '../collect/git-log.js';
import { GitError, UserError } from '../errors.js';
import type { CommitFacts } from '../assess/facts.js';
import { VERSION } from '../version.js';
import type { AppPorts, WorkspaceRequest } from './ports.js';
import { envBranch, mustResolve, parseRange } from './range.js';
import { recordsOfService, serviceOf, servicePaths } from './services.js';
import { environmentOf, ledgerRecords, openWorkspace, type Workspace } from './workspace.js';

export interface BacktestRequest extends WorkspaceRequest {
  range: string;
  env?: string | undefined;
  /** A service of the policy (monorepos): only changes to its paths, only its ledger outcomes. */
  service?: string | undefined;
}

export interface BacktestRun {
  workspace: Workspace;
  result: BacktestResult;
  /** Oldest first, with features and labels: what calibrate fits. */
  changes: ScoredChange[];
  /** The deploy-sized units the deploy-level figures are judged on: their changes, and scored. */
  units: { kind: UnitKind; groups: ScoredChange[][]; scored: ScoredUnit[] };
  /** The model the changes and units were scored with. */
  scoreModel: ScoreModel;
}

/** `A..B`, or a single ref (everything reachable from it); `A...B` is refused. */
async function resolveRange(
  workspace: Workspace,
  spec: string,
): Promise<{ from: string | null; to: string; revs: string }> {
  const range = parseRange(spec);
  if (range.symmetric) {
    throw new UserError(`backtest ${spec}: expected a range A..B or a single ref such as HEAD or main.`);
  }
  const to = await mustResolve(workspace.git, 'backtest', spec, range.target);
  if (range.from === undefined) return { from: null, to, revs: to };
  const from = await mustResolve(workspace.git, 'backtest', spec, range.from);
  return { from, to, revs: `${from}..${to}` };
}

/**
 * Scores every change of the range in one streaming `git log` (newest first, so each revert is seen
 * before the commit it reverts and labels it as it streams past), then adds history-so-far in time order.
 */
export async function backtestRange(
  ports: AppPorts,
  backtestOptions: BacktestRequest,
  /** prior: score with the shipped prior even when the policy has a calibrated model (calibrate starts there). */
  scoring: { prior?: boolean } = {},
): Promise<BacktestRun> {
  const spec = backtestOptions.range;
  const workspace = await openWorkspace(ports, backtestOptions);
  const { policy } = workspace.loaded;
  const env = environmentOf(workspace, backtestOptions.env);
  const range = await resolveRange(workspace, spec);
  const { weights, source } = effectiveWeights(policy);
  const hotfixDays = policy.model.hotfixDays;

  const service = serviceOf(workspace, backtestOptions.service, env);
  const inService =
    service === null ? null : serviceFileMatcher({ name: service, paths: servicePaths(workspace, service) });
  let outsideService = 0;
  const envDeploys = deploysFrom(recordsOfService(await ledgerRecords(workspace), service), env);
  const failedDeploys = envDeploys.filter((deploy) => deploy.outcome !== 'succeeded');
  // Reverts and fixes made after the range's end still tell about changes in it: the branch tips are read first.
  const branch = await envBranch(workspace.git, (policy.environments[env] ?? DEFAULT_ENVIRONMENT).branch);
  const head = await resolveCommit(workspace.git, 'HEAD');
  const tips = [...new Set([head ?? branch.sha, branch.sha])].filter((sha) => sha !== range.to);

  const scorer = new ChangeScorer(policy, weights);
  const changes: ScoredChange[] = [];
  /** Every non-merge commit of the range, scored or not: the feature walk reads them all. */
  const walk: ChangeInput[] = [];
  /** Fix commits (range and newer): the SZZ labels start from them. */
  const fixes: FixCommit[] = [];
  const skipped = { merges: 0, empty: 0, reverts: 0, shallowBoundary: 0 };
  const shallowBoundary = workspace.layout.isShallow
    ? new Set(
        (await readFile(workspace.layout.shallowFile, 'utf8').catch(() => '')).split('\n').filter(Boolean),
      )
    : new Set<string>();
  /** Reverted merges: their label goes to the commits they brought in. */
  const revertedMerges: Array<{ sha: string; at: number; by: string }> = [];
  const pendingReverts: Array<{ change: ScoredChange; at: number; by: string }> = [];
  const noteFix = (commit: CommitFacts) => {
    if (isFixCommit(commit)) fixes.push({ sha: commit.sha, at: Date.parse(commit.committer.date) });
  };
  const score = (whole: CommitFacts, link: RevertLink | null): void => {
    // A service's backtest scores its own changes, as its plans see them: other paths are not its deploys.
    const commit = inService === null || whole.parents.length > 1 ? whole : serviceCommit(whole, inService);
    if (commit === null) {
      outsideService += 1;
      noteFix(whole);
      return;
    }
    if (commit.parents.length > 1) {
      skipped.merges += 1;
      if (link !== null) revertedMerges.push({ sha: commit.sha, at: Date.parse(link.at), by: link.by });
      return;
    }
    noteFix(commit);
    // A revert is the fix, not a change to predict: one per failure, it would teach "small = failed".
    if (isRevert(commit)) {
      skipped.reverts += 1;
      walk.push(changeInput(commit));
      return;
    }
    // A shallow clone's boundary commit looks like it added the whole tree.
    if (shallowBoundary.has(commit.sha)) {
      skipped.shallowBoundary += 1;
      return;
    }
    if (commit.files.length === 0) {
      skipped.empty += 1;
      return;
    }
    const change = scorer.score(commit);
    walk.push(change.input);
    if (link !== null) pendingReverts.push({ change, at: Date.parse(link.at), by: link.by });
    changes.push(change);
  };
  const diagnostics: BacktestResult['diagnostics'] = [];
  let linesKnown = true;
  const stream = async (diffArgs: readonly string[]) => {
    const matcher = new RevertMatcher();
    if (tips.length > 0) {
      const newer = [
        'log',
        '-z',
        `--format=${LOG_FORMAT}`,
        '--end-of-options',
        ...tips,
        `^${range.to}`,
        '--',
      ];
      for await (const commit of parseLog(workspace.git.stream(newer, '\0'))) {
        matcher.observe(commit);
        noteFix(commit);
      }
    }
    const args = ['log', '-z', ...diffArgs, '--no-ext-diff', '--no-textconv', `--format=${LOG_FORMAT}`];
    args.push('--end-of-options', range.revs, '--');
    for await (const commit of parseLog(workspace.git.stream(args, '\0')))
      score(commit, matcher.observe(commit));
  };
  const reset = () => {
    changes.length = 0;
    walk.length = 0;
    fixes.length = 0;
    pendingReverts.length = 0;
    revertedMerges.length = 0;
    Object.assign(skipped, { merges: 0, empty: 0, reverts: 0, shallowBoundary: 0 });
    outsideService = 0;
  };
  try {
    await stream(['--numstat', '-M']);
  } catch (error) {
    if (!(error instanceof GitError) || !/is missing git object/.test(error.message)) throw error;
    // A partial or filtered clone lacks file contents: tree diffs still name the files, without counts.
    reset();
    await stream(['--raw', '--no-renames']);
    linesKnown = false;
    diagnostics.push({
      id: 'missing-objects',
      level: 'warning',
      message: `${error.message.replace(/ \(a partial.*$/, '')}: line counts could not be read, so every change was scored from the files it touched without its line counts (size counts files only; the lines-added baseline is undefined; no hotfix labels).`,
      remedy: 'Use a complete clone (git clone without --filter, or git fetch --refetch) for line counts.',
    });
  }
  if (service !== null && outsideService > 0)
    diagnostics.push({
      id: 'service-scope',
      level: 'info',
      message: `Service ${service}: ${outsideService} commit(s) of the range touch none of its paths and are not scored.`,
    });
  const labels: Record<FailureKind, number> = { revert: 0, hotfix: 0, ledger: 0 };
  const mark = (change: ScoredChange, kind: FailureKind, at: number, event: string) => {
    if (labelChange(change, kind, at, event)) labels[kind] += 1;
  };
  for (const { change, at, by } of pendingReverts) mark(change, 'revert', at, by);
  // Labels that name more than one change: a reverted merge (the commits it brought in), and a deploy
  // the ledger marks failed or rolled back (the commits it shipped).
  const bySha = new Map(changes.map((change) => [change.sha, change]));
  const label = async (revs: string, by: FailureKind, at: number, event: string) => {
    const listed = await workspace.git.run(['rev-list', '--no-merges', '--end-of-options', revs, '--'], {
      okExitCodes: [0, 128],
    });
    for (const sha of listed.stdout.split('\n')) {
      const change = bySha.get(sha);
      if (change !== undefined) mark(change, by, at, event);
    }
  };
  for (const merge of revertedMerges)
    await label(`${merge.sha}^1..${merge.sha}`, 'revert', merge.at, merge.by);
  for (const deploy of failedDeploys) {
    // Known when the failure was recorded: the failed event, or the rollback.
    const at = Date.parse(
      deploy.outcome === 'failed' ? deploy.endedAt : (deploy.restoredAt ?? deploy.endedAt),
    );
    // Without a base: what the deployed commit brought in over its first parent (all of a merge), or
    // the commit alone when it is a root.
    if (deploy.base !== null) await label(`${deploy.base}..${deploy.sha}`, 'ledger', at, deploy.sha);
    else
      for (const revs of [`${deploy.sha}^1..${deploy.sha}`, `${deploy.sha}^!`])
        await label(revs, 'ledger', at, deploy.sha);
  }
  // Hotfixes (SZZ): the changes whose code lines a later fix changed within the window.
  const hotfix = { fixCommits: fixes.length, blamedNow: 0, fromCache: 0, failedFiles: 0 };
  if (linesKnown && fixes.length > 0) {
    const progress = await ports.progress(`Blaming the lines ${fixes.length} fix commit(s) changed`);
    const szz = await szzInduced(workspace.git, workspace.layout.gitDir, fixes, {
      days: hotfixDays,
      onProgress: (done, total) => {
        progress.update(`Blaming fix commits: ${done} of ${total}`);
      },
    });
    progress.stop();
    Object.assign(hotfix, { blamedNow: szz.blamed, fromCache: szz.cached, failedFiles: szz.failedFiles });
    for (const fix of [...fixes].sort((a, b) => a.at - b.at)) {
      for (const sha of szz.induced.get(fix.sha) ?? []) {
        const change = bySha.get(sha);
        if (change === undefined) continue;
        const lag = fix.at - change.at;
        if (lag >= 0 && lag <= hotfixDays * 86_400_000) mark(change, 'hotfix', fix.at, fix.sha);
      }
    }
  }
  applyHistory(changes, weights.history);
  const prior = RISK_PRIOR;
  const inForce =
    scoring.prior === true
      ? { model: prior.model, source: 'prior' as const, deploy: prior.deploy }
      : changeModelOf(policy);
  const scoreModel = { change: inForce.model, deploy: inForce.deploy, weights };
  applyModel(walk, bySha, scoreModel);

  if (workspace.layout.isShallow) {
    diagnostics.push({
      id: 'shallow-clone',
      level: 'warning',
      message:
        'This is a shallow clone: commits older than its depth were not scored, and reverts of them were not seen.',
      remedy: 'Fetch the full history (git fetch --unshallow) for a backtest over all of it.',
    });
  }
  if (inForce.source === 'calibrated') {
    diagnostics.push({
      id: 'calibrated-in-sample',
      level: 'info',
      message: `Scores use this repository's calibrated model (model: in the policy, fitted ${policy.model.fittedAt ?? 'earlier'}), fitted on part of this history: its figures here are in sample. calibrate's walk-forward AUC is the honest one.`,
      remedy: 'Remove model.coefficients from the policy to judge the shipped prior instead.',
    });
  }
  const failed = changes.filter((change) => change.failed).length;
  if (changes.length > 0 && failed === 0) {
    diagnostics.push({
      id: 'no-failures',
      level: 'warning',
      message:
        'No change in the range was reverted, hot-fixed or marked failed in the ledger, so there is nothing to separate: AUC is undefined.',
      remedy: 'Widen the range, or record deploy outcomes (deployadvisor record failed / rolled-back).',
    });
  }
  const thresholds = policy.thresholds;
  const grouped = await readDeployUnits(workspace.git, range, envDeploys, changes);
  const units = { kind: grouped.kind, groups: grouped.units, scored: scoreUnits(grouped.units, scoreModel) };
  const byKind = {
    any: kindFigures(changes, 'any', linesKnown),
    revert: kindFigures(changes, 'revert', linesKnown),
    hotfix: kindFigures(changes, 'hotfix', linesKnown),
    ledger: kindFigures(changes, 'ledger', linesKnown),
  };
  const result: BacktestResult = {
    schemaVersion: 'deployadvisor.backtest/1',
    tool: { name: 'deployadvisor', version: VERSION },
    range: { spec, from: range.from, to: range.to },
    changes: changes.length,
    failed,
    labels,
    auc: byKind.any.auc,
    baseline: { name: 'lines-added', auc: byKind.any.baseline.auc },
    byKind,
    flagRates: {
      riskyAt: flagRate(changes, thresholds.riskyAt),
      waitAt: flagRate(changes, thresholds.waitAt),
      blockAt: flagRate(changes, thresholds.blockAt),
    },
    deployFlagRates: unitFlagRates(units.kind, units.scored, thresholds),
    model: {
      source: inForce.source,
      fittedAt: inForce.source === 'prior' ? prior.fittedAt : (policy.model.fittedAt ?? 'unknown'),
      hotfixDays,
    },
    hotfix,
    bands: scoreBands(changes),
    thresholds: {
      waitAt: thresholdRow(changes, thresholds.waitAt),
      blockAt: thresholdRow(changes, thresholds.blockAt),
    },
    weights: Object.fromEntries(BACKTEST_FACTORS.map((id) => [id, weights[id]])) as BacktestResult['weights'],
    weightsSource: source,
    skipped,
    diagnostics,
    changeList: changes.map((change) => ({
      sha: change.sha,
      at: new Date(change.at).toISOString(),
      score: change.score,
      probability: change.probability,
      failed: change.failed,
      failedBy: change.failedBy,
      labels: FAILURE_KINDS.filter((kind) => change.labelsAt[kind] !== undefined),
      linesAdded: change.linesAdded,
      factors: change.factorPoints,
      features: Object.fromEntries(
        CHANGE_FEATURES.map((id, index) => [id, Number((change.x[index] ?? 0).toFixed(4))]),
      ) as Record<ChangeFeature, number>,
    })),
  };
  return { workspace, result, changes, units, scoreModel };
}
