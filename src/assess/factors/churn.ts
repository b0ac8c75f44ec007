import { listSome } from '../text.js';
import type { FactorWords, ModelView } from './model-view.js';

/** File history: how busy the changed files were lately, and how often they were fixed. */
export const CHURN = {
  id: 'churn',
  title: 'File history',
  kind: 'model',
  features: ['recentChanges', 'pastFixes', 'daysSinceTouched'],
  explain: (view: ModelView): FactorWords => ({
    summary:
      view.points > 0
        ? 'The files changed here changed often lately or were fixed before: code in flux breaks more often.'
        : 'The files changed here are not unusually busy or often fixed.',
    evidence: view.evidence,
    advice: view.points > 0 ? `Ask an owner of ${listSome(view.files(), 2)} to review.` : null,
  }),
} as const;
