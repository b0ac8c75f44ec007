import { request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { redact } from '../ledger/record.js';

/*
 * One HTTP request as the client makes it: redirects followed by hand (credentials only to the
 * original origin), each hop under its own timeout and the overall deadline, the body size capped.
 */

const MAX_REDIRECTS = 5;

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

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

export type Attempt =
  | { kind: 'response'; status: number; headers: Record<string, string | string[] | undefined>; text: string }
  | {
      kind: 'failure';
      failure: HttpFailure;
      reason: string;
      status: number | null;
      retry: boolean;
      waitMs: number | null;
    };

/** What an attempt needs from its client. */
export interface AttemptSettings {
  timeoutMs: number;
  maxBytes: number;
  remainingMs: () => number;
  dispatcher: Dispatcher | undefined;
}

/** The hop's target and how it is asked; a redirect changes it. */
interface Hop {
  url: URL;
  method: 'GET' | 'POST' | 'PATCH';
  body: string | undefined;
}

type Response = Awaited<ReturnType<typeof request>>;

function failed(failure: HttpFailure, reason: string, status: number | null = null, retry = false): Attempt {
  return { kind: 'failure', failure, reason, status, retry, waitMs: null };
}

/** Where a redirect leads, and how it is asked there; a failure when it names no Location. */
function redirected(response: Response, hop: Hop): Hop | Attempt {
  const location = response.headers.location;
  const target = Array.isArray(location) ? location[0] : location;
  if (target === undefined) {
    return failed(
      'redirect',
      `${displayUrl(hop.url.href)} answered ${response.statusCode} without a Location`,
      response.statusCode,
    );
  }
  const next: Hop = { url: new URL(target, hop.url), method: hop.method, body: hop.body };
  if (
    response.statusCode === 303 ||
    ((response.statusCode === 301 || response.statusCode === 302) && hop.method === 'POST')
  ) {
    next.method = 'GET';
    next.body = undefined;
  }
  return next;
}

/** Reads the response body up to the size cap. */
async function readBody(
  response: Response,
  url: URL,
  controller: AbortController,
  maxBytes: number,
): Promise<Attempt> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) {
      controller.abort();
      return failed(
        'invalid',
        `${displayUrl(url.href)} sent more than ${maxBytes} bytes`,
        response.statusCode,
      );
    }
    chunks.push(buffer);
  }
  return {
    kind: 'response',
    status: response.statusCode,
    headers: response.headers,
    text: Buffer.concat(chunks).toString('utf8'),
  };
}

/** A request that threw: aborted by the deadline or the timeout, or a network error. */
function thrown(
  error: unknown,
  aborted: boolean,
  deadlineBound: boolean,
  url: URL,
  timeoutMs: number,
): Attempt {
  if (aborted) {
    return deadlineBound
      ? failed('deadline', `the overall deadline passed while waiting for ${displayUrl(url.href)}`)
      : failed('timeout', `${displayUrl(url.href)} did not answer within ${timeoutMs} ms`, null, true);
  }
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return failed(
    'network',
    `${displayUrl(url.href)}: ${typeof code === 'string' ? `${code} ` : ''}${serverText(message)}`.trim(),
    null,
    true,
  );
}

/** One hop under `budget` ms: the answer, or where a redirect leads. */
async function sendHop<T>(
  req: JsonRequest<T>,
  hop: Hop,
  origin: string,
  budget: number,
  settings: AttemptSettings,
): Promise<Hop | Attempt> {
  const { url, method, body } = hop;
  const deadlineBound = budget < settings.timeoutMs;
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
      ...(settings.dispatcher === undefined ? {} : { dispatcher: settings.dispatcher }),
    });
    if (isRedirect(response.statusCode)) {
      await response.body.dump();
      return redirected(response, hop);
    }
    return await readBody(response, url, controller, settings.maxBytes);
  } catch (error) {
    return thrown(error, controller.signal.aborted, deadlineBound, url, settings.timeoutMs);
  } finally {
    clearTimeout(timer);
  }
}

/** One request, following redirects; the auth headers go only to the first origin. */
export async function attempt<T>(req: JsonRequest<T>, settings: AttemptSettings): Promise<Attempt> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return failed('network', `invalid URL "${req.url}"`);
  }
  const origin = url.origin;
  let hop: Hop = { url, method: req.method ?? 'GET', body: req.body };
  for (let count = 0; count <= MAX_REDIRECTS; count++) {
    if (hop.url.protocol !== 'http:' && hop.url.protocol !== 'https:') {
      return failed('redirect', `refused to follow a redirect to ${hop.url.protocol} URL`);
    }
    const budget = Math.min(settings.timeoutMs, settings.remainingMs());
    if (budget <= 0) {
      return failed('deadline', `the overall deadline passed before ${displayUrl(hop.url.href)} answered`);
    }
    const next = await sendHop(req, hop, origin, budget, settings);
    if ('kind' in next) return next;
    hop = next;
  }
  return failed('redirect', `more than ${MAX_REDIRECTS} redirects from ${displayUrl(req.url)}`);
}
