import type { Dispatcher } from 'undici';
import { systemClock, type Clock } from './clock.js';
import {
  attempt,
  displayUrl,
  serverText,
  type Attempt,
  type HttpFailure,
  type JsonRequest,
} from './http-attempt.js';

export { displayUrl, serverText } from './http-attempt.js';

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

export type { HttpFailure, JsonRequest } from './http-attempt.js';

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

function retryable(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/** A 2xx answer's body, parsed as JSON and validated; a failure says why. */
function validated<T>(
  req: JsonRequest<T>,
  status: number,
  text: string,
): { ok: true; value: T } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: `${displayUrl(req.url)} answered ${status} with a body that is not JSON` };
  }
  const parsed = req.schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
    return {
      ok: false,
      reason: `${displayUrl(req.url)} answered in an unexpected shape${where}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, value: parsed.data };
}

/** A non-2xx answer as a failure: retryable for 5xx, 408 and rate limits, with the wait the server asks. */
function httpFailure<T>(
  req: JsonRequest<T>,
  answer: { status: number; headers: Record<string, string | string[] | undefined>; text: string },
  clock: Clock,
): Extract<Attempt, { kind: 'failure' }> {
  const { status, headers, text } = answer;
  const rateLimited = status === 429 || (status === 403 && requestedWaitMs(headers, clock.now()) !== null);
  return {
    kind: 'failure',
    failure: 'http',
    reason: `${displayUrl(req.url)} answered HTTP ${status}${rateLimited ? ' (rate limited)' : ''}${errorExcerpt(text)}`,
    status,
    retry: retryable(status) || rateLimited,
    waitMs: requestedWaitMs(headers, clock.now()),
  };
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const clock = options.clock ?? systemClock;
  const now = () => clock.monotonic();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadlineAt = now() + (options.deadlineMs ?? DEFAULT_TIMEOUT_MS);
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 250;
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const remainingMs = () => Math.max(0, deadlineAt - now());
  const settings = { timeoutMs, maxBytes, remainingMs, dispatcher: options.dispatcher };

  async function getJson<T>(req: JsonRequest<T>): Promise<HttpResult<T>> {
    const started = now();
    const latency = () => Math.round(now() - started);
    let attempts = 0;
    for (;;) {
      attempts++;
      let outcome = await attempt(req, settings);
      if (outcome.kind === 'response') {
        const { status, headers, text } = outcome;
        if (status >= 200 && status < 300) {
          const body = validated(req, status, text);
          return body.ok
            ? { ok: true, value: body.value, status, headers, attempts, latencyMs: latency() }
            : { ok: false, failure: 'invalid', reason: body.reason, status, attempts, latencyMs: latency() };
        }
        outcome = httpFailure(req, outcome, clock);
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
