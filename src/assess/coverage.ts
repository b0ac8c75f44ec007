import type { DiffFile } from './facts.js';
import type { RiskZone } from '../config/schema.js';

/** Line hits for a file (line → count), as collected from the reports. */
export type LineHitMap = ReadonlyMap<number, number>;

export interface Ratio {
  covered: number;
  measured: number;
  /** covered / measured, or null when nothing is measurable (never 100% by default). */
  ratio: number | null;
}

export interface FileCoverage extends Ratio {
  path: string;
  /** Lines added or changed in the range. */
  changed: number;
  /** Changed lines the reports measure but no test ran, as inclusive ranges. */
  uncovered: Array<[number, number]>;
}

export interface ZoneCoverage extends Ratio {
  name: string;
  /** Lines added or changed in the zone's files. */
  changed: number;
  min: number | null;
  /** Whether the zone meets minPatchCoverage, compared on the exact ratio; null when n/a. */
  meetsMin: boolean | null;
}

export interface PatchCoverage {
  patch: Ratio;
  files: FileCoverage[];
  zones: ZoneCoverage[];
}

export function ratioOf(covered: number, measured: number): Ratio {
  return { covered, measured, ratio: measured === 0 ? null : covered / measured };
}

/** covered/measured ≥ percent/100, without floating point: 79.95% never passes 80. */
export function meetsPercent(value: Ratio, percent: number): boolean | null {
  if (value.measured === 0) return null;
  return value.covered * 100 >= percent * value.measured;
}

function toRanges(lines: readonly number[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const line of lines) {
    const last = ranges[ranges.length - 1];
    if (last !== undefined && last[1] + 1 === line) last[1] = line;
    else ranges.push([line, line]);
  }
  return ranges;
}

/**
 * Patch coverage: over the lines added or changed in the range that a report measures, how many ran.
 * Per file, per risk zone (files matched by its globs) and overall.
 */
export function patchCoverage(
  files: readonly DiffFile[],
  hits: ReadonlyMap<string, LineHitMap>,
  zones: ReadonlyArray<{ zone: RiskZone; files: readonly string[] }>,
): PatchCoverage {
  const perFile: FileCoverage[] = [];
  for (const file of files) {
    if (file.addedRanges.length === 0) continue;
    const lineHits = hits.get(file.path);
    let covered = 0;
    let measured = 0;
    let changed = 0;
    const uncovered: number[] = [];
    for (const [start, end] of file.addedRanges) {
      for (let line = start; line <= end; line++) {
        changed += 1;
        const count = lineHits?.get(line);
        if (count === undefined) continue;
        measured += 1;
        if (count > 0) covered += 1;
        else uncovered.push(line);
      }
    }
    perFile.push({ path: file.path, changed, ...ratioOf(covered, measured), uncovered: toRanges(uncovered) });
  }
  const byPath = new Map(perFile.map((file) => [file.path, file]));
  const sum = (list: readonly FileCoverage[]) =>
    ratioOf(
      list.reduce((n, f) => n + f.covered, 0),
      list.reduce((n, f) => n + f.measured, 0),
    );
  return {
    patch: sum(perFile),
    files: perFile,
    zones: zones.map(({ zone, files: zoneFiles }) => {
      const value = sum(zoneFiles.flatMap((path) => byPath.get(path) ?? []));
      const min = zone.minPatchCoverage ?? null;
      const changed = zoneFiles.reduce((n, path) => n + (byPath.get(path)?.changed ?? 0), 0);
      return {
        name: zone.name,
        changed,
        ...value,
        min,
        meetsMin: min === null ? null : meetsPercent(value, min),
      };
    }),
  };
}

/** "src/a.ts 40–58, 61" */
export function describeRanges(path: string, ranges: ReadonlyArray<[number, number]>, limit = 4): string {
  const shown = ranges.slice(0, limit).map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`));
  const more = ranges.length > limit ? ` (+${ranges.length - limit} more)` : '';
  return `${path} ${shown.join(', ')}${more}`;
}

/** "80.00%" or "n/a", truncated to two decimals with integer arithmetic: 79.999% never reads as 80%. */
export function formatRatio(value: Pick<Ratio, 'covered' | 'measured'>): string {
  if (value.measured === 0) return 'n/a';
  const hundredths = Math.floor((value.covered * 10_000) / value.measured);
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}%`;
}
