import type { Io } from '../io.js';
import type { Format } from '../render/formats.js';
import type { GlobalOptions } from './global.js';
import type { ArgSpec, ArgTable, OptionSpec, OptionTable } from './option-table.js';

/** What a command's run gets: the I/O and the global options, validated. */
export interface CommandContext {
  io: Io;
  global: GlobalOptions;
}

/** One command: its words, help, arguments, options and formats, and the run that loads lazily. */
export interface CommandSpec<A, O> {
  /** `['plan']`, `['ledger', 'list']`. */
  path: readonly string[];
  description: string;
  args: ArgTable<A>;
  options: OptionTable<O>;
  /** The formats it writes: its renderer table's keys. */
  formats: readonly Format[];
  helpAfter?: string;
  /** Loads what the command needs and runs it; returns the exit code. */
  run(context: CommandContext, request: A & O): Promise<number>;
}

/** A command of the table, its request types erased (commander hands values back by key). */
export interface AnyCommand extends Omit<CommandSpec<unknown, unknown>, 'args' | 'options' | 'run'> {
  args: Record<string, ArgSpec>;
  options: Record<string, OptionSpec>;
  run(context: CommandContext, request: Record<string, unknown>): Promise<number>;
}

export function defineCommand<A extends object, O extends object>(spec: CommandSpec<A, O>): AnyCommand {
  return {
    ...spec,
    // Commander hands back exactly the table's keys, with the types the specs say.
    run: (context, request) => spec.run(context, request as A & O),
  };
}
