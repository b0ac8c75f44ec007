import { FAIL_ON, type FailOn } from '../assess/plan-types.js';
import { UserError } from '../errors.js';
import { formatsOf } from '../render/formats.js';
import { PLAN_RENDERERS } from '../render/renderers.js';
import { cleanText } from '../render/safe-text.js';
import { appPorts, renderIn, workspaceOf } from './context.js';
import { COVERAGE_OPTION, EXIT_HELP, FROM_OPTION } from './global.js';
import { emit, emitGithub } from './output.js';
import { defineCommand } from './spec.js';

interface PlanArgs {
  target: string;
}

interface PlanOptions {
  env?: string;
  from?: string;
  now?: string;
  failOn: FailOn;
  override?: string;
  coverage?: string[];
  offline?: boolean;
  record?: boolean;
  dryRun?: boolean;
}

export const planCommand = defineCommand<PlanArgs, PlanOptions>({
  path: ['plan'],
  description: 'assess deploying <target> (default HEAD) to an environment',
  args: { target: { syntax: '[target]', description: 'commit, branch or tag to deploy', default: 'HEAD' } },
  options: {
    env: {
      value: '<name>',
      description: 'environment (default: defaultEnvironment from the policy, else production)',
    },
    from: FROM_OPTION,
    now: { value: '<iso-8601>', description: 'evaluate at this instant instead of the clock' },
    failOn: {
      value: '<level>',
      description: 'lowest verdict that exits non-zero',
      choices: FAIL_ON,
      default: 'wait',
    },
    override: { value: '<reason>', description: 'turn WAIT or BLOCK into GO, loudly, with this reason' },
    coverage: COVERAGE_OPTION,
    offline: { description: 'ask no network endpoints: every configured source is skipped' },
    record: { description: 'store the plan (or the override) in the ledger' },
    dryRun: { description: 'evaluate only; never record (wins over --record)' },
  },
  formats: formatsOf(PLAN_RENDERERS),
  helpAfter: EXIT_HELP,
  async run(context, request) {
    const { io, global } = context;
    const { planDeploy } = await import('../app/plan.js');
    const { appendTo } = await import('../app/record.js');
    const { workspace, env, plan, record } = await planDeploy(appPorts(io, global), {
      ...workspaceOf(global),
      ...request,
      record: request.record === true && request.dryRun !== true,
    });
    const out = await renderIn(context, PLAN_RENDERERS, plan);
    let summaryError: UserError | null = null;
    if (out.summary === undefined) await emit(io, global, out.stdout);
    else summaryError = await emitGithub(context, { stdout: out.stdout, summary: out.summary });
    if (request.override !== undefined && plan.overridden === null) {
      io.stderr(
        plan.verdict === 'INCONCLUSIVE'
          ? 'deployadvisor: --override cannot turn INCONCLUSIVE into GO: supply the missing evidence (see the plan).\n'
          : `deployadvisor: --override ignored: the verdict is already ${plan.verdict}.\n`,
      );
    }
    if (record !== null) {
      const stored = await appendTo(workspace, record);
      if (global.quiet !== true) {
        io.stderr(
          `deployadvisor: recorded ${stored.type} #${stored.seq} for ${env} (id ${stored.id.slice(0, 12)}) in ${workspace.loaded.policy.ledger.ref}\n`,
        );
      }
    }
    if (plan.overridden !== null && global.format !== 'text') {
      io.stderr(
        `deployadvisor: OVERRIDE: ${plan.overridden.from} turned into GO. Reason: "${cleanText(plan.overridden.reason)}"\n`,
      );
    }
    if (summaryError !== null) throw summaryError;
    return plan.exitCode;
  },
});
