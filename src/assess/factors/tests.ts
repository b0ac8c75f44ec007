import type { CoverageFacts } from '../facts.js';
import type { Factor } from '../plan-types.js';
import {
  formatRatio,
  describeRanges,
  meetsPercent,
  patchCoverage,
  type FileCoverage,
  type PatchCoverage,
} from '../coverage.js';
import { RISK_POINTS, type Context } from '../context.js';
import { byText, percent } from '../text.js';

export interface TestsFindings {
  factor: Factor;
  coverage: PatchCoverage | null;
  /** Zones below their minPatchCoverage. */
  belowMin: PatchCoverage['zones'];
}

/** Share of each file's changed lines that came from AI-assisted commits (0..1). */
function aiShareByFile(ctx: Context): Map<string, number> {
  const all = new Map<string, number>();
  const ai = new Map<string, number>();
  for (const view of ctx.commits) {
    for (const file of view.commit.files) {
      const lines = (file.added ?? 0) + (file.deleted ?? 0);
      all.set(file.path, (all.get(file.path) ?? 0) + lines);
      if (view.markers.length > 0) ai.set(file.path, (ai.get(file.path) ?? 0) + lines);
    }
  }
  return new Map([...all].map(([path, lines]) => [path, lines === 0 ? 0 : (ai.get(path) ?? 0) / lines]));
}

/**
 * Points for untested changed lines: up to 70% of the factor for the weighted share of measured lines no
 * test ran (AI-written lines weigh 1.5x), plus 30% when a zone misses its minPatchCoverage.
 */
function coveragePoints(
  files: readonly FileCoverage[],
  aiShare: ReadonlyMap<string, number>,
  zonesBelow: number,
  max: number,
  assumeCovered: ReadonlySet<string>,
): number {
  let weightedMeasured = 0;
  let weightedUncovered = 0;
  for (const file of files) {
    const weight = 1 + 0.5 * (aiShare.get(file.path) ?? 0);
    weightedMeasured += file.measured * weight;
    if (!assumeCovered.has(file.path)) weightedUncovered += (file.measured - file.covered) * weight;
  }
  const base = weightedMeasured === 0 ? 0 : (0.7 * max * weightedUncovered) / weightedMeasured;
  return Math.round(Math.min(max, base + (zonesBelow > 0 ? 0.3 * max : 0)));
}

function noData(ctx: Context, max: number, summary: string, evidence: string[], advice: string): Factor {
  const riskyZone = ctx.zones.some((touch) => touch.risk >= RISK_POINTS.high);
  const points = Math.round(max * (riskyZone ? 0.8 : 0.5));
  return {
    id: TESTS.id,
    title: TESTS.title,
    max,
    points,
    summary,
    evidence: [
      ...evidence,
      ...(riskyZone
        ? ['the change touches a high or critical risk zone, so missing test evidence weighs more']
        : []),
    ],
    advice,
    savings: points,
  };
}

/** The zones touched, with their changed code files (what patch coverage is counted over). */
function zoneFiles(ctx: Context): Array<{ zone: Context['zones'][number]['zone']; files: string[] }> {
  const codePaths = new Set(ctx.codeFiles.map((file) => file.path));
  return ctx.zones.map((touch) => ({
    zone: touch.zone,
    files: touch.files.filter((path) => codePaths.has(path)),
  }));
}

/**
 * Zones whose minPatchCoverage is not shown to be met: below it, or with changed lines no usable
 * report measures (no evidence is not a pass, whether no report, a stale one, or one that skips them).
 */
function zonesBelowMin(zones: PatchCoverage['zones']): PatchCoverage['zones'] {
  return zones.filter(
    (zone) => zone.min !== null && (zone.meetsMin === false || (zone.meetsMin === null && zone.changed > 0)),
  );
}

/** The points left once the given files' changed lines are covered (zones re-checked with them covered). */
function pointsIfCovered(
  ctx: Context,
  result: PatchCoverage,
  top: readonly FileCoverage[],
  aiShare: ReadonlyMap<string, number>,
  max: number,
): number {
  const covered = new Set(top.map((file) => file.path));
  const afterFiles = result.files.map((file) =>
    covered.has(file.path) ? { ...file, covered: file.measured } : file,
  );
  const afterBelow = result.zones.filter((zone) => {
    if (zone.min === null) return false;
    const zoneFiles = ctx.zones.find((touch) => touch.zone.name === zone.name)?.files ?? [];
    const inZone = afterFiles.filter((file) => zoneFiles.includes(file.path));
    const value = {
      covered: inZone.reduce((n, f) => n + f.covered, 0),
      measured: inZone.reduce((n, f) => n + f.measured, 0),
      ratio: null,
    };
    return meetsPercent(value, zone.min) === false;
  }).length;
  return coveragePoints(afterFiles, aiShare, afterBelow, max, covered);
}

