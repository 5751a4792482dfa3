/**
 * Hive parts <-> Anthropic messages. Parts store assistant tool calls in OpenAI format (`tool_calls` with
 * JSON-string arguments, content null when there is no text) and results as `tool` parts; the API wants
 * tool_use blocks in the assistant message and tool_result blocks in the next user message.
 *
 * The conversion also repairs what a crash or a Stop can leave behind, so a request is always valid:
 * results without their call (or duplicated, or out of place) are dropped; calls without a result get a
 * synthetic error result; a user message written between a call and its results waits until they are in;
 * consecutive turns of the same role are merged; the conversation starts with a user turn.
 */
import type { AssembledToolUse, ContentBlock, ModelMessage, ModelTurn, ToolResultBlock } from '../llm/types';
import type { ConversationPart, HiveToolCall } from './types';

export const INTERRUPTED_RESULT = 'Tool execution was interrupted.';

type Flat =
  | { role: 'user'; blocks: ContentBlock[] }
  | { role: 'assistant'; blocks: ContentBlock[]; toolIds: string[] }
  | { role: 'tool'; id: string; block: ToolResultBlock };

export function partsToMessages(parts: ConversationPart[]): ModelMessage[] {
  const flat = parts.map(toFlat).filter((f): f is Flat => f !== undefined);
  const first = flat.findIndex((f) => f.role === 'user');
  return merge(repair(first < 0 ? [] : flat.slice(first)));
}

/** The assistant part for a finished model turn, in Hive's storage shape. */
export function assistantPartOf(
  turn: Pick<ModelTurn, 'text' | 'toolUses'> & Partial<Pick<ModelTurn, 'thinkingBlocks'>>,
): Omit<ConversationPart, 'seq'> {
  const part: Omit<ConversationPart, 'seq'> = { role: 'assistant', content: turn.text };
  if (turn.toolUses.length > 0) part.tool_calls = turn.toolUses.map(toHiveToolCall);
  // Hive: core/framework/agent_loop/conversation.py keeps thinking_blocks verbatim (signature included).
  if (turn.thinkingBlocks?.length) part.thinking_blocks = turn.thinkingBlocks.map((b) => ({ ...b }));
  return part;
}

export function toHiveToolCall(t: AssembledToolUse): HiveToolCall {
  return { id: t.id, type: 'function', function: { name: t.name, arguments: t.rawInput } };
}

function toFlat(p: ConversationPart): Flat | undefined {
  const text = typeof p.content === 'string' ? p.content : '';
  if (p.role === 'user') {
    const blocks: ContentBlock[] = text.trim() ? [{ type: 'text', text }] : [];
    blocks.push(...imageBlocks(p.image_content));
    return blocks.length ? { role: 'user', blocks } : undefined;
  }
  if (p.role === 'assistant') {
    const blocks: ContentBlock[] = text.trim() ? [{ type: 'text', text }] : [];
    const toolIds: string[] = [];
    for (const call of Array.isArray(p.tool_calls) ? p.tool_calls : []) {
      const id = call?.id;
      const name = call?.function?.name;
      if (typeof id !== 'string' || !id || typeof name !== 'string' || toolIds.includes(id)) continue;
      toolIds.push(id);
      blocks.push({ type: 'tool_use', id, name, input: parseArguments(call.function.arguments) });
    }
    // The API wants a turn's thinking first, as it came; a turn with nothing else is left out entirely.
    if (blocks.length) blocks.unshift(...thinkingBlocksOf(p.thinking_blocks));
    return blocks.length ? { role: 'assistant', blocks, toolIds } : undefined;
  }
  if (!p.tool_use_id) return undefined;
  const block: ToolResultBlock = {
    type: 'tool_result',
    tool_use_id: p.tool_use_id,
    content: text || '(no output)',
  };
  if (p.is_error) block.is_error = true;
  return { role: 'tool', id: p.tool_use_id, block };
}

