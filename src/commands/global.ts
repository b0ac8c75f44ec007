import { FORMATS, type Format } from '../render/formats.js';
import type { ArgSpec, OptionSpec, OptionTable } from './option-table.js';

/** The options every command takes, before its own name. */
export interface GlobalOptions {
  repo?: string;
  config?: string;
  policyRef?: string;
  format: Format;
  output?: string;
  color: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

export const GLOBAL_OPTIONS: OptionTable<GlobalOptions> = {
  repo: { value: '<dir>', description: 'repository to assess (default: the current directory)' },
  config: { value: '<file>', description: 'policy file (default: .deployadvisor.yml in the repository)' },
  policyRef: { value: '<ref>', description: 'read the policy from this git ref instead of the working tree' },
  format: { value: '<format>', description: 'output format', choices: FORMATS, default: 'text' },
  output: { value: '<file>', description: 'write the output to a file instead of stdout' },
  color: { negate: true, description: 'no colours (also NO_COLOR=1 or FORCE_COLOR=0)' },
  quiet: { description: 'no progress or diagnostics on stderr' },
  verbose: { description: 'log what is run on stderr; stack traces for internal errors' },
};

/** The formats of a command that writes one kind of text whatever the format (all but HTML). */
export const TEXT_FORMATS = ['text', 'json', 'markdown', 'github'] as const satisfies readonly Format[];

export const EXIT_HELP = `
Exit codes:
  0  GO (or any verdict below --fail-on)
  1  unexpected internal error (a bug: please report it)
  2  usage, configuration or input error
  3  WAIT: ship later; the plan says until when and why
  4  BLOCK: risk or a hard gate needs a human decision or --override
  5  INCONCLUSIVE: required evidence is missing (shallow history, ...)
`;

/** Options and arguments several commands share (one wording each). */
export const COVERAGE_OPTION: OptionSpec = {
  value: '<file...>',
  description: 'coverage reports (LCOV, Cobertura, JaCoCo, Clover, Istanbul, Go, SimpleCov)',
};

export const FROM_OPTION: OptionSpec = {
  value: '<ref>',
  description: 'base of the range (default: last deploy, deployedRef, merge-base, root)',
};

export const RANGE_ARG: ArgSpec = {
  syntax: '[range]',
  description: 'A..B, or a ref for all history reachable from it',
  default: 'HEAD',
};

/** `--service <name>`: one service of a monorepo policy (its paths, its ledger records). */
export const SERVICE_OPTION: OptionSpec = {
  value: '<name>',
  description: 'a service of the policy (monorepos): only its paths and its ledger records',
};

export const LABEL_ENV_OPTION: OptionSpec = {
  value: '<name>',
  description: 'environment whose ledger outcomes label changes (default: defaultEnvironment)',
};
