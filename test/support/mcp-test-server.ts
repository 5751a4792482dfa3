// A tiny real MCP stdio server for tests: `echo` (marked read-only) and `add`. Run it with
// `node --require tsx/cjs test/support/mcp-test-server.ts` from the repository root.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'hive-test-server', version: '1.0.0' });

server.registerTool(
  'echo',
  {
    description: 'Echo the text back',
    inputSchema: { text: z.string() },
    annotations: { readOnlyHint: true },
  },
  async ({ text }) => ({ content: [{ type: 'text', text: `echo: ${text}` }] }),
);

server.registerTool(
  'add',
  {
    description: 'Add two numbers; fails on negative input',
    inputSchema: { a: z.number(), b: z.number() },
  },
  async ({ a, b }) =>
    a < 0 || b < 0
      ? { content: [{ type: 'text', text: 'negative numbers are not allowed' }], isError: true }
      : { content: [{ type: 'text', text: String(a + b) }] },
);

server.connect(new StdioServerTransport()).catch((err) => {
  process.stderr.write(`mcp-test-server: ${err}\n`);
  process.exit(1);
});
