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
  for (const row of rows) table.push(row);
  return table.toString();
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
