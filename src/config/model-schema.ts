import { z } from 'zod';

/** The factors a policy weighs (`weights:`, `model.weights`); assess/factors/registry.ts has them all. */
export const FACTOR_IDS = ['zones', 'size', 'ai', 'tests', 'review', 'migrations', 'history'] as const;
export type FactorId = (typeof FACTOR_IDS)[number];

/** The risk model: the hotfix window, and what calibrate fitted to this repository. */
export const modelSchema = z
  .strictObject({
    hotfixDays: z
      .number()
      .int()
      .min(1)
      .max(365)
      .default(30)
      .describe(
        'Hotfix window in days: a change whose lines a later fix commit changed within this many days counts as failed (SZZ labels in backtest and calibrate).',
      ),
    weights: z
      .partialRecord(z.enum(FACTOR_IDS), z.number().int().min(0).max(100))
      .optional()
      .describe(
        'Maximum points per factor as fitted; they replace weights and the defaults for the factors named.',
      ),
    intercept: z.number().optional().describe('Fitted intercept of the change model (log-odds).'),
    coefficients: z
      .record(z.string(), z.number())
      .optional()
      .describe('Fitted change-history coefficients (log-odds per percentile), replacing the shipped prior.'),
    deploy: z
      .strictObject({
        a: z.number().describe('Intercept: logit(P deploy) = a + b · logit(1 − Π(1 − p of each change)).'),
        b: z.number().min(0).describe('Slope on the naive deploy log-odds.'),
        units: z
          .enum(['ledger', 'tags', 'days'])
          .describe("The deploy-sized units it was fitted on: the ledger's deploys, release tags, or days."),
        count: z.number().int().min(0).optional().describe('How many units.'),
        failedShare: z
          .number()
          .min(0)
          .max(1)
          .optional()
          .describe('The share of those units that needed a rollback or fix (this repository’s base rate).'),
        scale: z
          .tuple([z.number().gt(0).max(1), z.number().gt(0).max(1), z.number().gt(0).max(1)])
          .refine(
            ([a, b, c]) => a < b && b < c,
            'expected three increasing estimates, such as [0.3, 0.5, 0.75]',
          )
          .optional()
          .describe(
            "This repository's score scale: the deploy-level estimates at the 87th, 95th and 99th percentiles of its units, which score 30, 50 and 75 (docs/model.md).",
          ),
      })
      .optional()
      .describe(
        "Deploy-level calibration fitted by calibrate on this repository's own deploy-sized units, replacing the prior's (fitted on a day's changes across the corpus).",
      ),
    fittedAt: z.string().min(1).optional().describe('When calibrate fitted them (YYYY-MM-DD).'),
    range: z.string().min(1).optional().describe('The history they were fitted on (the backtest range).'),
    changes: z.number().int().min(0).optional().describe('Changes in that history.'),
    heldOutAuc: z
      .number()
      .min(0)
      .max(1)
      .nullable()
      .optional()
      .describe('ROC AUC of the fitted model on the newer, held-out part of the history.'),
    defaultAuc: z
      .number()
      .min(0)
      .max(1)
      .nullable()
      .optional()
      .describe('ROC AUC of the model before calibration (the prior) on the same held-out changes.'),
    baselineAuc: z
      .number()
      .min(0)
      .max(1)
      .nullable()
      .optional()
      .describe('ROC AUC of lines added alone on the same held-out changes.'),
  })
  .describe(
    'The risk model: the hotfix window, and what `deployadvisor calibrate --write` fitted to this repository (plan uses it and says so).',
  );
