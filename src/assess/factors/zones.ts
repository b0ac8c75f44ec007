import type { Factor } from '../plan-types.js';
import { type Context } from '../context.js';
import { listSome } from '../text.js';

/** The riskiest zone the change touches, plus a little for each further zone. */
export const ZONES = {
  id: 'zones',
  title: 'Risk zones',
  kind: 'policy',
  assess: (evidence: { ctx: Context }) => ({ factor: zonesFactor(evidence.ctx) }),
  measure: (commit: { ctx: Context }) => zonesFactor(commit.ctx).points,
} as const;

export function zonesFactor(ctx: Context): Factor {
  const max = ctx.weights.zones;
  const base = { id: ZONES.id, title: ZONES.title, max };
  if (ctx.policy.riskZones.length === 0) {
    return {
      ...base,
      points: 0,
      summary: 'No risk zones are configured, so no part of the code counts as riskier than another.',
      evidence: [],
      advice:
        'Declare risky paths (payments, auth, infra) under riskZones in .deployadvisor.yml; `deployadvisor init` writes a starting point.',
      savings: 0,
    };
  }
  const [top, ...rest] = ctx.zones;
  if (top === undefined) {
    return { ...base, points: 0, summary: 'Touches no risk zone.', evidence: [], advice: null, savings: 0 };
  }
  const basePoints = (max * top.risk) / 100;
  const extra = Math.min(Math.max(0, max - basePoints), 2 * rest.length);
  const points = Math.round(Math.min(max, basePoints + extra));
  const label = typeof top.zone.risk === 'number' ? `risk ${top.zone.risk}` : top.zone.risk;
  const evidence = ctx.zones.map((touch) => {
    const owners = touch.zone.owners.length > 0 ? `, owners ${touch.zone.owners.join(' ')}` : '';
    const risk = typeof touch.zone.risk === 'number' ? `risk ${touch.zone.risk}` : touch.zone.risk;
    return `${touch.zone.name} (${risk}${owners}): ${touch.files.length} file(s): ${listSome(touch.files)}`;
  });
  const savings = Math.round(extra);
  return {
    ...base,
    points,
    summary:
      rest.length === 0
        ? `Touches the ${top.zone.name} zone (${label}).`
        : `Touches ${ctx.zones.length} risk zones; the riskiest is ${top.zone.name} (${label}).`,
    evidence,
    advice:
      savings > 0
        ? `Ship the ${top.zone.name} change on its own, apart from ${rest.map((t) => t.zone.name).join(', ')}.`
        : top.zone.owners.length > 0
          ? `Zone risk cannot be lowered; have ${top.zone.owners.join(' ')} review and watch the deploy.`
          : null,
    savings,
  };
}
