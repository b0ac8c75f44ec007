import { z } from 'zod';

/**
 * The `verify` section of the policy: how `deployadvisor verify` judges a deploy from its metrics
 * (docs/verify.md). Metrics come from `sources.metrics` (prometheus and datadog), named here by `source`.
 */

/** Which change of a metric is bad: up (errors, latency), down (throughput), or either. */
export const VERIFY_DIRECTIONS = ['higher', 'lower', 'both'] as const;
export type VerifyDirection = (typeof VERIFY_DIRECTIONS)[number];

/** `before` (the window right before the deploy) or a duration back (`7d`: the same hours a week ago). */
const baseline = z
  .string()
  .regex(/^(?:before|\d{1,4}[hdw])$/, 'expected "before", or a duration back such as 24h, 7d or 1w')
  .describe(
    'What the window after the deploy is compared with: "before" (the same length right before the deploy starts) or a duration back ("7d": the same hours seven days earlier).',
  );

const tolerance = z
  .number()
  .min(0)
  .max(100)
  .describe(
    'Effect size allowed before a significant shift fails: the Hodges-Lehmann shift relative to the baseline median (0.2 = 20%).',
  );

export const verifyMetricSchema = z
  .strictObject({
    source: z.string().min(1).describe('Name of a prometheus or datadog metric in sources.metrics.'),
    direction: z
      .enum(VERIFY_DIRECTIONS)
      .optional()
      .describe(
        'Which change is bad: higher (errors, latency), lower (throughput) or both; default from the source: max means higher, min means lower, both means both.',
      ),
    tolerance: tolerance.optional().describe("This metric's tolerance; default verify.tolerance."),
    baseline: baseline.optional().describe("This metric's baseline; default verify.baseline."),
    critical: z
      .boolean()
      .default(false)
      .describe(
        "A failure of this metric fails the deploy at once (--watch stops early) instead of at the window's end.",
      ),
  })
  .describe('One metric verify judges.');

export const verifySchema = z
  .strictObject({
    windowMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(30)
      .describe(
        "How long metrics are watched once the deploy is done (after the environment's deployMinutes); the window closes then.",
      ),
    baseline: baseline.default('before'),
    tolerance: tolerance.default(0.1),
    alpha: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.05)
      .describe('Significance level of the Mann-Whitney U test: a shift counts when p is below it.'),
    minSamples: z
      .number()
      .int()
      .min(3)
      .max(10_000)
      .default(5)
      .describe('Fewest samples in each window for a judgement; fewer is no data.'),
    stepSeconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(60)
      .describe('Resolution of the range queries, in seconds (raised so a window has at most 500 samples).'),
    watchIntervalSeconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(60)
      .describe('How often --watch asks the metrics again.'),
    metrics: z
      .array(verifyMetricSchema)
      .optional()
      .describe(
        'The metrics to judge; default: every prometheus and datadog health metric in sources.metrics.',
      ),
  })
  .describe('How `verify` judges a deploy from production metrics, before against after (docs/verify.md).');

export type VerifyPolicy = z.output<typeof verifySchema>;
export type VerifyMetric = z.output<typeof verifyMetricSchema>;
