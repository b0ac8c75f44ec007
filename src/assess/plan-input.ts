import type { PriorProfile } from './factors/model.js';
import type { Policy } from '../config/schema.js';
import type { CoverageFacts, GitFacts } from './facts.js';
import type { HistoryCounts } from './factors/history.js';
import type { FailOn, Plan } from './plan-types.js';
import type { SourceFacts } from './sources.js';

/** Everything a plan is made from: facts, policy, the instant and the options. */
export interface PlanInput {
  facts: GitFacts;
  /** Coverage as collected, or null when none was looked for. */
  coverage: CoverageFacts | null;
  policy: Policy;
  policySource: Plan['policy'];
  env: string;
  /** The instant to evaluate at, in epoch ms: `--now` or the clock, passed in. */
  now: number;
  failOn: FailOn;
  override: string | undefined;
  toolVersion: string;
  inputsDigest: string;
  /** What the live sources reported (absent: none were asked, as in `explain`). */
  sources?: readonly SourceFacts[];
  /** Past deploys of the env, counted by cohort (absent or null: no ledger history was read). */
  history?: HistoryCounts | null;
  /** The repository's changes before the range, folded: what the risk model measures against. */
  prior?: PriorProfile;
}
