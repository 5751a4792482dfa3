/**
 * Builds one model turn from the raw Messages API stream events: thinking blocks (thinking_delta pieces and
 * their signature_delta), text blocks, tool_use blocks with their input assembled from `input_json_delta`
 * pieces, stop reason and usage. It forwards deltas to the
 * caller's callbacks and remembers whether anything reached them (a retry must then discard it).
 */
import { IncompleteStreamError } from './errors';
import type {
  AssembledToolUse,
  ModelTurn,
  RedactedThinkingBlock,
  StreamCallbacks,
  TextBlock,
  ThinkingBlock,
  TurnUsage,
} from './types';

interface RawUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/** The subset of RawMessageStreamEvent we read; other event and block types are ignored. */
export type RawStreamEvent =
  | { type: 'message_start'; message: { id?: string; model?: string; usage?: RawUsage } }
  | {
      type: 'content_block_start';
      index: number;
      content_block: { type: string; id?: string; name?: string; data?: string };
    }
  | {
      type: 'content_block_delta';
      index: number;
      delta: { type: string; text?: string; partial_json?: string; thinking?: string; signature?: string };
    }
  | { type: 'content_block_stop'; index: number }
  | { type: 'message_delta'; delta: { stop_reason?: string | null }; usage?: RawUsage }
  | { type: 'message_stop' }
  | { type: string };

type Block =
  | { kind: 'text'; text: string }
  | { kind: 'tool'; id: string; name: string; json: string }
  | { kind: 'thinking'; thinking: string; signature: string }
  | { kind: 'redacted'; data: string }
  | null;

export class TurnAssembler {
  private readonly blocks = new Map<number, Block>();
  private text = '';
  private thinking = '';
  private stopReason = '';
  private model = '';
  private usage: TurnUsage = {
    input_tokens: 0,
    output_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
  };
  private stopped = false;
  private deliveredAny = false;

  constructor(
    private readonly callbacks: StreamCallbacks = {},
    fallbackModel = '',
  ) {
    this.model = fallbackModel;
  }

  /** True once any text or tool input reached the callbacks. */
  get delivered(): boolean {
    return this.deliveredAny;
  }

  handle(event: RawStreamEvent): void {
    switch (event.type) {
      case 'message_start': {
        const e = event as Extract<RawStreamEvent, { type: 'message_start' }>;
        if (e.message.model) this.model = e.message.model;
        this.mergeUsage(e.message.usage);
        return;
      }
      case 'content_block_start': {
        const e = event as Extract<RawStreamEvent, { type: 'content_block_start' }>;
        const b = e.content_block;
        if (b.type === 'text') this.blocks.set(e.index, { kind: 'text', text: '' });
        else if (b.type === 'tool_use') {
          const id = b.id ?? `toolu_missing_${e.index}`;
          const name = b.name ?? '';
          this.blocks.set(e.index, { kind: 'tool', id, name, json: '' });
          this.deliveredAny = true;
          this.callbacks.onToolUseStart?.({ index: e.index, id, name });
        } else if (b.type === 'thinking')
          this.blocks.set(e.index, { kind: 'thinking', thinking: '', signature: '' });
        else if (b.type === 'redacted_thinking')
          this.blocks.set(e.index, { kind: 'redacted', data: typeof b.data === 'string' ? b.data : '' });
        else this.blocks.set(e.index, null); // server tools: not part of our turn
        return;
      }
      case 'content_block_delta': {
        const e = event as Extract<RawStreamEvent, { type: 'content_block_delta' }>;
        const block = this.blocks.get(e.index);
        if (!block) return;
        if (block.kind === 'text' && e.delta.type === 'text_delta' && e.delta.text) {
          block.text += e.delta.text;
          this.text += e.delta.text;
          this.deliveredAny = true;
          this.callbacks.onTextDelta?.(e.delta.text, this.text);
        } else if (block.kind === 'thinking' && e.delta.type === 'thinking_delta' && e.delta.thinking) {
          block.thinking += e.delta.thinking;
          this.thinking += e.delta.thinking;
          this.deliveredAny = true;
          this.callbacks.onThinkingDelta?.(e.delta.thinking, this.thinking);
        } else if (block.kind === 'thinking' && e.delta.type === 'signature_delta') {
          block.signature += e.delta.signature ?? '';
        } else if (block.kind === 'tool' && e.delta.type === 'input_json_delta') {
          const piece = e.delta.partial_json ?? '';
          if (!piece) return;
          block.json += piece;
          this.deliveredAny = true;
          this.callbacks.onToolInputDelta?.({
            index: e.index,
            id: block.id,
            name: block.name,
            partialJson: piece,
            snapshot: block.json,
          });
        }
        return;
      }
      case 'message_delta': {
        const e = event as Extract<RawStreamEvent, { type: 'message_delta' }>;
        if (e.delta.stop_reason) this.stopReason = e.delta.stop_reason;
        this.mergeUsage(e.usage);
        return;
      }
      case 'message_stop':
        this.stopped = true;
        return;
      default:
        return;
    }
  }

