import { EXIT } from '../errors.js';
import { formatsOf } from '../render/formats.js';
import { INSIGHTS_RENDERERS } from '../render/renderers.js';
import { appPorts, renderAndEmit, workspaceOf } from './context.js';
import { SERVICE_OPTION } from './global.js';
import { defineCommand } from './spec.js';

interface InsightsOptions {
  since: string;
  env?: string;
  service?: string;
  now?: string;
  offline?: boolean;
}

export const insightsCommand = defineCommand<object, InsightsOptions>({
  path: ['insights'],
  description: 'DORA four keys and failure rates by weekday, hour, zone and AI share, from the ledger',
  args: {},
  options: {
    since: {
      value: '<when>',
      description: 'window start: a duration such as 90d, 12w, 48h, or a date',
      default: '90d',
    },
    env: { value: '<name>', description: 'environment (default: defaultEnvironment from the policy)' },
    service: SERVICE_OPTION,
    now: { value: '<iso-8601>', description: 'end the window at this instant instead of the clock' },
    offline: { description: 'ask no CI source: main-branch health comes from reverts in git' },
  },
  formats: formatsOf(INSIGHTS_RENDERERS),
  async run(context, request) {
    const { insightsOf } = await import('../app/insights.js');
    const insights = await insightsOf(appPorts(context.io, context.global), {
      ...workspaceOf(context.global),
      ...request,
    });
    await renderAndEmit(context, INSIGHTS_RENDERERS, insights);
    return EXIT.go;
  },
});
