import { McpServer, type ToolCallback } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { AppPorts, WorkspaceRequest } from '../app/ports.js';
import { UserError } from '../errors.js';
import { guardOutput } from '../render/safe-text.js';
import { VERSION } from '../version.js';
import {
  DESCRIPTIONS,
  EXPLAIN_INPUT,
  INSIGHTS_INPUT,
  LEDGER_VERIFY_INPUT,
  PLAN_INPUT,
  ReadOnlyError,
  RECORD_INPUT,
  runExplain,
  runInsights,
  runLedgerVerify,
  runPlan,
  runRecord,
  type ToolContext,
} from './tools.js';

export interface McpOptions {
  ports: AppPorts;
  defaults: WorkspaceRequest;
  allowRecord: boolean;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

/**
 * A tool's answer, or its failure as a tool error the agent reads (never a crash of the server). The
 * text passes the same output guard as the CLI's: strings from git and the ledger are untrusted.
 */
async function answer(run: () => Promise<string>): Promise<CallToolResult> {
  const text = (said: string, isError = false): CallToolResult => ({
    content: [{ type: 'text', text: guardOutput(said) }],
    ...(isError ? { isError } : {}),
  });
  try {
    return text(await run());
  } catch (error) {
    if (error instanceof UserError || error instanceof ReadOnlyError) {
      const hint = error instanceof UserError && error.hint !== undefined ? ` ${error.hint}` : '';
      return text(`deployadvisor: ${error.message}${hint}`, true);
    }
    const message = error instanceof Error ? error.message : String(error);
    return text(`deployadvisor: internal error (this is a bug): ${message}`, true);
  }
}

/**
 * The MCP server with its five tools; `agent` is read per call, once the handshake named the client.
 * `inFlight` holds the calls not answered yet, so a client that closes stdin still gets its answers.
 */
export function createMcpServer(
  options: Omit<McpOptions, 'stdin' | 'stdout'>,
  inFlight = new Set<Promise<unknown>>(),
): McpServer {
  const server = new McpServer(
    { name: 'deployadvisor', version: VERSION },
    {
      instructions:
        'deployadvisor is a deploy advisor. Call the plan tool before any deploy; do not deploy unless its ' +
        'verdict is GO. Record deploys with the record tool when it is enabled.',
    },
  );
  const context = (): ToolContext => {
    const client = server.server.getClientVersion();
    return {
      ports: {
        ...options.ports,
        agent: client === undefined ? undefined : { name: client.name, version: client.version },
      },
      defaults: options.defaults,
      allowRecord: options.allowRecord,
    };
  };
  const tool = <S extends z.ZodObject>(
    name: keyof typeof DESCRIPTIONS,
    inputSchema: S,
    run: (context: ToolContext, input: z.infer<S>) => Promise<string>,
    readOnly = true,
  ) => {
    // The SDK validated the arguments against inputSchema before the call.
    const callback: ToolCallback<z.ZodObject> = (input) => {
      const call = answer(() => run(context(), input as z.infer<S>));
      inFlight.add(call);
      void call.finally(() => inFlight.delete(call));
      return call;
    };
    const schema: z.ZodObject = inputSchema;
    server.registerTool(
      name,
      {
        description: DESCRIPTIONS[name],
        inputSchema: schema,
        annotations: { readOnlyHint: readOnly, openWorldHint: false },
      },
      callback,
    );
  };
  tool('plan', PLAN_INPUT, runPlan, !options.allowRecord);
  tool('explain', EXPLAIN_INPUT, runExplain);
  tool('record', RECORD_INPUT, runRecord, false);
  tool('insights', INSIGHTS_INPUT, runInsights);
  tool('ledger_verify', LEDGER_VERIFY_INPUT, runLedgerVerify);
  return server;
}

/** Serves MCP over stdin/stdout until the client closes stdin. */
export async function serveMcp(options: McpOptions): Promise<void> {
  const inFlight = new Set<Promise<unknown>>();
  const server = createMcpServer(options, inFlight);
  const transport = new StdioServerTransport(options.stdin, options.stdout);
  const closed = new Promise<void>((resolve) => {
    options.stdin.once('end', resolve);
    options.stdin.once('close', resolve);
  });
  await server.connect(transport);
  await closed;
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  // The last answer is sent once its call settles: one turn of the event loop later.
  await new Promise((resolve) => setImmediate(resolve));
  await server.close();
}
