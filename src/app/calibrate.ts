import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { calibrate, HELD_OUT_SHARE, type Calibration as CalibrationResult } from '../assess/calibrate.js';
import { scoreUnits } from '../assess/backtest-score.js';
import { calibrateDeploy, type DeployFit } from '../assess/calibrate-deploy.js';
import { RISK_PRIOR } from '../assess/risk-prior.js';
import { auc } from '../assess/text.js';
import { UserError } from '../errors.js';
import { backtestRange, type BacktestRequest, type BacktestRun } from './backtest.js';
import { parseNow } from './instants.js';
import type { AppPorts } from './ports.js';
import { writeUserFile } from './user-file.js';

export interface CalibrateRequest extends BacktestRequest {
  write?: boolean | undefined;
  now?: string | undefined;
}

export interface Calibration {
  run: BacktestRun;
  result: CalibrationResult;
  /** The deploy-level calibration refitted on this repository's deploy-sized units. */
  deploy: DeployFit;
  /** The policy file the model was written into, as the user knows it; null without --write. */
  written: string | null;
}

/** Puts the `model:` section into the policy text, with the date, range and AUCs as comments. */
export async function modelYaml(
  text: string,
  model: Record<string, unknown>,
  comment: string,
): Promise<string> {
  const { parseDocument, isMap, isScalar } = await import('yaml');
  const doc = parseDocument(text === '' ? 'version: 1\n' : text);
  if (!isMap(doc.contents))
    throw new UserError('the policy file is not a YAML mapping, so no model: can be added.');
  doc.delete('model');
  const node = doc.createNode(model);
  const weights = isMap(node) ? node.get('weights', true) : null;
  if (isMap(weights)) weights.flow = true;
  // A scalar key node (not a plain string) so the comment has somewhere to live.
  const key = doc.createNode('model');
  if (isScalar(key)) key.commentBefore = comment;
  doc.set(key, node);
  return doc.toString({ lineWidth: 0 });
}

/** `calibrate`: fit the factor weights on the backtest's changes; with --write, store them in the policy. */
export async function calibrateWeights(
  ports: AppPorts,
  calibrateOptions: CalibrateRequest,
): Promise<Calibration> {
  // The fit departs from the shipped prior, never from an earlier calibration of this same history.
  const run = await backtestRange(ports, calibrateOptions, { prior: true });
  const { source } = run.workspace.loaded;
  if (calibrateOptions.write === true && source.kind === 'ref') {
    throw new UserError(
      `calibrate --write: the policy was read from ${source.ref ?? 'a git ref'}; --write edits the working-tree file. Run without --policy-ref.`,
    );
  }
  const now =
    calibrateOptions.now === undefined
      ? ports.clock.now()
      : parseNow(calibrateOptions.now, run.workspace.loaded.policy.timezone);
  const progress = await ports.progress(`Fitting the model to ${run.changes.length} change(s)`);
  let result: CalibrationResult;
  let deploy: DeployFit;
  try {
    result = calibrate(run.changes, run.result.weights, RISK_PRIOR.model, RISK_PRIOR.deploy);
    // The deploy level is fitted on top of the change model that will be in force: the fitted one when
    // it is kept, else the prior.
    const unitModel =
      result.problem === null
        ? {
            ...run.scoreModel,
            change: { intercept: result.intercept, coefficients: result.coefficients },
            weights: { ...run.scoreModel.weights, ...result.weights },
          }
        : run.scoreModel;
    deploy = calibrateDeploy(scoreUnits(run.units.groups, unitModel), run.units.kind, RISK_PRIOR.deploy);
  } finally {
    progress.stop();
  }
  const written =
    calibrateOptions.write === true &&
    (result.problem === null ||
      deploy.problem === null ||
      (deploy.scale !== null && deploy.scale.problem === null))
      ? await writeModel(calibrateOptions, run, result, deploy, now)
      : null;
  return { run, result, deploy, written };
}

