import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { writeUserFile } from '../app/user-file.js';
import { UserError } from '../errors.js';
import type { Io } from '../io.js';
import { outputWidth } from '../render/formats.js';
import { guardOutput } from '../render/safe-text.js';
import { PLAIN, type Style } from '../render/style.js';
import type { GlobalOptions } from './global.js';
import type { CommandContext } from './spec.js';

/** --no-color, NO_COLOR (any value but empty) or FORCE_COLOR=0 (or false): no colour anywhere, spinner included. */
export function colourOff(io: Io, options: Pick<GlobalOptions, 'color'>): boolean {
  const force = io.env.FORCE_COLOR;
  return (
    !options.color ||
    (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') ||
    force === '0' ||
    force === 'false'
  );
}

/** Colour only on a TTY, and never when switched off (colourOff) or written to --output. */
export function styleFor(io: Io, options: Pick<GlobalOptions, 'color' | 'output'>): Style {
  if (colourOff(io, options) || options.output !== undefined || !io.isTTY.stdout) return PLAIN;
  // Through require, not import(): see tsup.config.ts (the bundle has no dynamic import()).
  const { Chalk } = createRequire(import.meta.url)('chalk') as typeof import('chalk');
  const chalk = new Chalk({ level: 1 });
  return {
    bold: chalk.bold,
    dim: chalk.dim,
    red: chalk.red,
    yellow: chalk.yellow,
    green: chalk.green,
    cyan: chalk.cyan,
  };
}

/** The terminal's width (60–160) when stdout is one and no --output file is written; else 80. */
export function widthFor(io: Io, options: Pick<GlobalOptions, 'output'>): number {
  return outputWidth(io.isTTY.stdout && options.output === undefined ? io.columns : undefined);
}

/**
 * `--output` checked before any work: its directory exists and it is not itself a directory, so a
 * typo fails at once instead of after the whole assessment.
 */
export async function checkOutputPath(io: Io, output: string): Promise<void> {
  const path = resolve(io.cwd, output);
  const [self, parent] = await Promise.all([
    stat(path).catch(() => null),
    stat(dirname(path)).catch(() => null),
  ]);
  const why =
    self?.isDirectory() === true
      ? `${path} is a directory, not a file`
      : parent === null
        ? `the directory ${dirname(path)} does not exist`
        : !parent.isDirectory()
          ? `${dirname(path)} is not a directory`
          : null;
  if (why !== null) {
    throw new UserError(`--output ${output}: cannot write ${path}: ${why}.`, {
      hint: 'Point it at a file in a directory that exists and is writable.',
    });
  }
}

/**
 * Writes command output to --output or stdout (where main's guard escapes what a terminal would act
 * on); a file gets the same guard. `workflowCommands` marks our own GitHub annotations.
 */
export async function emit(
  io: Io,
  options: Pick<GlobalOptions, 'output'>,
  text: string,
  kind: { workflowCommands?: boolean } = {},
): Promise<void> {
  if (options.output === undefined) {
    io.stdout(text, kind);
    return;
  }
  await writeUserFile(`--output ${options.output}`, resolve(io.cwd, options.output), guardOutput(text));
}

/**
 * Format github: annotations to stdout, the markdown plan to $GITHUB_STEP_SUMMARY (else stdout, so
 * it is never lost). A summary that cannot be written is returned, to fail once the plan is recorded.
 */
export async function emitGithub(
  { io, global }: CommandContext,
  out: { stdout: string; summary: string },
): Promise<UserError | null> {
  await emit(io, global, out.stdout, { workflowCommands: true });
  const summaryFile = io.env.GITHUB_STEP_SUMMARY;
  if (summaryFile !== undefined && summaryFile !== '') {
    try {
      const { writeUserFile } = await import('../app/user-file.js');
      await writeUserFile('GITHUB_STEP_SUMMARY', resolve(io.cwd, summaryFile), guardOutput(out.summary), 'a');
      return null;
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      await emit(io, { output: undefined }, out.summary);
      return error;
    }
  }
  await emit(io, { output: undefined }, out.summary);
  return null;
}
