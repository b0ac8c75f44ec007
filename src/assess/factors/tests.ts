import type { Factor } from '../plan-types.js';
import { RISK_POINTS, type Context } from '../context.js';

/** Until coverage reports are read, missing test evidence is a finding with its own points. */
export function testsFactor(ctx: Context): Factor {
  const max = ctx.weights.tests;
  const codeLines = ctx.codeFiles.reduce((sum, file) => sum + (file.added ?? 0), 0);
  const base = { id: 'tests', title: 'Test evidence', max };
  if (codeLines === 0) {
    return {
      ...base,
      points: 0,
      summary: 'No code lines were added or changed, so there is nothing to test.',
      evidence: [],
      advice: null,
      savings: 0,
    };
  }
  const riskyZone = ctx.zones.some((touch) => touch.risk >= RISK_POINTS.high);
  const points = Math.round(max * (riskyZone ? 0.8 : 0.5));
  return {
    ...base,
    points,
    summary: 'No coverage data: nothing shows that the changed lines ran under test.',
    evidence: [
      `${codeLines} added or changed code line(s) without coverage evidence`,
      ...(riskyZone
        ? ['the change touches a high or critical risk zone, so missing test evidence weighs more']
        : []),
    ],
    advice: 'Show that tests ran the changed lines (a coverage report for this commit).',
    savings: points,
  };
}
