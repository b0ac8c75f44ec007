/** Markdown escaping shared by the renderers that write markdown (PR comments, step summaries). */

/**
 * A code span as CommonMark reads it: a run of n backticks (not escaped, not part of a longer run) up to
 * the next run of exactly n. What this calls code must be code to GitHub too, or HTML in it would render;
 * so a backslash before the run makes it plain text here (escaped below), never the other way round.
 */
const CODE_SPAN = /((?<![\\`])(`+)(?!`)[\s\S]*?(?<!`)\2(?!`))/;

/**
 * Text for a paragraph or list item. Outside code spans: `<`, `>` and `&` as entities, so GitHub shows a
 * zone named `<x>` instead of swallowing it as HTML; `[`, `]` and `\` backslash-escaped, so a commit
 * subject cannot make a link or image. Code spans are left alone (entities would show there literally).
 */
export function mdInline(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .split(CODE_SPAN)
    .map((part, i) => {
      // split() returns [text, span, backticks, text, span, backticks, ...].
      if (i % 3 === 1) return part;
      if (i % 3 === 2) return '';
      return part.replace(/[&<>[\]\\]/g, (char) => MD_ESCAPES[char] ?? char);
    })
    .join('');
}

const MD_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '[': '\\[',
  ']': '\\]',
  '\\': '\\\\',
};

/** Text for a table cell: also no column breaks (GitHub unescapes `\|` even inside code spans in tables). */
export function mdCell(text: string): string {
  return mdInline(text).replaceAll('|', '\\|');
}

/** Text inside a code span: HTML is not rendered there, but a backtick would end the span. */
export function mdCode(text: string): string {
  return `\`${text.replaceAll('`', "'").replace(/\r?\n/g, ' ')}\``;
}
