import type { FailOn, Gate, Verdict } from './plan-types.js';

export const VERDICT_EXIT: Record<Verdict, number> = { GO: 0, WAIT: 3, BLOCK: 4, INCONCLUSIVE: 5 };

/**
 * The verdict from gates and score (SPEC 5): a blocking gate blocks; missing evidence is inconclusive
 * (never a silent GO); a score at blockAt blocks; a waiting gate waits.
 */
export function decideVerdict(gates: readonly Gate[], score: number, blockAt: number): Verdict {
  if (gates.some((gate) => gate.level === 'block')) return 'BLOCK';
  if (gates.some((gate) => gate.level === 'inconclusive')) return 'INCONCLUSIVE';
  if (score >= blockAt) return 'BLOCK';
  if (gates.some((gate) => gate.level === 'wait')) return 'WAIT';
  return 'GO';
}

/** Exit code for a verdict under --fail-on (wait: WAIT and worse fail; block: BLOCK and INCONCLUSIVE; never: 0). */
export function exitCodeFor(verdict: Verdict, failOn: FailOn): number {
  if (failOn === 'never') return 0;
  if (failOn === 'block' && verdict === 'WAIT') return 0;
  return VERDICT_EXIT[verdict];
}
