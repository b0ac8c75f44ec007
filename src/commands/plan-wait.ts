import type { PlanRequest, PlanResult } from '../app/plan.js';
import { UserError } from '../errors.js';
import { appPorts } from './context.js';
import type { CommandContext } from './spec.js';

/**
 * The plan, evaluated once, or with --wait until it turns GO (or stops for good). A line per
 * re-evaluation goes to stderr; the countdown is the progress line, so only a terminal shows it.
 */
export async function evaluatePlan(
  { io, global }: CommandContext,
  request: PlanRequest,
  wait: { wait?: boolean | undefined; maxWait?: string | undefined },
): Promise<PlanResult> {
  const ports = appPorts(io, global);
  if (wait.wait !== true) {
    if (wait.maxWait !== undefined)
      throw new UserError('--max-wait goes with --wait: plan --wait --max-wait 6h.');
    const { planDeploy } = await import('../app/plan.js');
    return planDeploy(ports, request);
  }
  const { maxWaitOption, planUntilGo } = await import('../app/wait.js');
  const { remaining } = await import('../assess/wait.js');
  const maxWaitMs = maxWaitOption(wait.maxWait ?? '6h');
  const say = (line: string) => {
    if (global.quiet !== true) io.stderr(`deployadvisor: --wait: ${line}\n`);
  };
  let slept = false;
  return planUntilGo(ports, request, {
    maxWaitMs,
    countdown: io.isTTY.stderr,
    onStep: (plan, step) => {
      if (step.kind === 'sleep') {
        slept = true;
        const at = new Date(step.until).toISOString().replace(/\.\d{3}Z$/, 'Z');
        say(
          `${plan.verdict} at ${plan.timing.now}; re-evaluating at ${at} (in ${remaining(step.until - Date.parse(plan.timing.now))}): ${step.reason}.`,
        );
      } else if (slept || plan.verdict !== 'GO') {
        say(`${plan.verdict} at ${plan.timing.now}: ${step.reason}.`);
      }
    },
  });
}
