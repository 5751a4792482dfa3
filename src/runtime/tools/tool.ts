/**
 * The one tool shape every agent loop calls: the queen's, the workers', the colony's MCP tools.
 * Tools are built with `defineTool` from a zod schema; the JSON Schema the model sees is generated from
 * it, and every input is checked against it before the tool runs.
 */
import { z } from 'zod';

/**
 * `category` drives approval: `write` and `command` tools ask the user unless that category was
 * auto-approved; `read` and `control` (the agent's own lifecycle tools) never ask.
 */
export type ToolCategory = 'read' | 'write' | 'command' | 'control';

/** The session wires this to `bus.publish({ type, stream_id, node_id, data, ... })`. */
export type Emit = (type: string, data: Record<string, unknown>) => void;

export interface ToolResult {
  content: string;
  isError?: boolean;
}

/** What a file-changing tool will write, computed before the user is asked (the diff they review). */
export interface FileProposal {
  /** Relative to the tool's root, `/` separators. */
  path: string;
  abs_path: string;
  /** null: a new file. */
  before: string | null;
  after: string;
}

/** What the approval gate learned before the tool runs, handed to `execute`. */
export interface ApprovedCall {
  /** The proposal the user saw (from `preview`). */
  proposal?: FileProposal;
  /** The user's edited version of `proposal.after`, when they changed it before approving. */
  content?: string;
}

export interface ToolContext {
  toolUseId?: string;
  /** Aborted when the user stops the turn (or a worker's hard timeout). */
  signal?: AbortSignal;
  emit?: Emit;
  /** `queen` or the worker id: who made the call (approvals, checkpoints). */
  requester?: string;
  /** The `seq` of the assistant part that made the call: the turn a checkpoint belongs to. */
  turnId?: number;
  approved?: ApprovedCall;
}

/** What the approval card shows besides the input: a file proposal or a command with its folder. */
export type ToolPreview =
  | { proposal: FileProposal }
  | { command: string; cwd: string; timeout: number }
  | Record<string, never>;

export interface JsonSchemaObject {
  type: 'object';
  properties?: Record<string, unknown>;
  required?: string[];
  [key: string]: unknown;
}

export interface Tool {
  name: string;
  description: string;
  inputSchema: JsonSchemaObject;
  category: ToolCategory;
  /**
   * Called before approval is asked: what the user reviews. A result with `isError` means the call
   * cannot succeed (an edit that does not apply): it fails without asking.
   */
  preview?(input: unknown, ctx: ToolContext): Promise<ToolPreview | ToolResult>;
  /** Never throws: bad input and failures come back as `isError` results. */
  execute(input: unknown, ctx?: ToolContext): Promise<ToolResult>;
}

export interface ToolSpec<S extends z.ZodObject> {
  name: string;
  description: string;
  category: ToolCategory;
  schema: S;
  preview?(input: z.output<S>, ctx: ToolContext): Promise<ToolPreview | ToolResult>;
  run(input: z.output<S>, ctx: ToolContext): Promise<ToolResult | string>;
}

/** A Tool from a zod schema: the JSON schema is derived from it and every input is checked against it. */
export function defineTool<S extends z.ZodObject>(spec: ToolSpec<S>): Tool {
  const { $schema: _ignored, ...inputSchema } = z.toJSONSchema(spec.schema, { io: 'input' }) as Record<
    string,
    unknown
  >;
  const parse = (input: unknown): { ok: true; data: z.output<S> } | { ok: false; error: ToolResult } => {
    const parsed = spec.schema.safeParse(input ?? {});
    if (parsed.success) return { ok: true, data: parsed.data };
    return {
      ok: false,
      error: toolError(`Invalid input for ${spec.name}: ${formatInputError(parsed.error)}`),
    };
  };
  const preview = spec.preview;
  return {
    name: spec.name,
    description: spec.description,
    category: spec.category,
    inputSchema: inputSchema as JsonSchemaObject,
    ...(preview
      ? {
          async preview(input: unknown, ctx: ToolContext) {
            const p = parse(input);
            if (!p.ok) return p.error;
            try {
              return await preview(p.data, ctx);
            } catch (err) {
              return toolError(`${spec.name} failed: ${errorText(err)}`);
            }
          },
        }
      : {}),
    async execute(input, ctx = {}) {
      const p = parse(input);
      if (!p.ok) return p.error;
      try {
        const out = await spec.run(p.data, ctx);
        return typeof out === 'string' ? { content: out } : out;
      } catch (err) {
        return toolError(`${spec.name} failed: ${errorText(err)}`);
      }
    },
  };
}

export function toolError(content: string): ToolResult {
  return { content, isError: true };
}

/** A tool that returns data: the value is sent to the model as JSON. */
export function jsonResult(value: unknown): string {
  return JSON.stringify(value);
}

/** The one formatter of a tool's input errors: zod's own, one issue per `; ` ("path: message"). */
export function formatInputError(error: z.ZodError): string {
  const out: string[] = [];
  for (const line of z.prettifyError(error).split('\n')) {
    const at = /^\s*→ at (.+)$/.exec(line);
    if (at && out.length) out[out.length - 1] = `${at[1]}: ${out[out.length - 1]}`;
    else if (line.trim()) out.push(line.replace(/^✖\s*/, '').trim());
  }
  return out.join('; ');
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A result of any shape (a hand-written test tool, a callback) as a ToolResult. */
export function toToolResult(out: unknown): ToolResult {
  if (typeof out === 'string') return { content: out };
  if (out && typeof out === 'object' && typeof (out as ToolResult).content === 'string') {
    const o = out as ToolResult;
    return { content: o.content, isError: !!o.isError };
  }
  if (out === undefined || out === null) return { content: '(no output)' };
  try {
    return { content: JSON.stringify(out) };
  } catch {
    return { content: String(out) };
  }
}
