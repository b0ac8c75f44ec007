import { DEFAULT_ENVIRONMENT } from '../config/defaults.js';
import type { Policy } from '../config/schema.js';
import { applyHistory, applyModel, ChangeScorer, scoreUnits } from '../assess/backtest-score.js';
import {
  unitFlagRates,
  FAILURE_KINDS,
  flagRate,
  kindFigures,
  scoreBands,
  thresholdRow,
  type BacktestResult,
  type ScoredChange,
  type ScoredUnit,
} from '../assess/backtest.js';
import { BACKTEST_FACTORS } from '../assess/factors/registry.js';
import { CHANGE_FEATURES, type ChangeFeature } from '../assess/change-features.js';
import type { ScoreModel } from '../assess/risk-score.js';
import type { UnitKind } from '../assess/deploy-units.js';
import { readDeployUnits } from './deploy-units.js';
import { changeModelOf } from '../assess/factors/model.js';
import { RISK_PRIOR } from '../assess/risk-prior.js';
import { effectiveWeights } from '../assess/context.js';
import { deploysFrom } from '../assess/deploys.js';
import { serviceFileMatcher } from '../assess/service-scope.js';
import { resolveCommit } from '../collect/git-facts.js';
import { UserError } from '../errors.js';
import { VERSION } from '../version.js';
import type { AppPorts, WorkspaceRequest } from './ports.js';
import { labelFailures } from './backtest-labels.js';
import { walkRange } from './backtest-walk.js';
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

/** What the figures cannot see: a shallow clone, a model fitted on this history, no failures at all. */
function caveats(
  workspace: Workspace,
  calibrated: Policy | null,
  changes: readonly ScoredChange[],
  failed: number,
): BacktestResult['diagnostics'] {
  const out: BacktestResult['diagnostics'] = [];
  if (workspace.layout.isShallow) {
    out.push({
      id: 'shallow-clone',
      level: 'warning',
      message:
        'This is a shallow clone: commits older than its depth were not scored, and reverts of them were not seen.',
      remedy: 'Fetch the full history (git fetch --unshallow) for a backtest over all of it.',
    });
  }
  if (calibrated !== null) {
    out.push({
      id: 'calibrated-in-sample',
      level: 'info',
      message: `Scores use this repository's calibrated model (model: in the policy, fitted ${calibrated.model.fittedAt ?? 'earlier'}), fitted on part of this history: its figures here are in sample. calibrate's walk-forward AUC is the honest one.`,
      remedy: 'Remove model.coefficients from the policy to judge the shipped prior instead.',
    });
  }
  if (changes.length > 0 && failed === 0) {
    out.push({
      id: 'no-failures',
      level: 'warning',
      message:
        'No change in the range was reverted, hot-fixed or marked failed in the ledger, so there is nothing to separate: AUC is undefined.',
      remedy: 'Widen the range, or record deploy outcomes (deployadvisor record failed / rolled-back).',
    });
  }
  return out;
}

function changeRow(change: ScoredChange): BacktestResult['changeList'][number] {
  return {
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
  };
}

/** AUC and top-10% figures for any failure and each kind of label. */
function byKindFigures(changes: readonly ScoredChange[], linesKnown: boolean): BacktestResult['byKind'] {
  return {
    any: kindFigures(changes, 'any', linesKnown),
    revert: kindFigures(changes, 'revert', linesKnown),
    hotfix: kindFigures(changes, 'hotfix', linesKnown),
    ledger: kindFigures(changes, 'ledger', linesKnown),
  };
}

/** Reverts and fixes made after the range's end still tell about changes in it: the branch tips, read first. */
async function newerTips(workspace: Workspace, env: string, to: string): Promise<string[]> {
  const { policy } = workspace.loaded;
  const branch = await envBranch(workspace.git, (policy.environments[env] ?? DEFAULT_ENVIRONMENT).branch);
  const head = await resolveCommit(workspace.git, 'HEAD');
  return [...new Set([head ?? branch.sha, branch.sha])].filter((sha) => sha !== to);
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
  const envDeploys = deploysFrom(recordsOfService(await ledgerRecords(workspace), service), env);
  const failedDeploys = envDeploys.filter((deploy) => deploy.outcome !== 'succeeded');
  const tips = await newerTips(workspace, env, range.to);
  const walking = await ports.progress(`Scoring the changes of ${spec}`);
  const found = await walkRange(workspace, range, tips, new ChangeScorer(policy, weights), walking, {
    service,
    matcher:
      service === null
        ? null
        : serviceFileMatcher({ name: service, paths: servicePaths(workspace, service) }),
  }).finally(() => {
    walking.stop();
  });
  const { changes, linesKnown, diagnostics } = found;
  const { labels, hotfix } = await labelFailures(ports, workspace, found, failedDeploys, hotfixDays);
  applyHistory(changes, weights.history);
  const prior = RISK_PRIOR;
  const inForce =
    scoring.prior === true
      ? { model: prior.model, source: 'prior' as const, deploy: prior.deploy }
      : changeModelOf(policy);
  const scoreModel = { change: inForce.model, deploy: inForce.deploy, weights };
  applyModel(found.walk, new Map(changes.map((change) => [change.sha, change])), scoreModel);

  const failed = changes.filter((change) => change.failed).length;
  diagnostics.push(...caveats(workspace, inForce.source === 'calibrated' ? policy : null, changes, failed));
  const thresholds = policy.thresholds;
  const grouped = await readDeployUnits(workspace.git, range, envDeploys, changes);
  const units = { kind: grouped.kind, groups: grouped.units, scored: scoreUnits(grouped.units, scoreModel) };
  const byKind = byKindFigures(changes, linesKnown);
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
    skipped: found.skipped,
    diagnostics,
    changeList: changes.map(changeRow),
  };
  return { workspace, result, changes, units, scoreModel };
}
