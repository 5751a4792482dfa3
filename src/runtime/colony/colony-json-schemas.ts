/**
 * JSON Schemas of a colony's `.hive/*.json` files for VS Code's JSON editor (package.json
 * contributes.jsonValidation): generated from the zod schemas the runtime loads the files with
 * (colony-schemas.ts, triggers/definitions.ts), plus the descriptions shown on hover and in completion,
 * and the timer/webhook `trigger_config` keys that triggers/schedule.ts and definitions.ts check in code.
 * `npm run schemas` writes them to media/schemas/; a test keeps the files and this module in sync.
 */
import { z } from 'zod';
import { triggerEntrySchema, WEBHOOK_METHODS } from '../triggers/definitions';
import { colonyMetadataSchema, toolsConfigSchema, workerConfigSchema } from './colony-schemas';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, Record<string, unknown>> };

function fromZod(schema: z.ZodType, title: string, descriptions: Record<string, string>): JsonSchema {
  const out = z.toJSONSchema(schema, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  out.title = title;
  for (const [key, description] of Object.entries(descriptions)) {
    const prop = out.properties?.[key];
    if (!prop) throw new Error(`${title}: no property "${key}" to describe`);
    prop.description = description;
  }
  return out;
}

const timerConfig = {
  type: 'object',
  description: "A timer: 'cron' (wins when both are set) or 'interval_minutes'.",
  properties: {
    cron: {
      type: 'string',
      description:
        'Cron expression, 5 fields (minute hour day month weekday) or 6 with seconds, e.g. "0 9 * * 1-5".',
    },
    interval_minutes: { type: 'number', exclusiveMinimum: 0, description: 'Fire every N minutes.' },
    timezone: {
      type: 'string',
      description:
        'IANA time zone the cron expression is read in, e.g. "Europe/Paris". Default UTC (Hive\'s only zone).',
    },
  },
  anyOf: [{ required: ['cron'] }, { required: ['interval_minutes'] }],
};

const webhookConfig = {
  type: 'object',
  description: 'A webhook on the loopback webhook server (127.0.0.1).',
  required: ['path'],
  properties: {
    path: {
      type: 'string',
      pattern: '^/[^\\s?#]*$',
      maxLength: 512,
      description: 'URL path, e.g. "/hooks/github".',
    },
    methods: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', enum: [...WEBHOOK_METHODS, ...WEBHOOK_METHODS.map((m) => m.toLowerCase())] },
      description: 'HTTP methods accepted. Default ["POST"].',
    },
    port: {
      type: 'integer',
      minimum: 0,
      maximum: 65535,
      description: 'Port of the webhook server (0: any free port). Default 8090.',
    },
    secret: {
      type: 'string',
      minLength: 16,
      description:
        'Secret callers send as X-Hive-Secret. Better left out: one is generated and kept out of the workspace.',
    },
    rate_limit_per_minute: {
      type: 'number',
      exclusiveMinimum: 0,
      description: 'Deliveries per minute. Default 30.',
    },
    rate_limit_burst: { type: 'number', exclusiveMinimum: 0, description: 'Burst size. Default 10.' },
  },
};

function triggersSchema(): JsonSchema {
  const entry = fromZod(triggerEntrySchema, 'Hive trigger', {
    id: 'Unique id of the trigger (letters, digits, "_", "-" or ".").',
    name: 'Name shown in the chat panel.',
    trigger_type: '"timer" (cron or interval) or "webhook" (an HTTP call).',
    trigger_config: 'Settings of the timer or webhook.',
    task: 'What the queen is asked to do when the trigger fires.',
    enabled: 'false: the trigger stays off until activated. Default true.',
  });
  delete entry.$schema;
  entry.properties!.id!.pattern = '^[A-Za-z0-9][A-Za-z0-9_.-]*$';
  entry.allOf = [
    {
      if: { properties: { trigger_type: { const: 'timer' } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, never awaited
      then: { properties: { trigger_config: timerConfig } },
    },
    {
      if: { properties: { trigger_type: { const: 'webhook' } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, never awaited
      then: { properties: { trigger_config: webhookConfig }, required: ['trigger_config'] },
    },
  ];
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Hive colony triggers (triggers.json)',
    description: 'The timers and webhooks of a colony; they start when the colony loads.',
    type: 'array',
    items: entry,
  };
}

/** File name under media/schemas/ → schema. */
export function colonyJsonSchemas(): Record<string, JsonSchema> {
  return {
    'metadata.schema.json': fromZod(colonyMetadataSchema, 'Hive colony metadata (metadata.json)', {
      colony_name: 'Name of the colony.',
      queen_name: 'Queen that created the colony.',
      queen_session_id: 'Session of the queen that created the colony.',
      workers: 'Workers spawned in this colony, by name.',
      enabled_mcp_tools: 'Legacy place of the MCP tool allowlist (tools.json wins).',
    }),
    'worker.schema.json': fromZod(workerConfigSchema, 'Hive colony worker (worker.json)', {
      name: 'Name of the worker.',
      description: 'What the worker is for.',
      goal: 'The goal: description, success criteria and constraints.',
      system_prompt: "The worker's system prompt.",
      tools: 'Tools the worker may use (names); absent: every tool of the colony.',
      loop_config: 'Limits of the agent loop (iterations, tool calls, context size).',
      concurrency_hint: 'How many of these workers may run at once.',
    }),
    'triggers.schema.json': triggersSchema(),
    'tools.schema.json': fromZod(toolsConfigSchema, 'Hive colony tools (tools.json)', {
      enabled_mcp_tools: "Allowlist of the colony's MCP tools: null or absent allows every tool, [] none.",
      updated_at: 'When the allowlist last changed (ISO time).',
    }),
  };
}

/** The text written for a schema (stable, so the sync test compares strings). */
export function schemaText(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
