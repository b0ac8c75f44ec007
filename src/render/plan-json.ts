import type { Plan } from '../assess/plan-types.js';

export function renderJson(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
