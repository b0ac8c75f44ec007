import type { Plan } from './plan-types.js';

/**
 * `plan --wait`: after each evaluation, stop or sleep until the next instant worth re-evaluating. Pure:
 * the instants come in as values. Waiting never turns a BLOCK or a freeze into GO: those stop at once.
 */

/** How often a plan that waits on a source (health, a required source down) is re-evaluated. */
export const POLL_MS = 5 * 60_000;
/** The shortest sleep, so a window that opens "now" but still waits cannot spin. */
export const MIN_SLEEP_MS = 60_000;

export type WaitStep = { kind: 'stop'; reason: string } | { kind: 'sleep'; until: number; reason: string };

/** What to do after `plan`, evaluated at `now`, with `deadline` the end of --max-wait. */
export function nextCheck(plan: Plan, now: number, deadline: number, pollMs = POLL_MS): WaitStep {
  if (plan.verdict === 'GO') return { kind: 'stop', reason: 'the verdict is GO' };
  if (plan.verdict === 'BLOCK')
    return { kind: 'stop', reason: 'BLOCK needs a human decision; waiting does not change it' };
  if (plan.gates.some((gate) => gate.id === 'freeze')) {
    return { kind: 'stop', reason: 'a deploy freeze is not waited out' };
  }
  const waiting = plan.gates.filter((gate) => gate.level !== 'block');
  const onSources = waiting.some((gate) => gate.kind === 'source');
  const onTiming = waiting.some((gate) => gate.kind === 'timing');
  let until: number;
  let why: string;
  if (plan.verdict === 'INCONCLUSIVE' && !onSources) {
    return { kind: 'stop', reason: 'the missing evidence does not come by waiting' };
  }
  if (onTiming || (plan.verdict === 'WAIT' && !onSources)) {
    const next = plan.timing.nextWindow;
    if (next === null) {
      return { kind: 'stop', reason: `no window opens in the next ${plan.timing.horizonDays} days` };
    }
    until = Date.parse(next.start);
    why = `the next window opens ${next.startLocal}`;
  } else {
    until = now + pollMs;
    why = 'a source may recover';
  }
  until = Math.max(until, now + MIN_SLEEP_MS);
  if (until > deadline) {
    return { kind: 'stop', reason: `the next re-evaluation (${why}) would be past --max-wait` };
  }
  return { kind: 'sleep', until, reason: why };
}

/** "2h 05m", "4m 10s": a countdown's remaining time. */
export function remaining(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}h ${pad(m)}m ${pad(s)}s` : `${m}m ${pad(s)}s`;
}
