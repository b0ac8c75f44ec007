import type { LineageReport } from '../assess/lineage-types.js';

/** `deployadvisor.lineage/1`: the report as built (its arrays are already in a stable order). */
export function renderLineageJson(report: LineageReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
