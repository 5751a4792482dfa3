import path from 'node:path';
import { ColonyFileError, kindOf, parseWith, readJsonFile } from './colony-errors';
import { mcpServerEntrySchema } from './colony-schemas';

/**
 * A colony's MCP servers come from `mcp_servers.json` beside its worker config, Hive's own convention
 * (pipeline/stages/mcp_registry.py, loader/tool_registry.py `load_mcp_config`). Both of Hive's shapes
 * are read:
 *   {"servers": [{"name": "x", "transport": "stdio", "command": "...", ...}]}   (list form)
 *   {"x": {"transport": "stdio", "command": "...", "args": [], "env": {}, "cwd": "..."}}   (dict form)
 * A relative `cwd` resolves against the file's folder. We only start stdio servers.
 */
export const MCP_CONFIG_FILE = 'mcp_servers.json';

export interface McpServerSpec {
  name: string;
  transport: 'stdio' | 'http' | 'unix' | 'sse';
  command?: string;
  args: string[];
  env: Record<string, string>;
  /** Absolute. */
  cwd?: string;
  url?: string;
  description: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Reads `<dir>/mcp_servers.json`; missing file → []. Errors name the file and field. */
export async function loadMcpServers(dir: string, label = MCP_CONFIG_FILE): Promise<McpServerSpec[]> {
  const file = path.join(dir, MCP_CONFIG_FILE);
  const raw = await readJsonFile(file, label);
  if (raw === undefined) return [];
  return parseMcpServers(raw, file, label);
}

export function parseMcpServers(raw: unknown, file: string, label: string): McpServerSpec[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ColonyFileError(file, [`${label}: must be a JSON object (got ${kindOf(raw)})`]);
  const record = raw as Record<string, unknown>;
  const entries: Array<{ name: unknown; value: unknown; field: string; prefix: PropertyKey[] }> = [];
  if ('servers' in record) {
    if (!Array.isArray(record.servers))
      throw new ColonyFileError(file, [`${label}: servers must be an array (got ${kindOf(record.servers)})`]);
    record.servers.forEach((value, i) => {
      const name = typeof value === 'object' && value ? (value as { name?: unknown }).name : undefined;
      entries.push({ name, value, field: `servers[${i}]`, prefix: ['servers', i] });
    });
  } else {
    for (const [name, value] of Object.entries(record))
      entries.push({ name, value, field: name, prefix: [name] });
  }

  const seen = new Set<string>();
  return entries.map(({ name, value, field, prefix }) => {
    const entry = parseWith(mcpServerEntrySchema, value, file, label, prefix);
    if (typeof name !== 'string' || !NAME.test(name))
      throw new ColonyFileError(file, [
        `${label}: ${field} needs a server name of letters, digits, "_", "-" or "." (got ${JSON.stringify(name)})`,
      ]);
    if (seen.has(name)) throw new ColonyFileError(file, [`${label}: server "${name}" is declared twice`]);
    seen.add(name);
    const transport = entry.transport ?? (entry.url ? 'http' : 'stdio');
    if (transport === 'stdio' && !entry.command)
      throw new ColonyFileError(file, [`${label}: ${field}.command is required for a stdio server`]);
    const dir = path.dirname(file);
    return {
      name,
      transport,
      command: entry.command ?? undefined,
      args: entry.args ?? [],
      env: entry.env ?? {},
      cwd: entry.cwd ? path.resolve(dir, entry.cwd) : undefined,
      url: entry.url ?? undefined,
      description: entry.description ?? '',
    };
  });
}
