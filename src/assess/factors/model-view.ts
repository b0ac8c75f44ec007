import type { Context } from '../context.js';

/** What a model factor's explanation sees: its points, and the deploy's commits as the model read them. */
export interface ModelView {
  ctx: Context;
  points: number;
  /** How many commits that change code the deploy ships. */
  commits: number;
  /** The files those commits change. */
  files: () => string[];
  /** The riskiest commits' standout features of this factor ("a1b2c3d4e5 (12% on its own): ..."). */
  evidence: string[];
}

/** Summary, evidence and advice: a factor's words, in the plan's key order. */
export interface FactorWords {
  summary: string;
  evidence: string[];
  advice: string | null;
}
