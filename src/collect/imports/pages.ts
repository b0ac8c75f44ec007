import { z } from 'zod';
import { displayUrl, type HttpClient } from '../http.js';

/** Most pages one listing may take (100 items each): a server that never stops is an error, not a hang. */
export const MAX_PAGES = 100;

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The next page's URL: the `Link` header's rel="next" (GitHub, GitLab), else GitLab's `x-next-page`
 * (a page number on the current URL); null on the last page.
 */
export function nextPageUrl(headers: Headers, current: string): string | null {
  const link = header(headers, 'link');
  if (link !== undefined) {
    for (const part of link.split(/,(?=\s*<)/)) {
      const match = /^\s*<([^>]*)>(.*)$/.exec(part);
      if (match !== null && /;\s*rel\s*=\s*"?(?:[^";]*\s)?next(?:\s[^";]*)?"?/i.test(match[2] ?? '')) {
        return new URL(match[1] ?? '', current).href;
      }
    }
    return null;
  }
  const next = header(headers, 'x-next-page')?.trim();
  if (next === undefined || !/^\d+$/.test(next)) return null;
  const url = new URL(current);
  url.searchParams.set('page', next);
  return url.href;
}

/**
 * Every item of a paginated listing, following next-page links on the first URL's origin only: a
 * link to another host is refused (credentials and trust stay with the host the user named), a link
 * seen before ends the loop, and more than MAX_PAGES pages is an error.
 */
export async function allPages<T>(
  http: HttpClient,
  first: string,
  request: { headers?: Record<string, string>; auth: Record<string, string>; schema: z.ZodType<T[]> },
): Promise<{ ok: true; items: T[] } | { ok: false; reason: string }> {
  const origin = new URL(first).origin;
  const seen = new Set<string>([first]);
  const items: T[] = [];
  let url: string | null = first;
  for (let page = 1; url !== null; page++) {
    if (page > MAX_PAGES)
      return { ok: false, reason: `${displayUrl(first)} has more than ${MAX_PAGES} pages; stopped there` };
    const result = await http.getJson({ ...request, url });
    if (!result.ok) return { ok: false, reason: result.reason };
    items.push(...result.value);
    let next: string | null;
    try {
      next = nextPageUrl(result.headers, url);
    } catch {
      return { ok: false, reason: `${displayUrl(url)} sent a next-page link that is not a URL` };
    }
    if (next !== null && new URL(next).origin !== origin) {
      return {
        ok: false,
        reason: `${displayUrl(url)} sent a next-page link to another host (${new URL(next).origin}); not followed`,
      };
    }
    if (next !== null && seen.has(next)) break;
    if (next !== null) seen.add(next);
    url = next;
  }
  return { ok: true, items };
}
