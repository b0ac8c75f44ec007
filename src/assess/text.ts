/** Text helpers for messages and renderers: deterministic, locale-free, pure. */

/** Short sha for evidence lines. */
export function short(sha: string): string {
  return sha.slice(0, 10);
}

/** Lists at most `limit` items, then "+N more". */
export function listSome(items: readonly string[], limit = 3): string {
  const shown = items.slice(0, limit).join(', ');
  return items.length > limit ? `${shown}, +${items.length - limit} more` : shown;
}

export function percent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}

/** Formats 12345 as "12,345" without locale data (output must not depend on the machine). */
export function thousands(value: number): string {
  return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Orders strings by UTF-16 code units: the same on every machine, unlike `localeCompare`, whose result
 * depends on the ICU data and locale (byte-identical output needs this).
 */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An AUC with three decimals, or n/a when it is undefined (no failures, or nothing else). */
export function auc(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(3);
}
