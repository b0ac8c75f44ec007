import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { BIN, spawnCliSync } from '../helpers/run.js';

/**
 * `deployadvisor mcp` driven end to end: the SDK's own client spawning the built binary (handshake,
 * tools/list, every tool, bad arguments as tool errors), and a raw JSON-RPC exchange over stdio.
 */

const NOW = '2026-11-23T10:00:00Z';
// A hostile subject: an escape sequence that would recolour a terminal, and a bidi override.
const HOSTILE_SUBJECT = 'feat: \u001b[31mred\u001b[0m and \u202Egnp.exe';

let repo: TestRepo;
let sha: string;

beforeAll(() => {
  repo = makeRepo('da-mcp-');
  repo.writeLines('src/app.ts', 20);
  repo.commit('initial');
  repo.writeLines('src/app.ts', 30);
  sha = repo.commit(HOSTILE_SUBJECT);
});

afterAll(() => {
  repo.cleanup();
});

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp', NO_COLOR: '1', TZ: 'UTC' };

async function connect(extra: string[] = []): Promise<Client> {
  const client = new Client({ name: 'test-agent', version: '9.8.7' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [BIN, '--repo', repo.dir, 'mcp', ...extra],
      env,
      stderr: 'ignore',
    }),
  );
  return client;
}

function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
  const content = result.content as Array<{ type: string; text?: string }>;
  return content.map((part) => part.text ?? '').join('');
}

