import type { FactorWords, ModelView } from './model-view.js';

/** Author experience: how many changes the authors made here before (the sign is fitted). */
export const AUTHOR = {
  id: 'author',
  title: 'Author experience',
  kind: 'model',
  features: ['authorChanges'],
  explain: (view: ModelView): FactorWords => ({
    summary:
      view.points > 0
        ? "The authors' past changes here move the estimate up (the sign is fitted, not assumed)."
        : 'The authors’ experience here does not raise the estimate.',
    evidence: view.evidence,
    advice: null,
  }),
} as const;
