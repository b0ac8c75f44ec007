import type { RiskPrior } from './risk-model.js';

/**
 * The shipped prior, written by scripts/train-prior.mjs on 2026-12-03 from the public histories in
 * model/corpus.json (10 repositories, 56740 changes, 6.1% reverted or hot-fixed
 * within 30 days). Leave-one-repository-out AUC, pooled: 0.784. Day units: 18254
 * (AUC 0.840); the 87th/95th/99th percentiles of their scores are 29/48/74.
 * Do not edit by hand: re-run the script.
 */
export const RISK_PRIOR: RiskPrior = {
  model: {
    intercept: -5.6152,
    coefficients: {
      codeFiles: -0.4578,
      linesAdded: 3.5606,
      linesDeleted: 0.1248,
      entropy: -0.1708,
      directories: 0.4069,
      recentChanges: 1.0185,
      pastFixes: 0.3235,
      daysSinceTouched: -0.2952,
      authorChanges: 0.0605,
      fix: 0.6643,
    },
  },
  deploy: {
    a: -0.1735,
    b: 1.0288,
    units: 'days',
  },
  hotfixDays: 30,
  baseRate: 0.0608,
  corpus: [
    {
      repo: 'expressjs/express',
      commit: 'a3714473feb3d2908add734d340e7755fd85e0a3',
    },
    {
      repo: 'fastify/fastify',
      commit: '83e69762aff047940b376fc2a266d143499ef727',
    },
    {
      repo: 'pallets/flask',
      commit: '2ac89889f4cc330eabd50f295dcef02828522c69',
    },
    {
      repo: 'psf/requests',
      commit: '1f6589ec3a1ee910f9a65cc3ceac60b26677bc0e',
    },
    {
      repo: 'tokio-rs/tokio',
      commit: 'ea91b33ca57ff0581b38e735cc108f831bccbdaa',
    },
    {
      repo: 'square/okhttp',
      commit: '1682d9bac8c03dffde2969b0b74d47649d0dbb52',
    },
    {
      repo: 'rubocop/rubocop',
      commit: '3a42c622171794510e03999c8d55129b73c5dc8f',
    },
    {
      repo: 'composer/composer',
      commit: 'eba7baa59eb1b59246cf9800b0120fe78915b6ac',
    },
    {
      repo: 'xunit/xunit',
      commit: '0f990559500aeefa24551c4bb8bdb154fe3d0c87',
    },
    {
      repo: 'caddyserver/caddy',
      commit: '0cf03d32f7d99cf160d5375e8a40fbe3d910d515',
    },
  ],
  fittedAt: '2026-12-03',
  crossValidatedAuc: 0.784,
};
