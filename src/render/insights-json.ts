import type { Insights } from '../assess/insights-types.js';

export function renderInsightsJson(insights: Insights): string {
  return `${JSON.stringify(insights, null, 2)}\n`;
}
