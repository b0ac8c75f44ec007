import type { Style } from './style.js';

/** Every output format, in the order --help lists them. */
export const FORMATS = ['text', 'json', 'markdown', 'github', 'html'] as const;
export type Format = (typeof FORMATS)[number];

/** What a renderer may know besides its value: the colours (PLAIN off a terminal) and the width. */
export interface RenderContext {
  style: Style;
  /** Columns text output may take: the terminal's, kept within 60–160; exactly 80 off a terminal. */
  width: number;
}

/** The narrowest and widest text output, whatever the terminal says. */
export const MIN_WIDTH = 60;
export const MAX_WIDTH = 160;
/** The width off a terminal (a pipe, a file, CI): output stays the same bytes wherever it runs. */
export const PIPE_WIDTH = 80;

/** The width text output takes on a terminal `columns` wide (undefined or unusable: not a terminal). */
export function outputWidth(columns: number | undefined): number {
  if (columns === undefined || !Number.isFinite(columns) || columns < 1) return PIPE_WIDTH;
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.floor(columns)));
}

/** A rendered result: what goes to stdout (or --output), and for GitHub the step summary. */
export interface Rendered {
  stdout: string;
  /** The text is our own GitHub workflow commands (annotations), which the output guard lets through. */
  workflowCommands?: boolean;
  /** Markdown for $GITHUB_STEP_SUMMARY (format github). */
  summary?: string;
}

/** Renders one result type in one format; may load its module lazily. */
export type Renderer<T> = (value: T, context: RenderContext) => Rendered | Promise<Rendered>;

/**
 * The formats a result type supports, by name: a command supports exactly its table's keys. Declare
 * with `satisfies RendererTable<T>` so the keys stay literal.
 */
export type RendererTable<T> = Partial<Record<Format, Renderer<T>>>;

/** The formats of a renderer table, in FORMATS order. */
export function formatsOf(table: RendererTable<never>): Format[] {
  return FORMATS.filter((format) => table[format] !== undefined);
}
