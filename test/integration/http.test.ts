import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemClock, type Clock } from '../../src/collect/clock.js';
import { createHttpClient, requestedWaitMs } from '../../src/collect/http.js';

/** The HTTP layer against real node:http servers on 127.0.0.1 (no mocks). */

const Answer = z.object({ value: z.number() });

/** The system clock, but sleeping returns at once and is written down: waits are asserted, not timed. */
function recordingClock(): Clock & { slept: number[] } {
  const slept: number[] = [];
  return {
    slept,
    now: () => systemClock.now(),
    monotonic: () => systemClock.monotonic(),
    sleep: (ms) => {
      slept.push(ms);
      return Promise.resolve();
    },
  };
}

const TOKEN = `ghp_${'A1b2C3d4'.repeat(5)}`;
/** An error body a hostile or careless server sends: escape sequences, a token, and a lot of it. */
const HOSTILE_ERROR = `\u001b[2J\u001b]52;c;cHduZWQ=\u0007bad query, auth ${TOKEN} password=hunter2\r\n${'x'.repeat(5000)}`;

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
}

function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

describe('collect/http', () => {
  let main: { server: Server; url: string };
  let other: { server: Server; url: string };
  let otherSeen: Seen[] = [];
  let seen: Seen[] = [];
  const counters = new Map<string, number>();
  const hit = (key: string) => {
    const n = (counters.get(key) ?? 0) + 1;
    counters.set(key, n);
    return n;
  };

  beforeAll(async () => {
    other = await listen((req, res) => {
      otherSeen.push({ path: req.url ?? '', headers: req.headers });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ value: 2 }));
    });
    main = await listen((req, res) => {
      const path = req.url ?? '';
      seen.push({ path, headers: req.headers });
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        return res.end(JSON.stringify(body));
      };
      switch (path) {
        case '/ok':
          return json(200, { value: 1 });
        case '/wrong-shape':
          return json(200, { value: 'one' });
        case '/not-json':
          res.writeHead(200, { 'content-type': 'text/html' });
          return res.end('<html>login</html>');
        case '/huge':
          return json(200, { value: 1, pad: 'x'.repeat(4096) });
        case '/slow':
          return; // never answers
        case '/flaky':
          return hit('flaky') < 3 ? json(502, { message: 'bad gateway' }) : json(200, { value: 3 });
        case '/down':
          return json(503, { message: 'unavailable' });
        case '/missing':
          return json(404, { message: 'not found' });
        case '/hostile-error':
          return json(400, { status: 'error', error: HOSTILE_ERROR });
        case '/limited':
          return hit('limited') === 1 ? json(429, {}, { 'retry-after': '1' }) : json(200, { value: 4 });
        case '/limited-long':
          return json(429, {}, { 'retry-after': '60' });
        case '/redirect-away':
          res.writeHead(302, { location: `${other.url}/landing` });
          return res.end();
        case '/redirect-home':
          res.writeHead(307, { location: '/ok' });
          return res.end();
        case '/redirect-loop':
          res.writeHead(302, { location: '/redirect-loop' });
          return res.end();
        default:
          return json(404, {});
      }
    });
  });
  afterAll(async () => {
    main.server.closeAllConnections();
    other.server.closeAllConnections();
    await Promise.all([new Promise((r) => main.server.close(r)), new Promise((r) => other.server.close(r))]);
  });
  beforeEach(() => {
    seen = [];
    otherSeen = [];
    counters.clear();
  });

  it('returns the validated JSON with the attempt count and latency', async () => {
    const result = await createHttpClient().getJson({ url: `${main.url}/ok`, schema: Answer });
    expect(result).toMatchObject({ ok: true, value: { value: 1 }, status: 200, attempts: 1 });
    expect(seen[0]?.headers.accept).toBe('application/json');
  });

  it('rejects an answer of the wrong shape, naming the field, without retrying', async () => {
    const result = await createHttpClient().getJson({ url: `${main.url}/wrong-shape`, schema: Answer });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure).toBe('invalid');
    expect(result.reason).toMatch(/unexpected shape at value/);
    expect(result.attempts).toBe(1);
  });

  it('rejects a body that is not JSON, and a body over the size cap', async () => {
    const html = await createHttpClient().getJson({ url: `${main.url}/not-json`, schema: Answer });
    expect(html).toMatchObject({ ok: false, failure: 'invalid', status: 200 });
    const huge = await createHttpClient({ maxBytes: 1024 }).getJson({
      url: `${main.url}/huge`,
      schema: Answer,
    });
    expect(huge).toMatchObject({ ok: false, failure: 'invalid' });
    if (!huge.ok) expect(huge.reason).toContain('more than 1024 bytes');
  });

  it('times out each attempt and retries a bounded number of times', async () => {
    const client = createHttpClient({ timeoutMs: 100, deadlineMs: 5000, retries: 1, backoffMs: 10 });
    const result = await client.getJson({ url: `${main.url}/slow`, schema: Answer });
    expect(result).toMatchObject({ ok: false, failure: 'timeout', attempts: 2 });
    expect(seen.filter((s) => s.path === '/slow')).toHaveLength(2);
    if (!result.ok) expect(result.reason).toContain('did not answer within 100 ms');
  });

  it('stops at the overall deadline, however long the per-request timeout', async () => {
    const clock = recordingClock();
    const client = createHttpClient({ timeoutMs: 10_000, deadlineMs: 300, retries: 5, clock });
    const result = await client.getJson({ url: `${main.url}/slow`, schema: Answer });
    // Cut off by the 300 ms deadline (not the 10 s timeout, which would say "did not answer within"), no retry.
    expect(result).toMatchObject({ ok: false, failure: 'deadline', attempts: 1 });
    expect(clock.slept).toEqual([]);
    // The deadline is shared: a later call on the same client fails at once.
    const later = await client.getJson({ url: `${main.url}/ok`, schema: Answer });
    expect(later).toMatchObject({ ok: false, failure: 'deadline' });
  });

  it('retries 5xx with backoff until it succeeds', async () => {
    const result = await createHttpClient({ retries: 2, backoffMs: 20 }).getJson({
      url: `${main.url}/flaky`,
      schema: Answer,
    });
    expect(result).toMatchObject({ ok: true, value: { value: 3 }, attempts: 3 });
  });

  it('gives up after the retries, saying how many attempts it made; 4xx is not retried', async () => {
    const down = await createHttpClient({ retries: 2, backoffMs: 10 }).getJson({
      url: `${main.url}/down`,
      schema: Answer,
    });
    expect(down).toMatchObject({ ok: false, failure: 'http', status: 503, attempts: 3 });
    if (!down.ok) expect(down.reason).toMatch(/HTTP 503: unavailable \(after 3 attempts\)/);
    const missing = await createHttpClient({ retries: 2 }).getJson({
      url: `${main.url}/missing`,
      schema: Answer,
    });
    expect(missing).toMatchObject({ ok: false, failure: 'http', status: 404, attempts: 1 });
  });

  it('retries a refused connection as a network error', async () => {
    const closed = await listen(() => undefined);
    const url = closed.url;
    await new Promise((r) => closed.server.close(r));
    const result = await createHttpClient({ retries: 1, backoffMs: 10 }).getJson({
      url: `${url}/x`,
      schema: Answer,
    });
    expect(result).toMatchObject({ ok: false, failure: 'network', attempts: 2 });
    if (!result.ok) expect(result.reason).toContain('ECONNREFUSED');
  });

  it('honours retry-after within the deadline', async () => {
    const clock = recordingClock();
    const result = await createHttpClient({ retries: 2, backoffMs: 10, deadlineMs: 5000, clock }).getJson({
      url: `${main.url}/limited`,
      schema: Answer,
    });
    expect(result).toMatchObject({ ok: true, value: { value: 4 }, attempts: 2 });
    // retry-after: 1 is longer than the 10-15 ms backoff, so the one wait is exactly the server's.
    expect(clock.slept).toEqual([1000]);
  });

  it('does not wait for a retry-after that ends past the deadline', async () => {
    const clock = recordingClock();
    const result = await createHttpClient({ retries: 3, deadlineMs: 2000, clock }).getJson({
      url: `${main.url}/limited-long`,
      schema: Answer,
    });
    expect(result).toMatchObject({ ok: false, failure: 'http', status: 429, attempts: 1 });
    if (!result.ok) expect(result.reason).toContain('retry in 60 s, past the deadline');
    expect(clock.slept).toEqual([]);
  });

  it('backs off exponentially between retries, with at most +50% jitter', async () => {
    const clock = recordingClock();
    const result = await createHttpClient({ retries: 2, backoffMs: 100, deadlineMs: 5000, clock }).getJson({
      url: `${main.url}/down`,
      schema: Answer,
    });
    expect(result).toMatchObject({ ok: false, status: 503, attempts: 3 });
    expect(clock.slept).toHaveLength(2);
    const [first = 0, second = 0] = clock.slept;
    expect(first).toBeGreaterThanOrEqual(100);
    expect(first).toBeLessThanOrEqual(150);
    expect(second).toBeGreaterThanOrEqual(200);
    expect(second).toBeLessThanOrEqual(300);
  });

  it('reads rate-limit reset headers (GitHub epoch seconds, IETF delta seconds)', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(
      requestedWaitMs({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 30) }, now),
    ).toBe(30_000);
    expect(requestedWaitMs({ 'ratelimit-remaining': '0', 'ratelimit-reset': '5' }, now)).toBe(5000);
    expect(requestedWaitMs({ 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': '1' }, now)).toBeNull();
    expect(requestedWaitMs({ 'retry-after': 'Mon, 23 Nov 2026 10:00:07 GMT' }, now)).toBe(7000);
  });

  it('never forwards credentials on a redirect to another origin', async () => {
    const result = await createHttpClient().getJson({
      url: `${main.url}/redirect-away`,
      headers: { 'x-trace': 'kept' },
      auth: { authorization: 'Bearer s3cret', 'private-token': 's3cret' },
      schema: Answer,
    });
    expect(result).toMatchObject({ ok: true, value: { value: 2 } });
    expect(seen[0]?.headers.authorization).toBe('Bearer s3cret');
    expect(otherSeen).toHaveLength(1);
    expect(otherSeen[0]?.headers.authorization).toBeUndefined();
    expect(otherSeen[0]?.headers['private-token']).toBeUndefined();
    expect(otherSeen[0]?.headers['x-trace']).toBe('kept');
  });

  it('keeps credentials on a same-origin redirect, and stops a redirect loop', async () => {
    const home = await createHttpClient().getJson({
      url: `${main.url}/redirect-home`,
      auth: { authorization: 'Bearer s3cret' },
      schema: Answer,
    });
    expect(home).toMatchObject({ ok: true, value: { value: 1 } });
    expect(seen.map((s) => [s.path, s.headers.authorization])).toEqual([
      ['/redirect-home', 'Bearer s3cret'],
      ['/ok', 'Bearer s3cret'],
    ]);
    const loop = await createHttpClient().getJson({ url: `${main.url}/redirect-loop`, schema: Answer });
    expect(loop).toMatchObject({ ok: false, failure: 'redirect' });
  });

  it("puts a server's error text into the reason, one line, shortened and with credentials redacted", async () => {
    const result = await createHttpClient().getJson({ url: `${main.url}/hostile-error`, schema: Answer });
    expect(result).toMatchObject({ ok: false, failure: 'http', status: 400 });
    if (result.ok) return;
    expect(result.reason).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hostile-error answered HTTP 400: /);
    // Escape sequences stay in the reason: the renderers and the output guard escape them (render/safe-text).
    expect(result.reason).toContain('HTTP 400: \u001b[2J');
    expect(result.reason).toContain('bad query, auth [redacted] password=[redacted] xxx');
    expect(result.reason).not.toContain(TOKEN);
    expect(result.reason).not.toContain('hunter2');
    expect(result.reason).not.toMatch(/[\r\n]/);
    expect(result.reason.length).toBeLessThan(300);
    expect(result.reason.endsWith('…')).toBe(true);
  });

  it('never puts a query string or credential into a reason', async () => {
    const result = await createHttpClient().getJson({
      url: `${main.url}/missing?api_key=s3cret`,
      schema: Answer,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).not.toContain('s3cret');
  });
});