/** No coverage report, or none usable: nothing shows the changed lines ran under test. */
function noUsableReport(
  ctx: Context,
  max: number,
  coverage: CoverageFacts | null,
  codeLines: number,
): TestsFindings {
  const tried =
    coverage?.reports.map(
      (report) => `${report.path}: ${report.status}${report.message === null ? '' : ` (${report.message})`}`,
    ) ?? [];
  return {
    factor: noData(
      ctx,
      max,
      tried.length === 0
        ? 'No coverage data: nothing shows that the changed lines ran under test.'
        : 'No usable coverage report: nothing shows that the changed lines ran under test.',
      [`${codeLines} added or changed code line(s) without coverage evidence`, ...tried],
      'Run the tests with coverage for this commit and pass the report (--coverage coverage/lcov.info, or coverage.reports in the policy).',
    ),
    coverage: null,
    belowMin: zonesBelowMin(patchCoverage(ctx.codeFiles, new Map(), zoneFiles(ctx)).zones),
  };
}

/** Patch coverage: the changed lines no test ran, and zones below their minPatchCoverage (plan only). */
export const TESTS = {
  id: 'tests',
  title: 'Test evidence',
  kind: 'policy',
  assess: (evidence: { ctx: Context; coverage: CoverageFacts | null }) =>
    testsFactor(evidence.ctx, evidence.coverage),
} as const;

export function testsFactor(ctx: Context, coverage: CoverageFacts | null): TestsFindings {
  const max = ctx.weights.tests;
  const codeLines = ctx.codeFiles.reduce((sum, file) => sum + (file.added ?? 0), 0);
  if (codeLines === 0) {
    return {
      factor: {
        id: TESTS.id,
        title: TESTS.title,
        max,
        points: 0,
        summary: 'No code lines were added or changed, so there is nothing to test.',
        evidence: [],
        advice: null,
        savings: 0,
      },
      coverage: null,
      belowMin: [],
    };
  }
  const usable = coverage?.reports.filter((report) => report.status === 'ok') ?? [];
  if (coverage === null || usable.length === 0) return noUsableReport(ctx, max, coverage, codeLines);

  const result = patchCoverage(ctx.codeFiles, coverage.lines, zoneFiles(ctx));
  if (result.patch.measured === 0) {
    return {
      factor: noData(
        ctx,
        max,
        `The coverage report(s) measure none of the ${codeLines} changed code line(s): patch coverage is n/a.`,
        usable.map(
          (report) =>
            `${report.path} (${report.format ?? '?'}): ${report.matched} of ${report.files} file(s) matched the repository`,
        ),
        'Make sure the report comes from a test run of this commit and covers the changed files (coverage.pathMap maps foreign paths).',
      ),
      coverage: result,
      belowMin: zonesBelowMin(result.zones),
    };
  }

  const aiShare = aiShareByFile(ctx);
  // A zone with a minimum whose changed lines no report measures has no evidence: that is not a pass.
  const belowMin = zonesBelowMin(result.zones);
  const points = coveragePoints(result.files, aiShare, belowMin.length, max, new Set());
  const gaps = result.files
    .filter((file) => file.uncovered.length > 0)
    .sort((a, b) => b.measured - b.covered - (a.measured - a.covered) || byText(a.path, b.path));
  const top = gaps.slice(0, 3);
  // What covering the three largest gaps would save.
  const after = pointsIfCovered(ctx, result, top, aiShare, max);
  return {
    factor: {
      id: TESTS.id,
      title: TESTS.title,
      max,
      points,
      summary:
        `Patch coverage ${formatRatio(result.patch)}: ${result.patch.covered} of ${result.patch.measured} measured changed line(s) ran under test` +
        (belowMin.length > 0 ? `; ${belowMin.map((z) => z.name).join(', ')} below minPatchCoverage.` : '.'),
      evidence: [
        ...belowMin.map((zone) =>
          zone.measured === 0
            ? `zone ${zone.name}: no report measures its ${zone.changed} changed line(s), so its minimum ${zone.min ?? 0}% is not shown to be met`
            : `zone ${zone.name}: ${zone.covered} of ${zone.measured} changed lines covered (${formatRatio(zone)}), below its minimum ${zone.min ?? 0}%`,
        ),
        ...gaps
          .slice(0, 5)
          .map(
            (file) =>
              `untested: ${describeRanges(file.path, file.uncovered)}${(aiShare.get(file.path) ?? 0) > 0 ? ` (${percent(aiShare.get(file.path) ?? 0)} AI-written)` : ''}`,
          ),
        ...(gaps.length > 5 ? [`+${gaps.length - 5} more files with untested changed lines`] : []),
        `reports: ${usable.map((report) => `${report.path} (${report.format ?? '?'})`).join(', ')}`,
      ],
      advice:
        top.length > 0
          ? `Cover ${top.map((file) => describeRanges(file.path, file.uncovered, 2)).join('; ')} with tests.`
          : null,
      savings: Math.max(0, points - after),
    },
    coverage: result,
    belowMin,
  };
}
