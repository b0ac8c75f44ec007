import { EXIT, type ExitCode } from '../errors.js';
import type { FailOn, Gate, Verdict } from './plan-types.js';

/** Each verdict's exit code, from the one exit-code table (errors.ts). */
export const VERDICT_EXIT: Record<Verdict, ExitCode> = {
  GO: EXIT.go,
  WAIT: EXIT.wait,
  BLOCK: EXIT.block,
  INCONCLUSIVE: EXIT.inconclusive,
};

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
export function exitCodeFor(verdict: Verdict, failOn: FailOn): ExitCode {
  if (failOn === 'never') return EXIT.go;
  if (failOn === 'block' && verdict === 'WAIT') return EXIT.go;
  return VERDICT_EXIT[verdict];
}
