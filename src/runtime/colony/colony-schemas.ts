import { z } from 'zod';
import { expect } from './colony-errors';

/*
 * Schemas of a colony's files (docs/hive-format.md §2.6). Objects are loose: Hive writes more keys than we
 * read and we keep them. Optional strings accept null because Python writes `None` as null.
 */

const str = () => z.string(expect('a string'));
const optStr = () => str().nullish();
const strArray = () => z.array(z.string(expect('a string')), expect('an array of strings'));
const posInt = () => z.number(expect('a number')).int('must be a whole number').positive('must be positive');

export const workerGoalSchema = z.looseObject(
  {
    description: optStr(),
    success_criteria: strArray().nullish(),
    constraints: strArray().nullish(),
  },
  expect('an object'),
);

export const loopConfigSchema = z.looseObject(
  {
    max_iterations: posInt().nullish(),
    max_tool_calls_per_turn: posInt().nullish(),
    max_context_tokens: posInt().nullish(),
    max_tool_result_chars: posInt().nullish(),
    max_tokens: posInt().nullish(),
  },
  expect('an object'),
);

/** `worker.json` / `{worker_name}.json`. Every key is optional in Hive's loader (it uses .get defaults). */
export const workerConfigSchema = z.looseObject(
  {
    name: optStr(),
    version: optStr(),
    description: optStr(),
    input_data: z
      .looseObject(
        {
          db_path: optStr(),
          colony_id: optStr(),
          task_id: optStr(),
          colony_data_dir: optStr(),
        },
        expect('an object'),
      )
      .nullish(),
    goal: workerGoalSchema.nullish(),
    system_prompt: optStr(),
    tools: strArray().nullish(),
    skills_catalog_prompt: optStr(),
    protocols_prompt: optStr(),
    skill_dirs: strArray().nullish(),
    identity_prompt: optStr(),
    memory_prompt: optStr(),
    queen_phase: optStr(),
    queen_id: optStr(),
    loop_config: loopConfigSchema.nullish(),
    spawned_from: optStr(),
    spawned_at: optStr(),
    concurrency_hint: posInt().nullish(),
  },
  expect('a JSON object'),
);
export type WorkerConfig = z.output<typeof workerConfigSchema>;

/** `metadata.json` (queen provenance). `enabled_mcp_tools` is the legacy home of the tool allowlist. */
export const colonyMetadataSchema = z.looseObject(
  {
    colony_name: optStr(),
    queen_name: optStr(),
    queen_session_id: optStr(),
    source_session_id: optStr(),
    created_at: optStr(),
    updated_at: optStr(),
    workers: z
      .record(
        z.string(),
        z.looseObject({ task: optStr(), spawned_at: optStr() }, expect('an object')),
        expect('an object'),
      )
      .nullish(),
    enabled_mcp_tools: strArray().nullish(),
    /** Ours: the workspace folder the colony was made for; its workers work there. */
    workspace_folder: optStr(),
  },
  expect('a JSON object'),
);
export type ColonyMetadata = z.output<typeof colonyMetadataSchema>;

/** `tools.json`: `enabled_mcp_tools` null or missing = allow every MCP tool, `[]` = none. */
export const toolsConfigSchema = z.looseObject(
  {
    enabled_mcp_tools: z
      .array(z.string(expect('a string')), expect('an array of tool names or null'))
      .nullish(),
    updated_at: optStr(),
  },
  expect('a JSON object'),
);

/** `triggers.json` entries, checked only as far as loading needs; the triggers module owns the rest. */
export const triggerDefSchema = z.looseObject(
  {
    id: str().min(1, 'must not be empty'),
    name: optStr(),
    trigger_type: z.enum(['timer', 'webhook'], { error: 'must be "timer" or "webhook"' }),
    trigger_config: z.record(z.string(), z.unknown(), expect('an object')).nullish(),
    task: optStr(),
  },
  expect('an object'),
);
export const triggersFileSchema = z.array(triggerDefSchema, expect('a JSON array of triggers'));
export type TriggerDef = z.output<typeof triggerDefSchema>;

/**
 * One server of Hive's `mcp_servers.json` (loader/mcp_client.py MCPServerConfig). `transport`
 * defaults to stdio when a command is given.
 */
export const mcpServerEntrySchema = z.looseObject(
  {
    name: optStr(),
    transport: z
      .enum(['stdio', 'http', 'unix', 'sse'], { error: 'must be stdio, http, unix or sse' })
      .nullish(),
    command: optStr(),
    args: strArray().nullish(),
    env: z.record(z.string(), z.string(expect('a string')), expect('an object of strings')).nullish(),
    cwd: optStr(),
    url: optStr(),
    description: optStr(),
  },
  expect('an object'),
);
export type McpServerEntry = z.output<typeof mcpServerEntrySchema>;
