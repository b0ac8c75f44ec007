import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSources } from '../../src/collect/sources/index.js';
import { sourcesSchema } from '../../src/config/sources-schema.js';

/**
 * collectSources' onSettled callback (it drives the "Asking sources: …" spinner): called once per
 * source, as each one gets its answer, against real node:http servers of different latency.
 */

async function serve(delayMs: number, body: unknown): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/health` };
}

describe('collectSources onSettled', () => {
  let slow: { server: Server; url: string };
  let fast: { server: Server; url: string };

  beforeAll(async () => {
    slow = await serve(400, { errorRate: 0.01 });
    fast = await serve(0, { errorRate: 0.02 });
  });
  afterAll(async () => {
    for (const { server } of [slow, fast]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reports each source as it settles, fastest first', async () => {
    // The slow source is listed first: the order reported is the order they finish, not the policy's.
    const policy = sourcesSchema.parse({
      metrics: [
        { name: 'slow', provider: 'http-json', url: slow.url, query: '$.errorRate', max: 0.05 },
        { name: 'fast', provider: 'http-json', url: fast.url, query: '$.errorRate', max: 0.05 },
      ],
    });
    const settled: string[] = [];
    const facts = await collectSources(policy, {
      env: {},
      offline: false,
      onSettled: (name) => settled.push(name),
    });
    expect(settled).toEqual(['fast', 'slow']);
    // The facts keep the policy's order and both answered.
    expect(facts.map((f) => [f.name, f.outcome.status])).toEqual([
      ['slow', 'metric'],
      ['fast', 'metric'],
    ]);
  });

  it('is not called with --offline (nothing is asked)', async () => {
    const policy = sourcesSchema.parse({
      metrics: [{ name: 'fast', provider: 'http-json', url: fast.url, query: '$.errorRate', max: 0.05 }],
    });
    const settled: string[] = [];
    await collectSources(policy, { env: {}, offline: true, onSettled: (name) => settled.push(name) });
    expect(settled).toEqual([]);
  });
});
