import { EXIT, UserError } from '../errors.js';
import { appPorts, workspaceOf } from './context.js';
import { defineCommand } from './spec.js';

interface McpOptions {
  allowRecord?: boolean;
}

export const mcpCommand = defineCommand<object, McpOptions>({
  path: ['mcp'],
  description: 'serve plan, explain, record, insights and ledger_verify to AI agents (MCP over stdio)',
  args: {},
  options: {
    allowRecord: {
      description: 'let agents append to the ledger (record, plan with record); default read-only',
    },
  },
  formats: ['text'],
  helpAfter: `
Speaks the Model Context Protocol on stdin/stdout until the client closes stdin; logs go to stderr.
Configure it in an MCP client as the command \`deployadvisor mcp --repo <dir>\` (docs/agents.md).
`,
  async run({ io, global }, request) {
    if (io.stdio === undefined) throw new UserError('mcp needs standard input and output to serve on.');
    const { serveMcp } = await import('../mcp/server.js');
    // No spinner: stdout is the protocol's, and a client shows no terminal.
    const ports = { ...appPorts(io, { ...global, quiet: true }) };
    await serveMcp({
      ports,
      defaults: workspaceOf(global),
      allowRecord: request.allowRecord === true,
      stdin: io.stdio.stdin,
      stdout: io.stdio.stdout,
    });
    return EXIT.go;
  },
});
