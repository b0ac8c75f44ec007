import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { calibrate, HELD_OUT_SHARE } from '../assess/calibrate.js';
import { priorModel } from '../assess/risk-model.js';
import { systemClock } from '../collect/clock.js';
import { UserError } from '../errors.js';
import type { Io } from '../io.js';
import type { GlobalOptions } from '../main.js';
import { auc, renderCalibrationText } from '../render/backtest.js';
import { backtestRange } from './backtest.js';
import { parseNow } from './plan.js';
import { emit, writeUserFile } from './shared.js';
import { cleanDeep, cleanText } from '../render/safe-text.js';

export interface CalibrateOptions {
  env?: string;
  write?: boolean;
  now?: string;
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

export async function runCalibrate(
  io: Io,
  options: GlobalOptions,
  spec: string,
  calibrateOptions: CalibrateOptions,
): Promise<number> {
  if (options.format !== 'text' && options.format !== 'json') {
    throw new UserError(`calibrate --format ${options.format}: use text or json.`);
  }
  // The fit departs from the shipped prior, never from an earlier calibration of this same history.
  const run = await backtestRange(io, options, spec, { ...calibrateOptions, prior: true });
  const { source } = run.workspace.loaded;
  if (calibrateOptions.write === true && source.kind === 'ref') {
    throw new UserError(
      `calibrate --write: the policy was read from ${source.ref ?? 'a git ref'}; --write edits the working-tree file. Run without --policy-ref.`,
    );
  }
  const { policy } = run.workspace.loaded;
  const result = calibrate(run.changes, run.result.weights, priorModel().model, priorModel().deploy);
  const now =
    calibrateOptions.now === undefined
      ? systemClock.now()
      : parseNow(calibrateOptions.now, run.workspace.loaded.policy.timezone);
  let written: string | null = null;
  if (calibrateOptions.write === true && result.problem === null) {
    const path =
      source.path === null
        ? resolve(run.workspace.repoRoot, '.deployadvisor.yml')
        : isAbsolute(source.path)
          ? source.path
          : resolve(run.workspace.repoRoot, source.path);
    const text = source.path === null ? '' : await readFile(path, 'utf8');
    const day = new Date(now).toISOString().slice(0, 10);
    const range = `${run.result.range.from ?? 'root'}..${run.result.range.to}`;
    const comment = [
      ` Fitted by deployadvisor calibrate on ${day} over ${spec} (${range}): ${run.result.changes} changes, ${run.result.failed} failed.`,
      ` Trained on the older ${Math.round((1 - HELD_OUT_SHARE) * 100)}%, tested on the newer ${Math.round(HELD_OUT_SHARE * 100)}%:`,
      ` held-out AUC ${auc(result.after)} (the model before ${auc(result.before)}; lines added alone ${auc(result.baseline)});`,
      ` walk-forward AUC ${auc(result.walkForward.auc)} over ${result.walkForward.changes} changes.`,
    ].join('\n');
    const model = {
      hotfixDays: policy.model.hotfixDays,
      intercept: result.intercept,
      coefficients: result.coefficients,
      weights: result.weights,
      fittedAt: day,
      range,
      changes: run.result.changes,
      heldOutAuc: result.after === null ? null : Number(result.after.toFixed(4)),
      defaultAuc: result.before === null ? null : Number(result.before.toFixed(4)),
      baselineAuc: result.baseline === null ? null : Number(result.baseline.toFixed(4)),
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
    written = source.path ?? '.deployadvisor.yml';
  }
  const out =
    options.format === 'json'
      ? `${JSON.stringify({ schemaVersion: 'deployadvisor.calibration/1', tool: run.result.tool, range: run.result.range, ...result, written }, null, 2)}\n`
      : renderCalibrationText(cleanDeep(result), cleanText(spec), written);
  await emit(io, options, out);
  return 0;
}
