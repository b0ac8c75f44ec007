import { EXIT } from '../errors.js';
import { formatsOf } from '../render/formats.js';
import { BACKTEST_RENDERERS } from '../render/renderers.js';
import { appPorts, renderAndEmit, workspaceOf } from './context.js';
import { LABEL_ENV_OPTION, RANGE_ARG, SERVICE_OPTION } from './global.js';
import { defineCommand } from './spec.js';

interface RangeArgs {
  range: string;
}

export const backtestCommand = defineCommand<RangeArgs, { env?: string; service?: string }>({
  path: ['backtest'],
  description: 'score every past change as a one-change deploy; how well the score separates the failed ones',
  args: { range: RANGE_ARG },
  options: { env: LABEL_ENV_OPTION, service: SERVICE_OPTION },
  formats: formatsOf(BACKTEST_RENDERERS),
  async run(context, request) {
    const { backtestRange } = await import('../app/backtest.js');
    const { result } = await backtestRange(appPorts(context.io, context.global), {
      ...workspaceOf(context.global),
      ...request,
    });
    await renderAndEmit(context, BACKTEST_RENDERERS, result);
    return EXIT.go;
  },
});
