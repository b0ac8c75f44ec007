/** Markdown escaping shared by the renderers that write markdown (PR comments, step summaries). */

/**
 * Text for a paragraph or list item: `<` and `>` as entities, so GitHub shows a zone named `<x>` instead of
 * swallowing it as HTML; code spans are left alone (entities would show there literally).
 */
export function mdInline(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replaceAll('<', '&lt;').replaceAll('>', '&gt;')))
    .join('');
}

/** Text for a table cell: also no column breaks (GitHub unescapes `\|` even inside code spans in tables). */
export function mdCell(text: string): string {
  return mdInline(text).replaceAll('|', '\\|');
}

/** Text inside a code span: HTML is not rendered there, but a backtick would end the span. */
export function mdCode(text: string): string {
  return `\`${text.replaceAll('`', "'").replace(/\r?\n/g, ' ')}\``;
}
