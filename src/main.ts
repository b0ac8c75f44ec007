import { resolve } from 'node:path';
import { Command, CommanderError, Option, type HelpContext } from 'commander';
import { Settings } from 'luxon';
import { ConfigError, EXIT, UserError } from './errors.js';
import type { Io } from './io.js';
import { VERSION } from './version.js';
import { EXIT_HELP, GLOBAL_OPTIONS, type GlobalOptions } from './commands/global.js';
import type { ArgSpec, OptionSpec } from './commands/option-table.js';
import type { AnyCommand } from './commands/spec.js';
import { examplesHelp } from './commands/examples.js';
import { COMMANDS, GROUPS } from './commands/table.js';
import { guardOutput } from './render/safe-text.js';

// Output never depends on the machine's locale (dates are formatted in fixed ones), and without a
// default Luxon asks ICU for the system locale on first use, which costs ~55 ms of every run.
Settings.defaultLocale = 'en-US';

const kebab = (key: string) => key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/** Registers an option table: the flag is the key in kebab-case, so commander returns it under the key. */
function addOptions(command: Command, table: Readonly<Record<string, OptionSpec>>): void {
  for (const [key, spec] of Object.entries(table)) {
    const flag =
      spec.negate === true
        ? `--no-${kebab(key)}`
        : `--${kebab(key)}${spec.value === undefined ? '' : ` ${spec.value}`}`;
    const option = new Option(flag, spec.description);
    if (spec.choices !== undefined) option.choices(spec.choices);
    if (spec.default !== undefined) option.default(spec.default);
    command.addOption(option);
  }
}

function addArguments(command: Command, table: Readonly<Record<string, ArgSpec>>): void {
  for (const spec of Object.values(table)) command.argument(spec.syntax, spec.description, spec.default);
}

