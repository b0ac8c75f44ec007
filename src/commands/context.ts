import { createRequire } from 'node:module';
import { NO_PROGRESS, type AppPorts, type Progress } from '../app/ports.js';
import { systemClock } from '../collect/clock.js';
import type { Io } from '../io.js';
import { formatsOf, type Rendered, type RendererTable } from '../render/formats.js';
import type { GlobalOptions } from './global.js';
import { colourOff, emit, styleFor, widthFor } from './output.js';
import type { CommandContext } from './spec.js';

/**
 * A width ora can divide by. ora counts the lines to clear as width / columns: a terminal that
 * reports 0 columns (`stty cols 0`, some serial consoles) made that Infinity, and ora wrote escape
 * codes forever. Undefined is fine (ora takes 80); 1 and huge widths give a finite count.
 */
function usableWidth(stream: NodeJS.WriteStream): boolean {
  const columns: number | undefined = stream.columns;
  return columns === undefined || (Number.isFinite(columns) && columns >= 1);
}

function spinner(io: Io, options: GlobalOptions, text: string): Progress {
  const stream = io.progressStream;
  if (
    !io.isTTY.stderr ||
    stream === undefined ||
    options.quiet === true ||
    options.format === 'github' ||
    !usableWidth(stream)
  ) {
    return NO_PROGRESS;
  }
  // Through require, not import(): see tsup.config.ts (the bundle has no dynamic import()).
  const { default: ora } = createRequire(import.meta.url)('ora') as typeof import('ora');
  const spin = ora({ text, stream, ...(colourOff(io, options) ? { color: false as const } : {}) }).start();
  // A resize to an unusable width stops the spinner before its next frame: Node sets the new size
  // and emits 'resize' in one step, so no frame is drawn in between.
  const onResize = () => {
    if (!usableWidth(stream)) stop();
  };
  const stop = () => {
    stream.off('resize', onResize);
    spin.stop();
  };
  stream.on('resize', onResize);
  return {
    update: (next) => {
      spin.text = next;
    },
    stop,
  };
}

/** The ports a use case gets from the command line: its environment, the clock, a spinner, --verbose. */
export function appPorts(io: Io, options: GlobalOptions): AppPorts {
  return {
    env: io.env,
    cwd: io.cwd,
    clock: io.clock ?? systemClock,
    progress: (text) => Promise.resolve(spinner(io, options, text)),
    log:
      options.verbose === true
        ? (line: string) => {
            io.stderr(`deployadvisor: ${line}\n`);
          }
        : undefined,
    dispatcher: io.dispatcher,
  };
}

/** The request fields every use case reads from the global options. */
export function workspaceOf(options: GlobalOptions): {
  repo: string | undefined;
  config: string | undefined;
  policyRef: string | undefined;
} {
  return { repo: options.repo, config: options.config, policyRef: options.policyRef };
}

/**
 * Renders `value` in the format asked for, from the command's renderer table (the command table has
 * already refused formats the table lacks).
 */
export async function renderIn<T>(
  { io, global }: CommandContext,
  table: RendererTable<T>,
  value: T,
): Promise<Rendered> {
  const renderer = table[global.format];
  if (renderer === undefined)
    throw new Error(`no ${global.format} renderer; the command declares ${formatsOf(table).join(', ')}`);
  return renderer(value, { style: styleFor(io, global), width: widthFor(io, global) });
}

/** Renders `value` (see renderIn) and writes it to --output or stdout. */
export async function renderAndEmit<T>(
  context: CommandContext,
  table: RendererTable<T>,
  value: T,
): Promise<void> {
  const out = await renderIn(context, table, value);
  await emit(
    context.io,
    context.global,
    out.stdout,
    out.workflowCommands === true ? { workflowCommands: true } : {},
  );
}
