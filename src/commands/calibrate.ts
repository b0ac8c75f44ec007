import { EXIT } from '../errors.js';
import { formatsOf } from '../render/formats.js';
import { CALIBRATION_RENDERERS } from '../render/renderers.js';
import { appPorts, renderAndEmit, workspaceOf } from './context.js';
import { LABEL_ENV_OPTION, RANGE_ARG } from './global.js';
import { defineCommand } from './spec.js';

interface CalibrateOptions {
  env?: string;
  write?: boolean;
  now?: string;
}

export const calibrateCommand = defineCommand<{ range: string }, CalibrateOptions>({
  path: ['calibrate'],
  description:
    "fit the factor weights to this repository's history (time-ordered split); --write stores them",
  args: { range: RANGE_ARG },
  options: {
    env: LABEL_ENV_OPTION,
    write: { description: 'store the fitted weights in the policy file (model: section)' },
    now: { value: '<iso-8601>', description: 'the date written into the model (default: today)' },
  },
  formats: formatsOf(CALIBRATION_RENDERERS),
  async run(context, request) {
    const { calibrateWeights } = await import('../app/calibrate.js');
    const calibration = await calibrateWeights(appPorts(context.io, context.global), {
      ...workspaceOf(context.global),
      ...request,
    });
    await renderAndEmit(context, CALIBRATION_RENDERERS, calibration);
    return EXIT.go;
  },
});
