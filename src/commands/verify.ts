import { UserError } from '../errors.js';
import { formatsOf } from '../render/formats.js';
import { VERIFY_RENDERERS } from '../render/renderers.js';
import { appPorts, renderIn, workspaceOf } from './context.js';
import { emit, emitGithub } from './output.js';
import { defineCommand } from './spec.js';

interface VerifyOptions {
  env?: string;
  sha?: string;
  now?: string;
  watch?: boolean;
  record?: boolean;
}

export const VERIFY_EXIT_HELP = `
Exit codes:
  0  PASS: no metric got significantly worse beyond its tolerance
  1  unexpected internal error (a bug: please report it)
  2  usage, configuration or input error (no started record, unknown metric, ...)
  4  FAIL: a metric got worse (or a source with onError/onNoData block gave nothing)
  5  INCONCLUSIVE: the window is still open, too few samples, or a source is down
`;

export const verifyCommand = defineCommand<Record<string, never>, VerifyOptions>({
  path: ['verify'],
  description: 'after a deploy: judge it from production metrics, before against after; --record the outcome',
  args: {},
  options: {
    env: { value: '<name>', description: 'environment (default: defaultEnvironment from the policy)' },
    sha: { value: '<ref>', description: "the deployed commit (default: the env's newest started deploy)" },
    now: { value: '<iso-8601>', description: 'judge as of this instant instead of the clock' },
    watch: { description: 'keep judging until the window closes; stop early when a critical metric fails' },
    record: { description: 'append succeeded or failed to the ledger, linked to the started record' },
  },
  formats: formatsOf(VERIFY_RENDERERS),
  helpAfter: VERIFY_EXIT_HELP,
  async run(context, request) {
    const { io, global } = context;
    const { verifyDeploy } = await import('../app/verify.js');
    const result = await verifyDeploy(appPorts(io, global), { ...workspaceOf(global), ...request });
    const out = await renderIn(context, VERIFY_RENDERERS, result);
    let summaryError: UserError | null = null;
    if (out.summary === undefined) await emit(io, global, out.stdout);
    else summaryError = await emitGithub(context, { stdout: out.stdout, summary: out.summary });
    if (result.recorded !== null && global.quiet !== true) {
      io.stderr(
        'skipped' in result.recorded
          ? `deployadvisor: not recorded: ${result.recorded.skipped}\n`
          : `deployadvisor: recorded ${result.recorded.type} #${result.recorded.seq} for ${result.env} (id ${result.recorded.id.slice(0, 12)}), linked to started #${result.deploy.startedSeq}\n`,
      );
    }
    if (summaryError !== null) throw summaryError;
    return result.exitCode;
  },
});
