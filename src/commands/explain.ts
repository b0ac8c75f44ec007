import { EXIT } from '../errors.js';
import { EXPLAIN_RENDERERS } from '../render/explain.js';
import { formatsOf } from '../render/formats.js';
import { appPorts, renderAndEmit, workspaceOf } from './context.js';
import { defineCommand } from './spec.js';

export const explainCommand = defineCommand<{ sha: string }, object>({
  path: ['explain'],
  description: 'audit view of one commit: origin, review, every plan and deploy that carried it',
  args: { sha: { syntax: '<sha>', description: 'the commit' } },
  options: {},
  formats: formatsOf(EXPLAIN_RENDERERS),
  async run(context, request) {
    const { explainCommit } = await import('../app/explain.js');
    const explanation = await explainCommit(appPorts(context.io, context.global), {
      ...workspaceOf(context.global),
      ...request,
    });
    await renderAndEmit(context, EXPLAIN_RENDERERS, explanation);
    return EXIT.go;
  },
});
