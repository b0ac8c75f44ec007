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
