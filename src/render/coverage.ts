import type { PlanCoverage } from '../assess/plan-types.js';
import { describeRanges, formatRatio } from '../assess/coverage.js';

/** The coverage section as plain lines (text and markdown share it). */
export function coverageLines(coverage: PlanCoverage): string[] {
  const lines: string[] = [];
  if (coverage.status === 'none')
    return ['no coverage report found (pass --coverage <file> or set coverage.reports)'];
  for (const report of coverage.reports) {
    lines.push(
      `report ${report.path} (${report.format ?? 'unknown format'}): ${report.status}, ${report.matched} of ${report.files} file(s) matched${report.message === null ? '' : `; ${report.message}`}`,
    );
  }
  if (coverage.patch !== null) {
    lines.push(
      `patch coverage ${formatRatio(coverage.patch)}: ${coverage.patch.covered} of ${coverage.patch.measured} measured changed line(s) covered`,
    );
  }
  for (const zone of coverage.zones) {
    const min =
      zone.min === null
        ? ''
        : `, minimum ${zone.min}%${zone.meetsMin === false ? ' — BELOW' : zone.meetsMin === true ? ' — met' : ''}`;
    lines.push(`zone ${zone.name}: ${formatRatio(zone)} (${zone.covered}/${zone.measured})${min}`);
  }
  for (const file of coverage.files.filter((f) => f.uncovered.length > 0).slice(0, 8)) {
    lines.push(`untested ${describeRanges(file.path, file.uncovered)}`);
  }
  return lines;
}
