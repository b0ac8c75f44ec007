import { EXIT, UserError } from '../errors.js';
import { formatsOf } from '../render/formats.js';
import { LINEAGE_RENDERERS } from '../render/renderers.js';
import { appPorts, renderAndEmit, workspaceOf } from './context.js';
import { COVERAGE_OPTION, FROM_OPTION } from './global.js';
import { defineCommand } from './spec.js';

interface LineageOptions {
  env?: string;
  from?: string;
  coverage?: string[];
  limit?: string;
  all?: boolean;
}

/** `--limit <n>`: a whole number of rows, at least 1; 20 when not given. */
function limitOf(text: string | undefined): number {
  if (text === undefined) return 20;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new UserError(`--limit "${text}": expected a whole number of rows, at least 1 (or --all).`);
  return n;
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
    limit: { value: '<n>', description: 'rows of each list (files, commits) in text output (default 20)' },
    all: { description: 'list every file and commit in text output (JSON always has them all)' },
  },
  formats: formatsOf(LINEAGE_RENDERERS),
  async run(context, request) {
    const { limit: limitText, all, ...options } = request;
    const limit = all === true ? null : limitOf(limitText);
    const { lineageOf } = await import('../app/lineage.js');
    const report = await lineageOf(appPorts(context.io, context.global), {
      ...workspaceOf(context.global),
      ...options,
    });
    await renderAndEmit(context, LINEAGE_RENDERERS, { report, limit });
    return EXIT.go;
  },
});
