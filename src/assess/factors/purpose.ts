import type { FactorWords, ModelView } from './model-view.js';

/** Change purpose: a commit that says it fixes something. */
export const PURPOSE = {
  id: 'purpose',
  title: 'Change purpose',
  kind: 'model',
  features: ['fix'],
  explain: (view: ModelView): FactorWords => ({
    summary:
      view.points > 0
        ? 'Some commits say they fix something; such changes are followed by more fixes here.'
        : 'The commits’ stated purpose does not raise the estimate.',
    evidence: [],
    advice: null,
  }),
} as const;
