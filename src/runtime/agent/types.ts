/**
 * What the agent loop is built from: tools, a conversation store (PartStore satisfies it structurally),
 * an emit callback for Hive events, and an approval callback.
 */
import type { ConversationPart } from '../storage/parts';

export type { ConversationPart, HiveToolCall } from '../storage/parts';

/** The loop's only dependency on storage (CONTRACTS.md). */
export interface ConversationStore {
  readAll(): Promise<ConversationPart[]>;
  append(part: Omit<ConversationPart, 'seq'>): Promise<ConversationPart>;
}

/** The session wires this to `bus.publish({ type, stream_id, node_id, data, ... })`. */
export type Emit = (type: string, data: Record<string, unknown>) => void;

/**
 * Tools that read never ask; `write` and `command` ask for approval unless the user auto-approved the
 * category; `control` covers the agent's own lifecycle tools (phases, triggers, workers).
 */
export type ToolCategory = 'read' | 'write' | 'command' | 'control';

export interface ToolContext {
  toolUseId: string;
  /** Aborted when the user stops the turn. */
  signal: AbortSignal;
  emit: Emit;
}

export interface ToolOutput {
  content: string;
  isError?: boolean;
}

export interface Tool {
  name: string;
  description: string;
  /** JSON schema of the input object. */
  inputSchema: Record<string, unknown>;
  category: ToolCategory;
  /** A thrown error becomes an error result the model sees; any non-string value is sent as JSON. */
  execute(input: Record<string, unknown>, ctx: ToolContext): Promise<ToolOutput | string | unknown>;
}
