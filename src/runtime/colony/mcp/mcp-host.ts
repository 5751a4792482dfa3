import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { JsonSchemaObject, Tool, ToolContext, ToolResult } from '../../tools/tool';
import type { McpServerSpec } from '../mcp-config';
import { mcpResultToText } from './mcp-result';

/**
 * The colony's MCP servers (declared in mcp_servers.json), started with the colony and stopped with it.
 * Each stdio server is spawned through @modelcontextprotocol/sdk (Client + StdioClientTransport); its
 * tools pass the colony's tools.json allowlist (null = all, [] = none) and become Tools. Category: `read`
 * when the server marks a tool `readOnlyHint: true`, else `command` (it may do anything, so it needs
 * approval). A tool name already taken (by a built-in tool, or an earlier server: declaration order wins,
 * as in Hive) is left out with a warning. A server that fails to start is reported, not fatal.
 *
 * Environment: the SDK passes only HOME, LOGNAME, PATH, SHELL, TERM, USER plus the server's declared
 * `env`, so the model's API key never reaches a server unless the colony declares it.
 * `close()` ends every server (stdin closed, then SIGTERM, then SIGKILL, by the SDK). Processes a server
 * itself spawned are its own responsibility: the SDK does not start servers in a process group.
 */
export interface McpHostOptions {
  servers: McpServerSpec[];
  /** tools.json `enabled_mcp_tools`: null = every tool, [] = none. */
  enabledMcpTools: string[] | null;
  /**
   * Names MCP tools may not take: the built-in tools the worker is actually offered. A colliding MCP
   * tool is offered as `<server>__<tool>` instead; only if that is taken too is it left out.
   */
  reservedNames?: Iterable<string>;
  /** Connect + list tools, per server (default 30 s). */
  startTimeoutMs?: number;
  /** One tool call (default 120 s). */
  callTimeoutMs?: number;
  maxOutputChars?: number;
  clientName?: string;
}

export interface McpServerFailure {
  server: string;
  error: string;
}

/** An MCP tool offered under another name, or not at all, because its name was taken. */
export interface McpToolRename {
  server: string;
  tool: string;
  /** The name it is offered under; null: left out. */
  as: string | null;
}

interface Running {
  spec: McpServerSpec;
  client: Client;
  transport: StdioClientTransport;
  stderr: () => string;
}

export class McpHost {
  private closed = false;

  private constructor(
    private readonly running: Running[],
    readonly tools: Tool[],
    readonly failures: McpServerFailure[],
    readonly warnings: string[],
    readonly renamed: McpToolRename[] = [],
  ) {}

  static async start(options: McpHostOptions): Promise<McpHost> {
    const warnings: string[] = [];
    const failures: McpServerFailure[] = [];
    const renamed: McpToolRename[] = [];
    // `[]` allows no MCP tool at all: no server needs to run.
    const wanted = options.enabledMcpTools?.length === 0 ? [] : options.servers;
    const specs = wanted.filter((s) => {
      if (s.transport === 'stdio') return true;
      warnings.push(
        `MCP server "${s.name}" uses the ${s.transport} transport; only stdio servers are started`,
      );
      return false;
    });
    const started = await Promise.all(specs.map((spec) => startServer(spec, options)));
    const running: Running[] = [];
    const tools: Tool[] = [];
    const taken = new Set(options.reservedNames ?? []);
    const allow = options.enabledMcpTools === null ? undefined : new Set(options.enabledMcpTools);
    for (const [i, result] of started.entries()) {
      const spec = specs[i]!;
      if ('error' in result) {
        failures.push({ server: spec.name, error: result.error });
        continue;
      }
      running.push(result.running);
      for (const t of result.tools) {
        const namespaced = namespacedName(spec.name, t.name);
        if (allow && !allow.has(t.name) && !allow.has(namespaced)) continue;
        let name = t.name;
        if (taken.has(name)) {
          if (taken.has(namespaced)) {
            renamed.push({ server: spec.name, tool: t.name, as: null });
            warnings.push(
              `MCP tool "${t.name}" of server "${spec.name}" is left out: "${t.name}" and "${namespaced}" are taken`,
            );
            continue;
          }
          name = namespaced;
          renamed.push({ server: spec.name, tool: t.name, as: name });
          warnings.push(
            `MCP tool "${t.name}" of server "${spec.name}" is offered as "${name}": "${t.name}" is a built-in tool`,
          );
        }
        taken.add(name);
        tools.push(toTool(result.running, t, options, name));
      }
    }
    return new McpHost(running, tools, failures, warnings, renamed);
  }