/** "a, b or c". */
function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1) ?? ''}`;
}

/** A format the command has no renderer for is a usage error naming what it writes. */
function checkFormat(spec: AnyCommand, format: GlobalOptions['format']): void {
  if (spec.formats.includes(format)) return;
  const writers = COMMANDS.filter((command) => command.formats.includes(format));
  const only =
    writers.length === 1
      ? `only ${writers.map((w) => w.path.join(' ')).join('')} writes ${format.toUpperCase()}; `
      : '';
  throw new UserError(`${spec.path.join(' ')} --format ${format}: ${only}use ${orList(spec.formats)}.`);
}

/** The command a path names, making the group commands (ledger, config) on first use. */
function commandAt(program: Command, path: readonly string[]): Command {
  let parent = program;
  for (const name of path.slice(0, -1)) {
    parent =
      parent.commands.find((command) => command.name() === name) ??
      parent.command(name).description(GROUPS[name] ?? '');
  }
  return parent.command(path.at(-1) ?? '');
}

/**
 * Help asked for by giving no command (`deployadvisor`, `deployadvisor ledger`) is what the user asked
 * for, not an error: it goes to stdout with exit 0, as `--help` does. Subcommands are of this class too.
 */
class HelpfulCommand extends Command {
  override createCommand(name?: string): Command {
    return new HelpfulCommand(name);
  }
  override help(context?: HelpContext): never;
  override help(cb: (str: string) => string): never;
  override help(arg?: HelpContext | ((str: string) => string)): never {
    // This CLI never passes the (deprecated) callback form.
    const context = typeof arg === 'object' ? arg : undefined;
    return super.help(context?.error === true ? { error: false } : context);
  }
}

function buildProgram(io: Io, setExit: (code: number) => void, hooks: MainHooks): Command {
  const program = new HelpfulCommand('deployadvisor')
    .description('An explainable deploy advisor: GO / WAIT / BLOCK / INCONCLUSIVE, with the evidence.')
    .version(VERSION, '-V, --version');
  addOptions(program, GLOBAL_OPTIONS);
  // Each command's --help lists the global options too: they work after the command's name as well.
  program.configureHelp({ showGlobalOptions: true });
  program
    .addHelpText('after', EXIT_HELP)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => {
        io.stdout(text);
      },
      writeErr: (text) => {
        io.stderr(text);
      },
    })
    .exitOverride();

  for (const spec of COMMANDS) {
    const command = commandAt(program, spec.path).description(spec.description);
    addArguments(command, spec.args);
    addOptions(command, spec.options);
    if (spec.helpAfter !== undefined) command.addHelpText('after', spec.helpAfter);
    command.addHelpText('after', examplesHelp(spec.path));
    command.action(async (...params: unknown[]) => {
      hooks.onCommand?.(spec.path);
      const names = Object.keys(spec.args);
      const request: Record<string, unknown> = { ...command.opts() };
      names.forEach((name, at) => {
        request[name] = params[at];
      });
      const global = program.opts<GlobalOptions>();
      checkFormat(spec, global.format);
      if (global.output !== undefined) {
        const { checkOutputPath } = await import('./commands/output.js');
        await checkOutputPath(io, global.output);
      }
      setExit(await spec.run({ io, global }, request));
    });
  }
  return program;
}

/**
 * Every byte the commands write passes guardOutput: no control character reaches the terminal but our
 * colours, and in a GitHub Actions job no line of ours or theirs reads as a workflow command.
 */
function guardedIo(io: Io): Io {
  const githubActions = io.env.GITHUB_ACTIONS === 'true';
  return {
    ...io,
    stdout: (text, options) => {
      io.stdout(guardOutput(text, { colour: io.isTTY.stdout, githubActions, ...options }));
    },
    stderr: (text) => {
      io.stderr(guardOutput(text, { colour: io.isTTY.stderr, githubActions }));
    },
  };
}

/** A GitHub Actions job, or output asked for as one. */
function inGithubJob(program: Command, io: Io): boolean {
  return io.env.GITHUB_ACTIONS === 'true' || program.opts<Partial<GlobalOptions>>().format === 'github';
}

/**
 * In a GitHub job a policy error is an annotation on its line and a step-summary section, so the
 * run's page shows it where people look, not only in the log.
 */
async function annotatePolicyError(io: Io, error: ConfigError): Promise<void> {
  const { policyAnnotations, policySummary } = await import('./render/github-commands.js');
  // An error about the file as a whole (not found, empty, too large) has no line: the message stands alone.
  const issues =
    error.issues.length > 0
      ? error.issues
      : [{ file: '', message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) }];
  io.stdout(policyAnnotations(issues), { workflowCommands: true });
  const summaryFile = io.env.GITHUB_STEP_SUMMARY;
  if (summaryFile === undefined || summaryFile === '') return;
  const { writeUserFile } = await import('./app/user-file.js');
  try {
    await writeUserFile(
      'GITHUB_STEP_SUMMARY',
      resolve(io.cwd, summaryFile),
      guardOutput(policySummary(issues)),
      'a',
    );
  } catch (failure) {
    if (!(failure instanceof UserError)) throw failure;
    io.stderr(`deployadvisor: ${failure.message}\n`);
  }
}

/** What the caller may learn of a run besides its exit code. */
export interface MainHooks {
  /** The command about to run (`['ledger', 'import']`); the launcher keys its compile cache by it. */
  onCommand?: (path: readonly string[]) => void;
}

/** Runs the CLI and returns the exit code; never throws for user mistakes. */
export async function main(argv: readonly string[], rawIo: Io, hooks: MainHooks = {}): Promise<number> {
  const io = guardedIo(rawIo);
  let exitCode: number = EXIT.go;
  const program = buildProgram(
    io,
    (code) => {
      exitCode = code;
    },
    hooks,
  );
  const verbose = argv.includes('--verbose');
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return EXIT.go;
      if (error.exitCode === 0) return EXIT.go;
      return EXIT.usage;
    }
    if (error instanceof UserError) {
      io.stderr(`deployadvisor: ${error.message}\n`);
      if (error.hint !== undefined) io.stderr(`  ${error.hint}\n`);
      if (error instanceof ConfigError && inGithubJob(program, io)) await annotatePolicyError(io, error);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`deployadvisor: internal error (this is a bug): ${message}\n`);
    if (verbose && error instanceof Error && error.stack !== undefined) io.stderr(`${error.stack}\n`);
    io.stderr(
      `  Please report it with the command you ran and the output of \`deployadvisor --version\` (${VERSION}); --verbose shows the stack.\n`,
    );
    return EXIT.bug;
  }
}
