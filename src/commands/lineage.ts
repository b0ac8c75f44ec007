import { EXIT } from '../errors.js';
import { formatsOf } from '../render/formats.js';
import { LINEAGE_RENDERERS } from '../render/renderers.js';
import { appPorts, renderAndEmit, workspaceOf } from './context.js';
import { COVERAGE_OPTION, FROM_OPTION } from './global.js';
import { defineCommand } from './spec.js';

interface LineageOptions {
  env?: string;
  from?: string;
  coverage?: string[];
}

export const lineageCommand = defineCommand<{ range?: string }, LineageOptions>({
  path: ['lineage'],
  description: 'AI attribution per commit, file and tool, with review and coverage evidence',
  args: {
    range: { syntax: '[range]', description: 'A..B, or the target of the default range (default: HEAD)' },
  },
  options: {
    env: { value: '<name>', description: 'environment whose last deploy starts the default range' },
    from: FROM_OPTION,
    coverage: COVERAGE_OPTION,
  },
  formats: formatsOf(LINEAGE_RENDERERS),
  async run(context, request) {
    const { lineageOf } = await import('../app/lineage.js');
    const report = await lineageOf(appPorts(context.io, context.global), {
      ...workspaceOf(context.global),
      ...request,
    });
    await renderAndEmit(context, LINEAGE_RENDERERS, report);
    return EXIT.go;
  },
});
