export type { CoverageFormat } from '../../assess/facts.js';

/** Line number → hit count for one source file. Present means measured; a count above 0 means covered. */
export type LineHits = Map<number, number>;

/**
 * Where a reader delivers what it reads. `file` is called when a report names a source file; it returns
 * the map to add hits to, or null when that file is not wanted (keeps memory bounded on huge reports).
 */
export interface CoverageSink {
  file(reportPath: string): LineHits | null;
  /** Cobertura `<source>` roots and similar, in report order. */
  addRoot(root: string): void;
}

/** A report that could not be read: the reader's own diagnostic, never an exception. */
export class CoverageReadError extends Error {
  constructor(
    readonly report: string,
    message: string,
  ) {
    super(`${report}: ${message}`);
    this.name = 'CoverageReadError';
  }
}

/**
 * How deep XML elements may nest (Cobertura nests 7 in a class, JaCoCo a few groups): an XML parser holds
 * every open element, so a report of millions of nested tags would cost gigabytes.
 */
export const MAX_XML_DEPTH = 256;

/** An XML attribute as a number; missing or empty is NaN (not measured), never 0. */
export function attrNumber(value: string | undefined): number {
  return value === undefined || value.trim() === '' ? NaN : Number(value);
}

/**
 * Adds a line's count. A line without a usable count is not measured. Negative counts (gcov counter
 * overflow) mean the line ran, as diff-cover reads them.
 */
export function addHits(lines: LineHits, line: number, hits: number): void {
  if (!Number.isInteger(line) || line < 1 || !Number.isFinite(hits)) return;
  lines.set(line, (lines.get(line) ?? 0) + (hits < 0 ? 1 : hits));
}
