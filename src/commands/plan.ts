import { resolve } from 'node:path';
import { FAIL_ON, type FailOn } from '../assess/plan-types.js';
import { EXIT, UserError } from '../errors.js';
import { formatsOf } from '../render/formats.js';
import { PLAN_RENDERERS } from '../render/renderers.js';
import { cleanText } from '../render/safe-text.js';
import { renderIn, workspaceOf } from './context.js';
import { COVERAGE_OPTION, EXIT_HELP, FROM_OPTION, SERVICE_OPTION } from './global.js';
import { emit, emitGithub } from './output.js';
import { defineCommand, type CommandContext } from './spec.js';

interface PlanArgs {
  target: string;
}

interface PlanOptions {
  env?: string;
  service?: string;
  from?: string;
  now?: string;
  failOn: FailOn;
  override?: string;
  coverage?: string[];
  offline?: boolean;
  record?: boolean;
  dryRun?: boolean;
  comment?: boolean;
  wait?: boolean;
  maxWait?: string;
}

/** Appends `key=value` lines to $GITHUB_OUTPUT, when set: the values are one-line tokens. */
async function writeStepOutputs(io: CommandContext['io'], outputs: Record<string, string>): Promise<void> {
  const file = io.env.GITHUB_OUTPUT;
  if (file === undefined || file === '') return;
  const { writeUserFile } = await import('../app/user-file.js');
  const lines = Object.entries(outputs).map(([key, value]) => `${key}=${value}\n`);
  await writeUserFile('GITHUB_OUTPUT', resolve(io.cwd, file), lines.join(''), 'a');
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
    service: SERVICE_OPTION,
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
    wait: {
      description: 'while the verdict is WAIT, sleep until it can turn GO, then exit with the final verdict',
    },
    maxWait: { value: '<duration>', description: 'longest --wait, such as 90m, 6h or 2d (default 6h)' },
    comment: {
      description: 'in a GitHub pull-request job, post the markdown plan as one comment, updated on reruns',
    },
  },
  formats: formatsOf(PLAN_RENDERERS),
  helpAfter: EXIT_HELP,
  async run(context, request) {
    const { io, global } = context;
    const { evaluatePlan } = await import('./plan-wait.js');
    const { appendTo } = await import('../app/record.js');
    const { wait, maxWait, comment: _comment, ...options } = request;
    const { workspace, env, plan, record } = await evaluatePlan(
      context,
      { ...workspaceOf(global), ...options, record: request.record === true && request.dryRun !== true },
      { wait, maxWait },
    );
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
    let planId = '';
    if (record !== null) {
      const stored = await appendTo(workspace, record);
      planId = stored.id;
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
    if (global.format === 'github') {
      // verdict, score and plan-id as step outputs (the action adds exit-code).
      await writeStepOutputs(io, { verdict: plan.verdict, score: String(plan.score), 'plan-id': planId });
    }
    if (summaryError !== null) throw summaryError;
    if (request.comment === true) {
      const { commentPlan } = await import('./plan-comment.js');
      const failed = await commentPlan(context, workspace.loaded.policy, env, plan);
      // A comment that failed never loosens the gate: GO becomes 2, any other verdict keeps its code.
      if (failed !== null) {
        io.stderr(`deployadvisor: ${failed}\n`);
        return plan.exitCode === EXIT.go ? EXIT.usage : plan.exitCode;
      }
    }
    return plan.exitCode;
  },
});
