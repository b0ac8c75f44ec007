import Table from 'cli-table3';

/** The one table renderer: plain borders, wrapped cells, fits 80 columns. */
export function renderTable(head: string[], rows: string[][], widths: number[]): string {
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
