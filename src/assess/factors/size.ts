import type { Factor } from '../plan-types.js';
import { lineCount, type Context } from '../context.js';
import { byText, listSome, thousands } from '../text.js';
import type { FactorWords, ModelView } from './model-view.js';

function scaled(value: number, full: number): number {
  return Math.min(1, Math.log10(1 + value) / Math.log10(1 + full));
}

export interface SizeMeasures {
  added: number;
  deleted: number;
  files: number;
  directories: number;
  subsystems: number;
  /** Normalised change entropy (0 = one file, 1 = spread evenly over all files). */
  entropy: number;
}

/** The classic just-in-time defect-prediction features of a change (Kamei et al.). */
export function sizeMeasures(
  files: ReadonlyArray<{ path: string; added: number | null; deleted: number | null }>,
): SizeMeasures {
  const dirs = new Set(files.map((file) => file.path.split('/').slice(0, -1).join('/')));
  const subsystems = new Set(files.map((file) => (file.path.includes('/') ? file.path.split('/')[0] : '.')));
  const total = files.reduce((sum, file) => sum + lineCount(file), 0);
  let entropy = 0;
  if (files.length > 1 && total > 0) {
    for (const file of files) {
      const p = lineCount(file) / total;
      if (p > 0) entropy -= p * Math.log2(p);
    }
    entropy /= Math.log2(files.length);
  }
  return {
    added: files.reduce((sum, file) => sum + (file.added ?? 0), 0),
    deleted: files.reduce((sum, file) => sum + (file.deleted ?? 0), 0),
    files: files.length,
    directories: dirs.size,
    subsystems: subsystems.size,
    entropy,
  };
}

/** Raw size points out of 20, before scaling to the factor's weight. */
export function sizePoints(m: SizeMeasures): number {
  return (
    10 * scaled(m.added, 2000) +
    2 * scaled(m.deleted, 2000) +
    3 * scaled(m.files, 50) +
    2 * Math.min(1, Math.max(0, m.directories - 1) / 9) +
    3 * (m.files > 1 ? m.entropy : 0)
  );
}

/**
 * Size and diffusion: the model's size features (their weight scales them around an ordinary change),
 * described by the change's own measures.
 */
export const SIZE = {
  id: 'size',
  title: 'Size & diffusion',
  kind: 'model',
  features: ['codeFiles', 'linesAdded', 'linesDeleted', 'entropy', 'directories'],
  measure: (commit: { ctx: Context }) => sizeFactor(commit.ctx).points,
  explain: (view: ModelView): FactorWords => {
    const own = sizeFactor(view.ctx);
    return {
      summary: own.summary,
      evidence: [...own.evidence, ...view.evidence],
      advice:
        view.points > 0 && view.commits > 1
          ? `Deploy in smaller steps: ${view.commits} commits ship together here.`
          : view.points > 0
            ? 'Ship it in smaller pieces: it changes more code than most changes here.'
            : null,
    };
  },
} as const;

export function sizeFactor(ctx: Context): Factor {
  const max = ctx.weights.size;
  const m = sizeMeasures(ctx.codeFiles);
  const points = Math.round((sizePoints(m) * max) / 20);
  const halved = Math.round(
    (sizePoints({ ...m, added: m.added / 2, deleted: m.deleted / 2, files: Math.ceil(m.files / 2) }) * max) /
      20,
  );
  const savings = Math.max(0, points - halved);
  const lowRisk = ctx.facts.diff.length - ctx.codeFiles.length;
  const biggest = [...ctx.codeFiles].sort((a, b) => lineCount(b) - lineCount(a) || byText(a.path, b.path));
  return {
    id: SIZE.id,
    title: SIZE.title,
    max,
    points,
    summary:
      ctx.facts.diff.length === 0
        ? 'Nothing changes: the target has the same files as the base.'
        : m.files === 0
          ? 'No code changed (only low-risk files such as docs).'
          : `+${thousands(m.added)} −${thousands(m.deleted)} lines in ${m.files} file(s) across ${m.directories} director${m.directories === 1 ? 'y' : 'ies'}.`,
    evidence: [
      `lines added ${m.added}, deleted ${m.deleted}; files ${m.files}; directories ${m.directories}; subsystems ${m.subsystems}; entropy ${m.entropy.toFixed(2)}`,
      ...(biggest.length > 0
        ? [
            `largest: ${listSome(biggest.map((f) => `${f.path} (+${f.added ?? 'bin'} −${f.deleted ?? 'bin'})`))}`,
          ]
        : []),
      ...(lowRisk > 0 ? [`${lowRisk} low-risk file(s) (docs, images) not counted`] : []),
    ],
    advice:
      savings > 0
        ? 'Deploy in smaller steps: the figure is what shipping half of this change at a time saves on each half.'
        : null,
    savings,
  };
}
