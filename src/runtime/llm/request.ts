/**
 * Turns a ModelRequest into the Messages API body, with prompt caching: one cache breakpoint on the
 * system prompt (which also covers the tools, cached before it) and one on the last block of the
 * conversation, so the next turn, which only appends, reads the whole prefix from the cache.
 */
import type { ContentBlock, ModelMessage, ModelRequest } from './types';

export interface RequestDefaults {
  model: string;
  maxTokens: number;
  promptCaching: boolean;
}

export interface MessagesBody {
  model: string;
  max_tokens: number;
  messages: ModelMessage[];
  system?: Array<{ type: 'text'; text: string; cache_control?: { type: 'ephemeral' } }>;
  tools?: Array<{ name: string; description: string; input_schema: Record<string, unknown> }>;
  temperature?: number;
  stop_sequences?: string[];
  thinking?: { type: 'enabled'; budget_tokens: number };
}

/** The API's smallest thinking budget. */
export const MIN_THINKING_BUDGET = 1024;

const EPHEMERAL = { type: 'ephemeral' } as const;

export function buildMessagesBody(req: ModelRequest, defaults: RequestDefaults): MessagesBody {
  const cache = req.cache ?? defaults.promptCaching;
  const maxTokens = req.maxTokens ?? defaults.maxTokens;
  const thinking = req.thinking && !toolLoopWithoutThinking(req.messages) ? req.thinking : undefined;
  // Without thinking, earlier turns' thinking blocks are left out (the API allows omitting them).
  const messages = thinking ? req.messages : withoutThinking(req.messages);
  const body: MessagesBody = {
    model: req.model ?? defaults.model,
    max_tokens: maxTokens,
    messages: cache ? withPrefixBreakpoint(messages) : messages,
  };
  if (thinking) {
    const budget = Math.max(MIN_THINKING_BUDGET, Math.floor(thinking.budgetTokens));
    body.thinking = { type: 'enabled', budget_tokens: budget };
    // The API wants max_tokens above the budget: the budget is part of the output.
    if (body.max_tokens <= budget) body.max_tokens = budget + maxTokens;
  }
  if (req.system)
    body.system = [{ type: 'text', text: req.system, ...(cache ? { cache_control: EPHEMERAL } : {}) }];
  if (req.tools && req.tools.length > 0)
    body.tools = req.tools.map((t) => ({
      name: t.name,
      description: t.description,
      input_schema: t.input_schema,
    }));
  // Thinking refuses any temperature but the default.
  if (req.temperature !== undefined && !thinking) body.temperature = req.temperature;
  if (req.stopSequences?.length) body.stop_sequences = req.stopSequences;
  return body;
}

/**
 * True while a tool loop that began without thinking is still running: the conversation ends in tool
 * results whose assistant turn has no thinking block first. The API refuses thinking there (a tool
 * loop's assistant turn must start with its thinking), so thinking turned on mid-loop waits for the
 * loop to end instead of failing the call.
 */
export function toolLoopWithoutThinking(messages: ModelMessage[]): boolean {
  const last = messages[messages.length - 1];
  if (!last || last.role !== 'user' || typeof last.content === 'string') return false;
  if (!last.content.some((b) => b.type === 'tool_result')) return false;
  const assistant = messages[messages.length - 2];
  if (!assistant || assistant.role !== 'assistant' || typeof assistant.content === 'string') return true;
  const first = assistant.content[0]?.type;
  return first !== 'thinking' && first !== 'redacted_thinking';
}

/** A copy of `messages` whose last cacheable block carries cache_control; the input is not mutated. */
export function withPrefixBreakpoint(messages: ModelMessage[]): ModelMessage[] {
  // Only messages that carry an old breakpoint are copied: the others are shared, not rebuilt every turn.
  const out = messages.map((m) =>
    hasCacheControl(m.content) ? { ...m, content: stripCacheControl(m.content) } : m,
  );
  for (let i = out.length - 1; i >= 0; i--) {
    const msg = out[i]!;
    const blocks: ContentBlock[] =
      typeof msg.content === 'string' ? [{ type: 'text', text: msg.content }] : [...msg.content];
    for (let j = blocks.length - 1; j >= 0; j--) {
      const b = blocks[j]!;
      if (!isCacheable(b)) continue;
      blocks[j] = { ...b, cache_control: EPHEMERAL } as ContentBlock;
      out[i] = { ...msg, content: blocks };
      return out;
    }
  }
  return out;
}

function withoutThinking(messages: ModelMessage[]): ModelMessage[] {
  return messages.map((m) =>
    typeof m.content !== 'string' && m.content.some(isThinking)
      ? { ...m, content: m.content.filter((b) => !isThinking(b)) }
      : m,
  );
}

function isThinking(b: ContentBlock): boolean {
  return b.type === 'thinking' || b.type === 'redacted_thinking';
}

function hasCacheControl(content: ModelMessage['content']): boolean {
  if (typeof content === 'string') return false;
  for (const b of content) if (b.cache_control) return true;
  return false;
}

/** Old breakpoints from earlier turns would count against the API's limit of four. */
function stripCacheControl(content: ModelMessage['content']): ModelMessage['content'] {
  if (typeof content === 'string') return content;
  return content.map((b) => {
    if (!b.cache_control) return b;
    const { cache_control: _drop, ...rest } = b;
    return rest as ContentBlock;
  });
}

function isCacheable(b: ContentBlock): boolean {
  // The API refuses cache_control on empty text and on thinking blocks.
  if (b.type === 'text') return (b as { text: string }).text.length > 0;
  return b.type !== 'thinking' && b.type !== 'redacted_thinking';
}