  /** The finished turn. Throws IncompleteStreamError when the stream ended before message_stop. */
  finish(): Omit<ModelTurn, 'attempts' | 'requestId'> {
    if (!this.stopped) throw new IncompleteStreamError();
    const content: ModelTurn['content'] = [];
    const thinkingBlocks: Array<ThinkingBlock | RedactedThinkingBlock> = [];
    const indexes = [...this.blocks.keys()].sort((a, b) => a - b);
    for (const i of indexes) {
      const b = this.blocks.get(i);
      if (!b) continue;
      if (b.kind === 'text') {
        if (b.text) content.push({ type: 'text', text: b.text });
      } else if (b.kind === 'thinking') {
        const block: ThinkingBlock = { type: 'thinking', thinking: b.thinking, signature: b.signature };
        content.push(block);
        thinkingBlocks.push(block);
      } else if (b.kind === 'redacted') {
        const block: RedactedThinkingBlock = { type: 'redacted_thinking', data: b.data };
        content.push(block);
        thinkingBlocks.push(block);
      } else content.push(toolUse(b.id, b.name, b.json));
    }
    return {
      content,
      thinkingBlocks,
      text: this.text,
      toolUses: content.filter((b): b is AssembledToolUse => b.type === 'tool_use'),
      stopReason: this.stopReason || 'end_turn',
      model: this.model,
      usage: { ...this.usage },
    };
  }

  private mergeUsage(u: RawUsage | undefined): void {
    if (!u) return;
    // message_delta repeats cumulative counts; a null or missing field keeps what message_start said.
    if (typeof u.input_tokens === 'number') this.usage.input_tokens = u.input_tokens;
    if (typeof u.output_tokens === 'number') this.usage.output_tokens = u.output_tokens;
    if (typeof u.cache_read_input_tokens === 'number')
      this.usage.cache_read_input_tokens = u.cache_read_input_tokens;
    if (typeof u.cache_creation_input_tokens === 'number')
      this.usage.cache_creation_input_tokens = u.cache_creation_input_tokens;
  }
}

/** A tool call from its streamed JSON; unparseable or non-object input becomes `{}` plus `inputError`. */
export function toolUse(id: string, name: string, json: string): AssembledToolUse {
  const raw = json.trim() === '' ? '{}' : json;
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return { type: 'tool_use', id, name, input: parsed as Record<string, unknown>, rawInput: raw };
    return {
      type: 'tool_use',
      id,
      name,
      input: {},
      rawInput: raw,
      inputError: 'tool input is not a JSON object',
    };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return {
      type: 'tool_use',
      id,
      name,
      input: {},
      rawInput: raw,
      inputError: `invalid JSON tool input: ${why}`,
    };
  }
}
