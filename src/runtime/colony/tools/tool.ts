import { z } from 'zod';
import { fieldPath, kindOf } from '../colony-errors';

/**
 * The tool shape the agent loop calls. `category` drives approval: `write` and `command` tools ask the
 * user unless that category was auto-approved; `read` and `control` never ask.
 */
export type ToolCategory = 'read' | 'write' | 'command' | 'control';

export interface ToolResult {
  content: string;
  is_error?: boolean;
}

export interface ToolContext {
  /** Aborts a running tool (the Stop button, a worker's hard timeout). */
  signal?: AbortSignal;
  toolUseId?: string;
}

export interface JsonSchemaObject {
  type: 'object';
  properties?: Record<string, unknown>;
  required?: string[];
  [key: string]: unknown;
}

export interface Tool {
  name: string;
  description: string;
  input_schema: JsonSchemaObject;
  category: ToolCategory;
  /** Never throws: bad input and failures come back as `is_error` results. */
  execute(input: unknown, ctx?: ToolContext): Promise<ToolResult>;
}

export interface ToolSpec<S extends z.ZodObject> {
  name: string;
  description: string;
  category: ToolCategory;
  schema: S;
  run(input: z.output<S>, ctx: ToolContext): Promise<ToolResult | string>;
}

/** A Tool from a zod schema: the JSON schema is derived from it and every input is checked against it. */
export function defineTool<S extends z.ZodObject>(spec: ToolSpec<S>): Tool {
  const { $schema: _ignored, ...input_schema } = z.toJSONSchema(spec.schema, { io: 'input' }) as Record<
    string,
    unknown
  >;
  return {
    name: spec.name,
    description: spec.description,
    category: spec.category,
    input_schema: input_schema as JsonSchemaObject,
    async execute(input, ctx = {}) {
      const parsed = spec.schema.safeParse(input ?? {});
      if (!parsed.success)
        return toolError(`Invalid input for ${spec.name}: ${describeInputIssues(parsed.error, input)}`);
      try {
        const out = await spec.run(parsed.data, ctx);
        return typeof out === 'string' ? { content: out } : out;
      } catch (err) {
        return toolError(`${spec.name} failed: ${(err as Error)?.message ?? String(err)}`);
      }
    },
  };
}

export function toolError(content: string): ToolResult {
  return { content, is_error: true };
}

/** `path must be a string (got number); start_line: Too small: expected number to be >=1`. */
export function describeInputIssues(error: z.ZodError, input: unknown): string {
  return error.issues
    .slice(0, 5)
    .map((iss) => {
      const field = fieldPath(iss.path) || 'input';
      if (iss.code === 'invalid_type')
        return `${field} must be ${article(iss.expected)} (got ${kindOf(valueAt(input, iss.path))})`;
      return `${field}: ${iss.message}`;
    })
    .join('; ');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