  /** Process ids of the running servers. */
  pids(): number[] {
    return this.running.map((r) => r.transport.pid).filter((p): p is number => typeof p === 'number');
  }

  /** Stops every server. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.running.map((r) => r.client.close().catch(() => undefined)));
  }
}

interface ListedTool {
  name: string;
  description?: string;
  inputSchema: { type: 'object'; [k: string]: unknown };
  annotations?: { readOnlyHint?: boolean };
}

async function startServer(
  spec: McpServerSpec,
  options: McpHostOptions,
): Promise<{ running: Running; tools: ListedTool[] } | { error: string }> {
  const transport = new StdioClientTransport({
    command: spec.command!,
    args: spec.args,
    env: spec.env,
    cwd: spec.cwd,
    stderr: 'pipe',
  });
  // Keep the tail of stderr for error messages; draining it also keeps the server from blocking.
  let errTail = '';
  transport.stderr?.on('data', (d: Buffer) => {
    errTail = (errTail + d.toString('utf8')).slice(-2000);
  });
  const client = new Client({ name: options.clientName ?? 'hive-vscode', version: '0.1.0' });
  const running: Running = { spec, client, transport, stderr: () => errTail.trim() };
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const work = (async () => {
      await client.connect(transport);
      const tools: ListedTool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : undefined);
        tools.push(...(page.tools as ListedTool[]));
        cursor = page.nextCursor;
      } while (cursor);
      return tools;
    })();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    return { running, tools: await Promise.race([work, timeout]) };
  } catch (err) {
    await client.close().catch(() => undefined);
    await transport.close().catch(() => undefined);
    const tail = running.stderr();
    return { error: `${(err as Error).message}${tail ? `\nstderr: ${tail}` : ''}` };
  } finally {
    clearTimeout(timer);
  }
}

/** `<server>__<tool>` within the model API's tool-name rule (`[a-zA-Z0-9_-]{1,64}`). */
export function namespacedName(server: string, tool: string): string {
  return `${server.replace(/[^a-zA-Z0-9_-]/g, '_')}__${tool}`.slice(0, 64);
}

function toTool(running: Running, t: ListedTool, options: McpHostOptions, name = t.name): Tool {
  const maxChars = options.maxOutputChars ?? 60_000;
  return {
    name,
    description: t.description || `${t.name} (MCP server ${running.spec.name})`,
    inputSchema: (t.inputSchema ?? { type: 'object' }) as JsonSchemaObject,
    category: t.annotations?.readOnlyHint === true ? 'read' : 'command',
    async execute(input: unknown, ctx: ToolContext = {}): Promise<ToolResult> {
      if (typeof input !== 'object' || input === null || Array.isArray(input))
        return { content: `Invalid input for ${t.name}: must be an object`, isError: true };
      try {
        const result = await running.client.callTool(
          { name: t.name, arguments: input as Record<string, unknown> },
          undefined,
          { signal: ctx.signal, timeout: options.callTimeoutMs ?? 120_000 },
        );
        return mcpResultToText(result, maxChars);
      } catch (err) {
        return {
          content: `${t.name} (MCP server ${running.spec.name}) failed: ${(err as Error).message}`,
          isError: true,
        };
      }
    },
  };
}
