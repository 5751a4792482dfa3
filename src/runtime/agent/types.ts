/**
 * What the agent loop is built from: tools, a conversation store (PartStore satisfies it structurally),
 * an emit callback for Hive events, and an approval callback. The tool shape is src/runtime/tools/tool.ts.
 */
import type { ConversationPart } from '../storage/parts';

export type { ConversationPart, HiveToolCall } from '../storage/parts';

/** The loop's only dependency on storage. */
export interface ConversationStore {
  readAll(): Promise<ConversationPart[]>;
  append(part: Omit<ConversationPart, 'seq'>): Promise<ConversationPart>;
}

export type { Emit, Tool, ToolCategory, ToolContext, ToolResult } from '../tools/tool';
