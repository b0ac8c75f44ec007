import { Command, CommanderError, Option } from 'commander';
import { EXIT, UserError } from './errors.js';
import type { Io } from './io.js';
import { VERSION } from './version.js';
import { FAIL_ON } from './assess/plan-types.js';
import { guardOutput } from './render/safe-text.js';

export const FORMATS = ['text', 'json', 'markdown', 'github', 'html'] as const;
export type Format = (typeof FORMATS)[number];

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

const EXIT_HELP = `
Exit codes:
  0  GO (or any verdict below --fail-on)
  1  unexpected internal error (a bug: please report it)
  2  usage, configuration or input error
  3  WAIT: ship later; the plan says until when and why
  4  BLOCK: risk or a hard gate needs a human decision or --override
  5  INCONCLUSIVE: required evidence is missing (shallow history, ...)
`;

function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('deployadvisor')
    .description('An explainable deploy advisor: GO / WAIT / BLOCK / INCONCLUSIVE, with the evidence.')
    .version(VERSION, '-V, --version')
    .option('--repo <dir>', 'repository to assess (default: the current directory)')
    .option('--config <file>', 'policy file (default: .deployadvisor.yml in the repository)')
    .option('--policy-ref <ref>', 'read the policy from this git ref instead of the working tree')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--output <file>', 'write the output to a file instead of stdout')
    .option('--no-color', 'no colours (also NO_COLOR=1)')
    .option('--quiet', 'no progress or diagnostics on stderr')
    .option('--verbose', 'log what is run on stderr; stack traces for internal errors')
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
    .exitOverride()
    .hook('preAction', async (_program, action) => {
      const options = program.opts<GlobalOptions>();
      if (options.format === 'html' && action.name() !== 'insights') {
        throw new UserError(
          `${action.name()} --format html: only insights writes HTML; use text, json, markdown or github.`,
        );
      }
      if (options.output !== undefined) {
        const { checkOutputPath } = await import('./commands/shared.js');
        await checkOutputPath(io, options.output);
      }
    });

  program
    .command('plan')
    .description('assess deploying <target> (default HEAD) to an environment')
    .argument('[target]', 'commit, branch or tag to deploy', 'HEAD')
    .option('--env <name>', 'environment (default: defaultEnvironment from the policy, else production)')
    .option('--from <ref>', 'base of the range (default: last deploy, deployedRef, merge-base, root)')
    .option('--now <iso-8601>', 'evaluate at this instant instead of the clock')
    .addOption(
      new Option('--fail-on <level>', 'lowest verdict that exits non-zero').choices(FAIL_ON).default('wait'),
    )
    .option('--override <reason>', 'turn WAIT or BLOCK into GO, loudly, with this reason')
    .option(
      '--coverage <file...>',
      'coverage reports (LCOV, Cobertura, JaCoCo, Clover, Istanbul, Go, SimpleCov)',
    )
    .option('--offline', 'ask no network endpoints: every configured source is skipped')
    .option('--record', 'store the plan (or the override) in the ledger')
    .option('--dry-run', 'evaluate only; never record (wins over --record)')
    .addHelpText('after', EXIT_HELP)
    .action(async (target: string, options: Record<string, unknown>) => {
      const { runPlan } = await import('./commands/plan.js');
      setExit(await runPlan(io, program.opts<GlobalOptions>(), { target, ...options }));
    });

  program
    .command('record')
    .description('append a deploy event to the ledger: started, succeeded, failed, rolled-back')
    .argument('<event>', 'started | succeeded | failed | rolled-back')
    .option('--env <name>', 'environment (default: defaultEnvironment)')
    .option('--sha <ref>', 'the deployed commit; for rolled-back, the one rolled back (default: HEAD)')
    .option('--reason <text>', 'why (required for failed and rolled-back)')
    .option('--plan <id>', 'the plan record this deploy carried out (id or prefix)')
    .option('--at <iso-8601>', 'when it happened, to backfill past deploys (marked as backfilled)')
    .action(async (event: string, recordOptions: Record<string, string | undefined>) => {
      const { runRecord } = await import('./commands/ledger.js');
      setExit(await runRecord(io, program.opts<GlobalOptions>(), event, recordOptions));
    });

  const ledger = program
    .command('ledger')
    .description('the deploy ledger kept in git: list, verify, push, pull, export');
  ledger
    .command('list')
    .description('records, oldest first (--format json for JSON)')
    .option('--env <name>', 'only this environment')
    .option('--type <type>', 'only this record type')
    .option('--since <when>', 'only since a date or a duration such as 90d')
    .action(async (filters: Record<string, string | undefined>) => {
      const { runLedgerList } = await import('./commands/ledger.js');
      setExit(await runLedgerList(io, program.opts<GlobalOptions>(), filters));
    });
  ledger
    .command('export')
    .description('every record as canonical JSON, one per line (JSONL)')
    .action(async () => {
      const { runLedgerExport } = await import('./commands/ledger.js');
      setExit(await runLedgerExport(io, program.opts<GlobalOptions>()));
    });
  ledger
    .command('verify')
    .description(
      'integrity (chain, records) and completeness against a remote; exit 4 names the first bad record',
    )
    .argument('[remote]', 'remote to compare with (default: ledger.remote)')
    .action(async (remote: string | undefined) => {
      const { runLedgerVerify } = await import('./commands/ledger.js');
      setExit(await runLedgerVerify(io, program.opts<GlobalOptions>(), remote));
    });
  for (const direction of ['push', 'pull'] as const) {
    ledger
      .command(direction)
      .description(
        direction === 'push'
          ? 'push the ledger without force; re-append on top when the remote moved'
          : 'fetch the remote ledger and merge it in; nothing is lost on either side',
      )
      .argument('[remote]', 'remote (default: ledger.remote)')
      .action(async (remote: string | undefined) => {
        const { runLedgerSync } = await import('./commands/ledger.js');
        setExit(await runLedgerSync(io, program.opts<GlobalOptions>(), direction, remote));
      });
  }

  program
    .command('insights')
    .description('DORA four keys and failure rates by weekday, hour, zone and AI share, from the ledger')
    .option('--since <when>', 'window start: a duration such as 90d, 12w, 48h, or a date', '90d')
    .option('--env <name>', 'environment (default: defaultEnvironment from the policy)')
    .option('--now <iso-8601>', 'end the window at this instant instead of the clock')
    .option('--offline', 'ask no CI source: main-branch health comes from reverts in git')
    .action(async (insightsOptions: Record<string, unknown>) => {
      const { runInsights } = await import('./commands/insights.js');
      setExit(await runInsights(io, program.opts<GlobalOptions>(), insightsOptions));
    });

  program
    .command('backtest')
    .description(
      'score every past change as a one-change deploy; how well the score separates the failed ones',
    )
    .argument('[range]', 'A..B, or a ref for all history reachable from it', 'HEAD')
    .option('--env <name>', 'environment whose ledger outcomes label changes (default: defaultEnvironment)')
    .action(async (range: string, backtestOptions: Record<string, string | undefined>) => {
      const { runBacktest } = await import('./commands/backtest.js');
      setExit(await runBacktest(io, program.opts<GlobalOptions>(), range, backtestOptions));
    });

  program
    .command('calibrate')
    .description(
      "fit the factor weights to this repository's history (time-ordered split); --write stores them",
    )
    .argument('[range]', 'A..B, or a ref for all history reachable from it', 'HEAD')
    .option('--env <name>', 'environment whose ledger outcomes label changes (default: defaultEnvironment)')
    .option('--write', 'store the fitted weights in the policy file (model: section)')
    .option('--now <iso-8601>', 'the date written into the model (default: today)')
    .action(async (range: string, calibrateOptions: Record<string, unknown>) => {
      const { runCalibrate } = await import('./commands/calibrate.js');
      setExit(await runCalibrate(io, program.opts<GlobalOptions>(), range, calibrateOptions));
    });

  program
    .command('explain')
    .description('audit view of one commit: origin, review, every plan and deploy that carried it')
    .argument('<sha>', 'the commit')
    .action(async (sha: string) => {
      const { runExplain } = await import('./commands/explain.js');
      setExit(await runExplain(io, program.opts<GlobalOptions>(), sha));
    });

  program
    .command('lineage')
    .description('AI attribution per commit, file and tool, with review and coverage evidence')
    .argument('[range]', 'A..B, or the target of the default range (default: HEAD)')
    .option('--env <name>', 'environment whose last deploy starts the default range')
    .option('--from <ref>', 'base of the range (default: last deploy, deployedRef, merge-base, root)')
    .option(
      '--coverage <file...>',
      'coverage reports (LCOV, Cobertura, JaCoCo, Clover, Istanbul, Go, SimpleCov)',
    )
    .action(async (range: string | undefined, options: Record<string, unknown>) => {
      const { runLineage } = await import('./commands/lineage.js');
      setExit(await runLineage(io, program.opts<GlobalOptions>(), { range, ...options }));
    });

  program
    .command('init')
    .description('write a commented .deployadvisor.yml from what the repository shows (never overwrites)')
    .action(async () => {
      const { runInit } = await import('./commands/init.js');
      setExit(await runInit(io, program.opts<GlobalOptions>()));
    });

  const config = program.command('config').description('validate, print or describe the policy');
  config
    .command('check')
    .description('validate the policy file; exit 2 with file, line and key on a mistake')
    .action(async () => {
      const { runConfigCheck } = await import('./commands/config.js');
      setExit(await runConfigCheck(io, program.opts<GlobalOptions>()));
    });
  config
    .command('print')
    .description('print the effective policy, defaults filled in')
    .action(async () => {
      const { runConfigPrint } = await import('./commands/config.js');
      setExit(await runConfigPrint(io, program.opts<GlobalOptions>()));
    });
  config
    .command('schema')
    .description('print the JSON Schema of the policy file')
    .action(async () => {
      const { runConfigSchema } = await import('./commands/config.js');
      setExit(await runConfigSchema(io, program.opts<GlobalOptions>()));
    });
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

/** Runs the CLI and returns the exit code; never throws for user mistakes. */
export async function main(argv: readonly string[], rawIo: Io): Promise<number> {
  const io = guardedIo(rawIo);
  let exitCode: number = EXIT.go;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
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
