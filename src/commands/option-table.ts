/**
 * One command-line option. The flag is the key in kebab-case (`dryRun` is `--dry-run`), so commander
 * hands the value back under the same key: the table and the request type cannot drift apart.
 */
export interface OptionSpec {
  /** `<name>` for a value, `<name...>` for a list; absent for a switch. */
  value?: string;
  description: string;
  choices?: readonly string[];
  default?: string;
  /** `--no-<key>`: a switch that defaults to true. */
  negate?: boolean;
}

/** Every option of a request, none missing (as vitest's cli-config): the type system keeps it complete. */
export type OptionTable<O> = { [K in keyof O]-?: OptionSpec };

/** A positional argument: `<sha>` (required) or `[range]` (optional). */
export interface ArgSpec {
  syntax: `<${string}>` | `[${string}]`;
  description: string;
  default?: string;
}

/** Every positional argument, in order. */
export type ArgTable<A> = { [K in keyof A]-?: ArgSpec };
