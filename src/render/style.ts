/** Colour is a capability handed to renderers; the CLI decides (TTY, NO_COLOR, --no-color). */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  cyan(text: string): string;
}

const same = (text: string) => text;
export const PLAIN: Style = { bold: same, dim: same, red: same, yellow: same, green: same, cyan: same };

/** "4h 12m", "35m", "2d 3h": durations a person reads at a glance. */
export function formatDuration(minutes: number): string {
  const m = Math.max(0, Math.round(minutes));
  const days = Math.floor(m / 1440);
  const hours = Math.floor((m % 1440) / 60);
  const rest = m % 60;
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return rest > 0 ? `${hours}h ${rest}m` : `${hours}h`;
  return `${rest}m`;
}

/** Word-wraps one line to `width` columns; continuation lines get `indent`. Words longer than a line stay whole. */
export function wrap(text: string, width: number, indent: string): string {
  const lead = /^\s*/.exec(text)?.[0] ?? '';
  const lines: string[] = [];
  let line = lead;
  for (const word of text.slice(lead.length).split(' ')) {
    const candidate = line.trim() === '' ? `${line}${word}` : `${line} ${word}`;
    if (visibleLength(candidate) > width && line.trim() !== '') {
      lines.push(line.trimEnd());
      line = `${indent}${word}`;
    } else {
      line = candidate;
    }
  }
  lines.push(line);
  return lines.join('\n');
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Columns a string takes on a terminal, ignoring colour codes. */
export function visibleLength(text: string): number {
  // Astral characters (emoji) count once, as a terminal shows them.
  return text.replace(ANSI, '').replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '_').length;
}

/** Wraps every line of a block that is wider than `width`, keeping its indentation (tables are left alone). */
export function wrapBlock(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => {
      // Box-drawing ┌ │ ├ └, the middle dot · and the minus sign −, escaped: the bundle stays ASCII.
      if (/^[\u250c\u2502\u251c\u2514]/.test(line) || visibleLength(line) <= width) return line;
      const indent = /^\s*(?:[-\u00b7\d.]+\s+|\u2212\d+\s+)?/.exec(line)?.[0].length ?? 0;
      return wrap(line, width, ' '.repeat(Math.min(indent, 12)));
    })
    .join('\n');
}

/** The "Diagnostics" section of a text report (nothing when there are none), ending with a blank line. */
export function diagnosticsSection(
  diagnostics: ReadonlyArray<{ level: string; message: string; remedy?: string | undefined }>,
  style: Style,
): string[] {
  if (diagnostics.length === 0) return [];
  return [
    style.bold('Diagnostics'),
    ...diagnostics.map(
      (d) =>
        `  ${d.level === 'info' ? style.dim(d.level) : style.yellow(d.level)}  ${d.message}${d.remedy === undefined ? '' : ` Remedy: ${d.remedy}`}`,
    ),
    '',
  ];
}