/** Stores what calibrate kept in the policy's model: section; returns the file as the user knows it. */
async function writeModel(
  calibrateOptions: CalibrateRequest,
  run: BacktestRun,
  result: CalibrationResult,
  deploy: DeployFit,
  now: number,
): Promise<string> {
  const spec = calibrateOptions.range;
  const { source, policy } = run.workspace.loaded;
  const path =
    source.path === null
      ? resolve(run.workspace.repoRoot, '.deployadvisor.yml')
      : isAbsolute(source.path)
        ? source.path
        : resolve(run.workspace.repoRoot, source.path);
  const text = source.path === null ? '' : await readFile(path, 'utf8');
  const day = new Date(now).toISOString().slice(0, 10);
  const range = `${run.result.range.from ?? 'root'}..${run.result.range.to}`;
  const scale = deploy.scale !== null && deploy.scale.problem === null ? deploy.scale.anchors : null;
  const comment = [
    ` Fitted by deployadvisor calibrate on ${day} over ${spec} (${range}): ${run.result.changes} changes, ${run.result.failed} failed.`,
    ` Trained on the older ${Math.round((1 - HELD_OUT_SHARE) * 100)}%, tested on the newer ${Math.round(HELD_OUT_SHARE * 100)}%:`,
    ` held-out AUC ${auc(result.after)} (the model before ${auc(result.before)}; lines added alone ${auc(result.baseline)});`,
    ` walk-forward AUC ${auc(result.walkForward.auc)} over ${result.walkForward.changes} changes.`,
    deploy.problem === null && deploy.before !== null && deploy.after !== null
      ? ` Deploy level refitted on ${deploy.count} ${deploy.units} units: held-out log-loss ${deploy.after.logLoss.toFixed(3)} (before ${deploy.before.logLoss.toFixed(3)}).`
      : ` Deploy level: ${deploy.problem ?? 'not refitted'}`,
    ...(scale === null || deploy.scale === null
      ? []
      : [
          ` Score scale: held out, flags ${deploy.scale.heldOut.after.map((r) => `${(r * 100).toFixed(1)}%`).join(' / ')} of the newer units at 30 / 50 / 75 (without it ${deploy.scale.heldOut.before.map((r) => `${(r * 100).toFixed(1)}%`).join(' / ')}).`,
        ]),
  ].join('\n');
  const changeLevel =
    result.problem !== null
      ? {}
      : {
          intercept: result.intercept,
          coefficients: result.coefficients,
          weights: result.weights,
        };
  const deployLevel =
    deploy.problem !== null && scale === null
      ? {}
      : {
          deploy: {
            // The scale alone (the refit not kept) goes with the calibration it was fitted under.
            ...(deploy.problem === null ? deploy.fitted : { ...RISK_PRIOR.deploy, units: deploy.units }),
            count: deploy.count,
            ...(deploy.failedShare === null ? {} : { failedShare: Number(deploy.failedShare.toFixed(4)) }),
            ...(scale === null ? {} : { scale }),
          },
        };
  const model = {
    hotfixDays: policy.model.hotfixDays,
    ...changeLevel,
    ...deployLevel,
    fittedAt: day,
    range,
    changes: run.result.changes,
    ...(result.problem !== null
      ? {}
      : {
          heldOutAuc: result.after === null ? null : Number(result.after.toFixed(4)),
          defaultAuc: result.before === null ? null : Number(result.before.toFixed(4)),
          baselineAuc: result.baseline === null ? null : Number(result.baseline.toFixed(4)),
        }),
  };
  const updated = await modelYaml(text, model, comment);
  // The new text must load as a policy before it replaces the old one.
  const { parsePolicy } = await import('../config/parse.js');
  parsePolicy(updated, {
    kind: 'file',
    path: source.path ?? '.deployadvisor.yml',
    ref: null,
    blobSha: null,
  });
  await writeUserFile('calibrate --write', path, updated);
  return source.path ?? '.deployadvisor.yml';
}