/** Stored thinking blocks the API can take back: signed thinking, or redacted data. */
function thinkingBlocksOf(stored: unknown): ContentBlock[] {
  if (!Array.isArray(stored)) return [];
  const out: ContentBlock[] = [];
  for (const b of stored) {
    if (!b || typeof b !== 'object') continue;
    const t = b as Record<string, unknown>;
    if (
      t.type === 'thinking' &&
      typeof t.thinking === 'string' &&
      typeof t.signature === 'string' &&
      t.signature
    )
      out.push({ type: 'thinking', thinking: t.thinking, signature: t.signature });
    else if (t.type === 'redacted_thinking' && typeof t.data === 'string')
      out.push({ type: 'redacted_thinking', data: t.data });
  }
  return out;
}

/** Stored arguments are a JSON string; the API needs an object, and rejects a request with broken JSON. */
export function parseArguments(args: unknown): Record<string, unknown> {
  if (args && typeof args === 'object' && !Array.isArray(args)) return args as Record<string, unknown>;
  if (typeof args !== 'string' || args.trim() === '') return {};
  try {
    const v = JSON.parse(args) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return { _invalid_json: args.slice(0, 200) };
  }
}

function repair(flat: Flat[]): Flat[] {
  const out: Flat[] = [];
  let open: string[] = [];
  const answered = new Set<string>();
  let waiting: Flat[] = []; // user turns that arrived while tool calls were open
  const closeOpen = () => {
    for (const id of open) {
      out.push({
        role: 'tool',
        id,
        block: { type: 'tool_result', tool_use_id: id, content: INTERRUPTED_RESULT, is_error: true },
      });
      answered.add(id);
    }
    open = [];
    out.push(...waiting);
    waiting = [];
  };
  for (const f of flat) {
    if (f.role === 'tool') {
      if (!open.includes(f.id) || answered.has(f.id)) continue;
      answered.add(f.id);
      open = open.filter((id) => id !== f.id);
      out.push(f);
      if (open.length === 0) {
        out.push(...waiting);
        waiting = [];
      }
    } else if (f.role === 'user' && open.length > 0) {
      waiting.push(f);
    } else {
      closeOpen();
      out.push(f);
      if (f.role === 'assistant') open = f.toolIds.filter((id) => !answered.has(id));
    }
  }
  closeOpen();
  return out;
}

function merge(flat: Flat[]): ModelMessage[] {
  const out: Array<{ role: 'user' | 'assistant'; content: ContentBlock[] }> = [];
  for (const f of flat) {
    const role = f.role === 'assistant' ? 'assistant' : 'user';
    const blocks = f.role === 'tool' ? [f.block] : f.blocks;
    const last = out.at(-1);
    if (last && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: [...blocks] });
  }
  // Within a user turn the API wants tool results before any text.
  for (const m of out) {
    if (m.role !== 'user') continue;
    const results = m.content.filter((b) => b.type === 'tool_result');
    if (results.length && results.length < m.content.length)
      m.content = [...results, ...m.content.filter((b) => b.type !== 'tool_result')];
  }
  return out;
}

/** Images stored by Hive (OpenAI `image_url` data URLs) or as Anthropic image blocks. */
function imageBlocks(images: unknown): ContentBlock[] {
  if (!Array.isArray(images)) return [];
  const out: ContentBlock[] = [];
  for (const img of images) {
    if (!img || typeof img !== 'object') continue;
    const b = img as { type?: string; image_url?: { url?: string } | string; source?: unknown };
    if (b.type === 'image' && b.source) out.push(b as ContentBlock);
    else if (b.type === 'image_url') {
      const url = typeof b.image_url === 'string' ? b.image_url : b.image_url?.url;
      const m = /^data:(image\/[a-z+.-]+);base64,(.+)$/i.exec(url ?? '');
      if (m) out.push({ type: 'image', source: { type: 'base64', media_type: m[1], data: m[2] } });
    }
  }
  return out;
}
