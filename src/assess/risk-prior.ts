import type { RiskPrior } from './risk-model.js';

/**
 * Provisional prior (hand-set from docs/research figures) until scripts/train-prior.mjs writes the
 * fitted one over this file.
 */
export const RISK_PRIOR: RiskPrior = {
  model: {
    intercept: -4,
    coefficients: {
      codeFiles: 2.5,
      linesAdded: 1,
      linesDeleted: 0.3,
      entropy: 0.3,
      directories: 0.3,
      recentChanges: 0.5,
      pastFixes: 0.4,
      daysSinceTouched: -0.3,
      authorChanges: 0,
      fix: 0,
    },
  },
  deploy: { a: 0, b: 1, units: 'none' },
  hotfixDays: 30,
  baseRate: 0.1,
  corpus: [],
  fittedAt: 'provisional',
  crossValidatedAuc: null,
};
export const PRIOR_THRESHOLDS = { riskyAt: 20, waitAt: 50, blockAt: 80 } as const;
