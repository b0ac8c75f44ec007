import { request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { redact } from '../ledger/record.js';
import { systemClock, type Clock } from './clock.js';

/**
 * The one HTTP client wrapper (SPEC 4.5). Every endpoint call goes through `HttpClient.getJson`:
 * - a per-request timeout and ONE overall deadline shared by every call the client makes;
 * - bounded retries with exponential backoff on network errors, timeouts, 5xx and 429;
 * - `retry-after` and rate-limit reset headers honoured, but only while they fit in the deadline;
 * - redirects followed by hand, and credentials (`auth` headers) sent only to the original origin;
 * - the body size capped and the JSON validated with a zod schema.
 * Outcomes are data: nothing here throws for a network or server problem.
 */

export interface HttpClientOptions {
  /** Per-request timeout in ms (each attempt, each redirect hop). */
  timeoutMs?: number;
  /** Overall deadline in ms from the client's creation: no attempt or wait runs past it. */
  deadlineMs?: number;
  /** Retries after the first attempt. */
  retries?: number;
  /** First backoff in ms; doubles per retry (with jitter up to +50%). */
  backoffMs?: number;
  /** Largest response body read, in bytes. */
  maxBytes?: number;
  /** undici dispatcher: tests pass a MockAgent; production uses undici's global one. */
  dispatcher?: Dispatcher;
  /** Time and waiting (monotonic deadlines, the wall clock for rate-limit resets, backoff sleeps); tests pass their own. */
  clock?: Clock;
}

export interface JsonRequest<T> {
  url: string;
  method?: 'GET' | 'POST' | 'PATCH';
  /** Ordinary headers, sent on every hop. */
  headers?: Record<string, string>;
  /** Credential headers (Authorization, PRIVATE-TOKEN, DD-API-KEY, ...): never sent to another origin. */
  auth?: Record<string, string>;
  body?: string;
  schema: z.ZodType<T>;
}

export type HttpFailure = 'timeout' | 'deadline' | 'network' | 'http' | 'invalid' | 'redirect';

export type HttpResult<T> =
  | {
      ok: true;
      value: T;
      status: number;
      /** The response's headers (pagination's `link`). */
      headers: Record<string, string | string[] | undefined>;
      attempts: number;
      latencyMs: number;
    }
  | {
      ok: false;
      failure: HttpFailure;
      /** One plain sentence: what went wrong, with the URL (never a credential). */
      reason: string;
      status: number | null;
      attempts: number;
      latencyMs: number;
    };

export interface HttpClient {
  getJson<T>(req: JsonRequest<T>): Promise<HttpResult<T>>;
  /** Milliseconds left before the overall deadline. */
  remainingMs(): number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 5;

/** Strips query strings and user info from a URL before it goes into a message. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** The most of a server's own words that goes into a message. */
const MAX_SERVER_TEXT = 200;

/**
 * Text a server wrote (an error body, an `error` field, a network error) for a message: credentials
 * redacted as in the ledger, one line, at most MAX_SERVER_TEXT characters. Control characters are the
 * renderers' business (render/safe-text), as for every other string.
 */
export function serverText(text: string): string {
  // Redacted before it is cut short, so a cut cannot leave half a token unrecognised.
  const line = redact(text.slice(0, 16 * MAX_SERVER_TEXT))
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > MAX_SERVER_TEXT ? `${line.slice(0, MAX_SERVER_TEXT - 1)}…` : line;
}

/** What an error response says, from its JSON `error`/`message` (GitHub, Prometheus, ...) or its text. */
function errorExcerpt(text: string): string {
  let said = text;
  try {
    const json = JSON.parse(text) as unknown;
    if (json !== null && typeof json === 'object') {
      const { error, message } = json as { error?: unknown; message?: unknown };
      said = typeof error === 'string' ? error : typeof message === 'string' ? message : '';
    }
  } catch {
    // Not JSON: the text itself, unless it is a page of HTML.
    if (/^\s*</.test(text)) said = '';
  }
  const excerpt = serverText(said);
  return excerpt === '' ? '' : `: ${excerpt}`;
}

/**
 * How long a server asks us to wait, in ms, or null: `retry-after` (seconds or an HTTP date), or the
 * rate-limit reset of GitHub (`x-ratelimit-reset`, epoch seconds) and GitLab/IETF (`ratelimit-reset`)
 * when the remaining budget is 0.
 */
export function requestedWaitMs(
  headers: Record<string, string | string[] | undefined>,
  wallNow: number,
): number | null {
  const header = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const retryAfter = header('retry-after');
  if (retryAfter !== undefined) {
    const trimmed = retryAfter.trim();
    if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
    const at = Date.parse(trimmed);
    if (!Number.isNaN(at)) return Math.max(0, at - wallNow);
  }
  const remaining = header('x-ratelimit-remaining') ?? header('ratelimit-remaining');
  const reset = header('x-ratelimit-reset') ?? header('ratelimit-reset');
  if (remaining?.trim() === '0' && reset !== undefined && /^\d+$/.test(reset.trim())) {
    const value = Number(reset.trim());
    // Epoch seconds (GitHub, GitLab) or, when small, delta seconds (IETF RateLimit headers).
    return value > 1_000_000_000 ? Math.max(0, value * 1000 - wallNow) : value * 1000;
  }
  return null;
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function retryable(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

type Attempt =
  | { kind: 'response'; status: number; headers: Record<string, string | string[] | undefined>; text: string }
  | {
      kind: 'failure';
      failure: HttpFailure;
      reason: string;
      status: number | null;
      retry: boolean;
      waitMs: number | null;
    };

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const clock = options.clock ?? systemClock;
  const now = () => clock.monotonic();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadlineAt = now() + (options.deadlineMs ?? DEFAULT_TIMEOUT_MS);
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 250;
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const remainingMs = () => Math.max(0, deadlineAt - now());

  /** One request, following redirects; the auth headers go only to the first origin. */
  async function attempt<T>(req: JsonRequest<T>): Promise<Attempt> {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return {
        kind: 'failure',
        failure: 'network',
        reason: `invalid URL "${req.url}"`,
        status: null,
        retry: false,
        waitMs: null,
      };
    }
    const origin = url.origin;
    let method = req.method ?? 'GET';
    let body = req.body;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return {
          kind: 'failure',
          failure: 'redirect',
          reason: `refused to follow a redirect to ${url.protocol} URL`,
          status: null,
          retry: false,
          waitMs: null,
        };
      }
      const budget = Math.min(timeoutMs, remainingMs());
      if (budget <= 0) {
        return {
          kind: 'failure',
          failure: 'deadline',
          reason: `the overall deadline passed before ${displayUrl(url.href)} answered`,
          status: null,
          retry: false,
          waitMs: null,
        };
      }
      const deadlineBound = budget < timeoutMs;
      const controller = new AbortController();
      const timer = setTimeout(() => {
        controller.abort();
      }, budget);
      try {
        const headers: Record<string, string> = {
          accept: 'application/json',
          'user-agent': 'deployadvisor',
          ...req.headers,
        };
        if (url.origin === origin) Object.assign(headers, req.auth);
        const response = await request(url, {
          method,
          headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
          body,
          signal: controller.signal,
          ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
        });
        if (isRedirect(response.statusCode)) {
          await response.body.dump();
          const location = response.headers.location;
          const target = Array.isArray(location) ? location[0] : location;
          if (target === undefined) {
            return {
              kind: 'failure',
              failure: 'redirect',
              reason: `${displayUrl(url.href)} answered ${response.statusCode} without a Location`,
              status: response.statusCode,
              retry: false,
              waitMs: null,
            };
          }
          url = new URL(target, url);
          if (
            response.statusCode === 303 ||
            ((response.statusCode === 301 || response.statusCode === 302) && method === 'POST')
          ) {
            method = 'GET';
            body = undefined;
          }
          continue;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of response.body) {
          const buffer = chunk as Buffer;
          size += buffer.length;
          if (size > maxBytes) {
            controller.abort();
            return {
              kind: 'failure',
              failure: 'invalid',
              reason: `${displayUrl(url.href)} sent more than ${maxBytes} bytes`,
              status: response.statusCode,
              retry: false,
              waitMs: null,
            };
          }
          chunks.push(buffer);
        }
        return {
          kind: 'response',
          status: response.statusCode,
          headers: response.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        };
      } catch (error) {
        if (controller.signal.aborted) {
          return deadlineBound
            ? {
                kind: 'failure',
                failure: 'deadline',
                reason: `the overall deadline passed while waiting for ${displayUrl(url.href)}`,
                status: null,
                retry: false,
                waitMs: null,
              }
            : {
                kind: 'failure',
                failure: 'timeout',
                reason: `${displayUrl(url.href)} did not answer within ${timeoutMs} ms`,
                status: null,
                retry: true,
                waitMs: null,
              };
        }
        const code = (error as { code?: unknown }).code;
        const message = error instanceof Error ? error.message : String(error);
        return {
          kind: 'failure',
          failure: 'network',
          reason:
            `${displayUrl(url.href)}: ${typeof code === 'string' ? `${code} ` : ''}${serverText(message)}`.trim(),
          status: null,
          retry: true,
          waitMs: null,
        };
      } finally {
        clearTimeout(timer);
      }
    }
    return {
      kind: 'failure',
      failure: 'redirect',
      reason: `more than ${MAX_REDIRECTS} redirects from ${displayUrl(req.url)}`,
      status: null,
      retry: false,
      waitMs: null,
    };
  }

  async function getJson<T>(req: JsonRequest<T>): Promise<HttpResult<T>> {
    const started = now();
    const latency = () => Math.round(now() - started);
    let attempts = 0;
    for (;;) {
      attempts++;
      let outcome = await attempt(req);
      if (outcome.kind === 'response') {
        const { status, headers, text } = outcome;
        if (status >= 200 && status < 300) {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            return {
              ok: false,
              failure: 'invalid',
              reason: `${displayUrl(req.url)} answered ${status} with a body that is not JSON`,
              status,
              attempts,
              latencyMs: latency(),
            };
          }
          const parsed = req.schema.safeParse(json);
          if (!parsed.success) {
            const issue = parsed.error.issues[0];
            const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
            return {
              ok: false,
              failure: 'invalid',
              reason: `${displayUrl(req.url)} answered in an unexpected shape${where}: ${issue?.message ?? 'invalid'}`,
              status,
              attempts,
              latencyMs: latency(),
            };
          }
          return { ok: true, value: parsed.data, status, headers, attempts, latencyMs: latency() };
        }
        const rateLimited =
          status === 429 || (status === 403 && requestedWaitMs(headers, clock.now()) !== null);
        outcome = {
          kind: 'failure',
          failure: 'http',
          reason: `${displayUrl(req.url)} answered HTTP ${status}${rateLimited ? ' (rate limited)' : ''}${errorExcerpt(text)}`,
          status,
          retry: retryable(status) || rateLimited,
          waitMs: requestedWaitMs(headers, clock.now()),
        };
      }
      const failure = outcome;
      const done = (reason = failure.reason): HttpResult<T> => ({
        ok: false,
        failure: failure.failure,
        reason: attempts > 1 ? `${reason} (after ${attempts} attempts)` : reason,
        status: failure.status,
        attempts,
        latencyMs: latency(),
      });
      if (!failure.retry || attempts > retries) return done();
      const backoff = backoffMs * 2 ** (attempts - 1) * (1 + Math.random() / 2);
      const wait = Math.max(backoff, failure.waitMs ?? 0);
      if (wait >= remainingMs()) {
        return done(
          failure.waitMs !== null && failure.waitMs >= remainingMs()
            ? `${failure.reason}; the server asks to retry in ${Math.ceil(failure.waitMs / 1000)} s, past the deadline`
            : failure.reason,
        );
      }
      await clock.sleep(wait);
    }
  }

  return { getJson, remainingMs };
}