describe('deployadvisor mcp, through the SDK client', () => {
  it('lists five tools with JSON Schemas and descriptions an agent can follow', async () => {
    const client = await connect();
    try {
      expect(client.getServerVersion()?.name).toBe('deployadvisor');
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual([
        'explain',
        'insights',
        'ledger_verify',
        'plan',
        'record',
      ]);
      const plan = tools.find((tool) => tool.name === 'plan');
      expect(plan?.description).toContain('do not deploy unless the verdict is GO');
      expect(plan?.inputSchema.type).toBe('object');
      expect(Object.keys(plan?.inputSchema.properties ?? {})).toEqual(
        expect.arrayContaining(['target', 'env', 'now', 'failOn', 'offline', 'coverage', 'record']),
      );
      expect(tools.find((tool) => tool.name === 'explain')?.inputSchema.required).toEqual(['sha']);
    } finally {
      await client.close();
    }
  });

  it('plan answers the same JSON as the CLI, and the read-only server refuses to record', async () => {
    const client = await connect();
    try {
      const result = await client.callTool({ name: 'plan', arguments: { offline: true, now: NOW } });
      expect(result.isError).toBeUndefined();
      const cli = spawnCliSync(['--repo', repo.dir, '--format', 'json', 'plan', '--offline', '--now', NOW]);
      const viaMcp = JSON.parse(textOf(result)) as { verdict: string; inputsDigest: string };
      expect(viaMcp).toEqual(JSON.parse(cli.stdout));
      expect(viaMcp.verdict).toBe('GO');

      for (const call of [
        { name: 'record', arguments: { event: 'started' } },
        { name: 'plan', arguments: { offline: true, now: NOW, record: true } },
      ]) {
        const refused = await client.callTool(call);
        expect(refused.isError).toBe(true);
        expect(textOf(refused)).toContain('read-only');
      }
      const list = spawnCliSync(['--repo', repo.dir, 'ledger', 'list']);
      expect(list.stdout).toBe('No ledger records match.\n');
    } finally {
      await client.close();
    }
  });

  it('bad arguments are tool errors, and the server keeps serving', async () => {
    const client = await connect();
    try {
      const bad = [
        { name: 'plan', arguments: { bogus: 1 } },
        { name: 'plan', arguments: { failOn: 'sometimes' } },
        { name: 'explain', arguments: {} },
        { name: 'explain', arguments: { sha: 5 } },
        { name: 'explain', arguments: { sha: '--output=/tmp/x' } },
        { name: 'plan', arguments: { target: 'no-such-ref', offline: true } },
        { name: 'plan', arguments: { now: 'yesterday-ish', offline: true } },
        { name: 'insights', arguments: { since: 'forever' } },
        { name: 'ledger_verify', arguments: { repo: '/nonexistent/dir' } },
      ];
      for (const call of bad) {
        const result = await client.callTool(call);
        expect(result.isError, JSON.stringify(call)).toBe(true);
        expect(textOf(result), JSON.stringify(call)).not.toMatch(/internal error|\n\s+at /);
      }
      const after = await client.callTool({ name: 'ledger_verify', arguments: {} });
      expect((JSON.parse(textOf(after)) as { ok: boolean }).ok).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('explain carries no raw control character from a commit subject', async () => {
    const client = await connect();
    try {
      const result = await client.callTool({ name: 'explain', arguments: { sha } });
      const text = textOf(result);
      expect(result.isError).toBeUndefined();
      expect(text.includes('\u001b') || text.includes('\u202E')).toBe(false);
      expect((JSON.parse(text) as { commit: { sha: string } }).commit.sha).toBe(sha);
    } finally {
      await client.close();
    }
  });

  it('with --allow-record, record and plan append records naming the agent as actor', async () => {
    const client = await connect(['--allow-record']);
    try {
      const plan = await client.callTool({ name: 'plan', arguments: { offline: true, record: true } });
      expect(plan.isError).toBeUndefined();
      const started = await client.callTool({ name: 'record', arguments: { event: 'started' } });
      expect(started.isError).toBeUndefined();
      expect((JSON.parse(textOf(started)) as { actor: { name: string } }).actor.name).toBe(
        'test-agent 9.8.7 (MCP agent)',
      );
      const insights = await client.callTool({ name: 'insights', arguments: { offline: true } });
      expect(insights.isError).toBeUndefined();
      expect(JSON.parse(textOf(insights))).toHaveProperty('schemaVersion');
    } finally {
      await client.close();
    }
    const records = JSON.parse(
      spawnCliSync(['--repo', repo.dir, '--format', 'json', 'ledger', 'list']).stdout,
    ) as Array<{ type: string; actor: { name: string } }>;
    expect(records.map((r) => [r.type, r.actor.name])).toEqual([
      ['plan', 'test-agent 9.8.7 (MCP agent)'],
      ['started', 'test-agent 9.8.7 (MCP agent)'],
    ]);
  });
});

describe('deployadvisor mcp, raw JSON-RPC over stdio', () => {
  it('answers initialize, tools/list and tools/call line by line, also after stdin closes', async () => {
    const messages = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'raw', version: '1' },
        },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'ledger_verify', arguments: {} } },
      { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'no_such_tool', arguments: {} } },
      'this is not JSON',
      {
        jsonrpc: '2.0',
        id: 5,
        method: 'tools/call',
        params: { name: 'plan', arguments: { offline: true, now: NOW } },
      },
    ];
    const child = spawn(process.execPath, [BIN, '--repo', repo.dir, 'mcp'], { env });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stdin.end(messages.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join('\n') + '\n');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const answers = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id?: number; result?: Record<string, unknown>; error?: unknown });
    const byId = new Map(answers.map((answer) => [answer.id, answer]));
    expect((byId.get(1)?.result?.serverInfo as { name: string }).name).toBe('deployadvisor');
    expect((byId.get(2)?.result?.tools as unknown[]).length).toBe(5);
    expect(byId.get(3)?.result?.isError).toBeUndefined();
    expect(byId.get(4)?.error ?? byId.get(4)?.result?.isError).toBeTruthy();
    const plan = byId.get(5)?.result?.content as Array<{ text: string }>;
    expect((JSON.parse(plan[0]?.text ?? '') as { verdict: string }).verdict).toBe('GO');
  });
});
