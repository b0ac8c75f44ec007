/** What scripts/train-prior.mjs needs from the model code, as one built entry (dist/training.cjs). */
export { fitLogistic, predictLogit } from './logistic.js';
export { rocAuc } from './stats.js';
export { aucInterval } from './backtest.js';
export { CHANGE_FEATURES } from './change-features.js';
