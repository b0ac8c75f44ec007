import Table from 'cli-table3';
import { PIPE_WIDTH } from './formats.js';

/** Columns a table of these cell widths takes, borders included. */
function tableWidth(widths: readonly number[]): number {
  return widths.reduce((sum, width) => sum + width, 0) + widths.length + 1;
}

/**
 * Cell widths for `total` columns, from widths laid out for 80: a table that fills 80 columns gives the
 * difference to (or takes it from) its widest column, the finding or the name; narrower, the columns
 * with the most room above their heading give it up one at a time. At 80 nothing changes.
 */
export function fitWidths(widths: readonly number[], head: readonly string[], total: number): number[] {
  const out = [...widths];
  const designed = tableWidth(widths);
  const delta = total - PIPE_WIDTH;
  if (delta === 0) return out;
  if (delta > 0) {
    if (designed < PIPE_WIDTH - 4) return out;
    const widest = out.indexOf(Math.max(...out));
    out[widest] = (out[widest] ?? 0) + delta;
    return out;
  }
  const target = Math.min(total, designed + delta);
  const floor = widths.map((width, i) => Math.min(width, Math.max(6, (head[i]?.length ?? 0) + 2)));
  while (tableWidth(out) > target) {
    let best = -1;
    let room = 0;
    out.forEach((width, i) => {
      if (width - (floor[i] ?? width) > room) {
        best = i;
        room = width - (floor[i] ?? width);
      }
    });
    if (best === -1) break;
    out[best] = (out[best] ?? 0) - 1;
  }
  return out;
}

/** The one table renderer: plain borders, wrapped cells, laid out for 80 columns and fitted to `total`. */
export function renderTable(
  head: string[],
  rows: string[][],
  designed: number[],
  total: number = PIPE_WIDTH,
): string {
  const widths = fitWidths(designed, head, total);
  const table = new Table({
    head,
    colWidths: widths,
    wordWrap: true,
    wrapOnWordBoundary: true,
    style: { head: [], border: [], compact: false },
  });
  for (const row of rows) table.push(row.map((cell, i) => breakLongWords(cell, widths[i])));
  return table.toString();
}

/** Characters as a reader counts them: an emoji or an accented letter is not cut in two. */
const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Hard-breaks every word too long for its cell: cli-table3 wraps only at spaces and cuts a longer word
 * short with "…" (a source name, a PromQL query), so a reader never saw the whole of it.
 */
function breakLongWords(cell: string, width: number | undefined): string {
  if (width === undefined) return cell;
  const room = Math.max(1, width - 2);
  return cell
    .split('\n')
    .map((line) =>
      line
        .split(' ')
        .map((word) => {
          // Code units are at least as many as characters: most words are settled without segmenting.
          if (word.length <= room) return word;
          const chars = Array.from(GRAPHEMES.segment(word), (part) => part.segment);
          if (chars.length <= room) return word;
          const pieces: string[] = [];
          for (let at = 0; at < chars.length; at += room) pieces.push(chars.slice(at, at + room).join(''));
          return pieces.join('\n');
        })
        .join(' '),
    )
    .join('\n');
}

/**
 * A path or name for a table cell `width` columns wide: broken after `/` (or hard, for a long segment)
 * onto several lines, because the table wraps only at spaces and would cut it short.
 */
export function breakName(text: string, width: number): string {
  const room = Math.max(4, width - 2);
  if (text.length <= room) return text;
  const lines: string[] = [];
  let line = '';
  for (const part of text.split(/(?<=\/)/)) {
    if (line !== '' && line.length + part.length > room) {
      lines.push(line);
      line = '';
    }
    line += part;
    while (line.length > room) {
      lines.push(line.slice(0, room));
      line = line.slice(room);
    }
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}
