import { nextCheck, remaining, type WaitStep } from '../assess/wait.js';
import { UserError } from '../errors.js';
import { planDeploy, type PlanRequest, type PlanResult } from './plan.js';
import type { AppPorts } from './ports.js';

/**
 * `plan --wait`: evaluate, and while the verdict is WAIT (or INCONCLUSIVE for a source that is down),
 * sleep on the clock port until the next window opens or the poll interval passes, then evaluate again.
 * With --now the evaluations start at that instant and move on with the clock, so a test's fake clock
 * crosses a window boundary without waiting.
 */

export interface WaitOptions {
  /** --max-wait, in ms. */
  maxWaitMs: number;
  /** Re-evaluation interval while a source is what the plan waits on. */
  pollMs?: number;
  /** A line per re-evaluation (stderr). */
  onStep?: (plan: PlanResult['plan'], step: WaitStep) => void;
  /** Show a countdown (a terminal): the sleep is cut in seconds to update it. */
  countdown?: boolean;
}

const MAX_WAIT_MS = 7 * 24 * 3_600_000;

/** `--max-wait`: "6h", "90m", "1h30m", "2d"; at most 7 days. */
export function maxWaitOption(text: string): number {
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/.exec(text.trim());
  const [d, h, m] = [match?.[1], match?.[2], match?.[3]].map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
  ];
  const ms = ((d * 24 + h) * 60 + m) * 60_000;
  if (match === null || text.trim() === '' || ms <= 0 || ms > MAX_WAIT_MS) {
    throw new UserError(
      `--max-wait "${text}": expected a duration such as 6h, 90m, 1h30m or 2d, more than 0 and at most 7d.`,
    );
  }
  return ms;
}

export async function planUntilGo(
  ports: AppPorts,
  request: PlanRequest,
  options: WaitOptions,
): Promise<PlanResult> {
  let result = await planDeploy(ports, request);
  const started = ports.clock.now();
  const first = Date.parse(result.plan.timing.now);
  const now = () => first + (ports.clock.now() - started);
  const deadline = first + options.maxWaitMs;
  for (;;) {
    const step = nextCheck(result.plan, now(), deadline, options.pollMs);
    options.onStep?.(result.plan, step);
    if (step.kind === 'stop') return result;
    await sleepUntil(ports, step, now, options.countdown === true);
    const at = new Date(now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    result = await planDeploy(ports, { ...request, now: at });
  }
}

async function sleepUntil(
  ports: AppPorts,
  step: Extract<WaitStep, { kind: 'sleep' }>,
  now: () => number,
  countdown: boolean,
): Promise<void> {
  if (!countdown) {
    await ports.clock.sleep(Math.max(0, step.until - now()));
    return;
  }
  const progress = await ports.progress(`Waiting: ${step.reason}`);
  try {
    for (let left = step.until - now(); left > 0; left = step.until - now()) {
      progress.update(`Waiting ${remaining(left)}: ${step.reason}`);
      await ports.clock.sleep(Math.min(1000, left));
    }
  } finally {
    progress.stop();
  }
}
