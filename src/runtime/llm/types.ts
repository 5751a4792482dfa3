/**
 * The model layer's own types: what callers send and get back. They mirror the Anthropic Messages API
 * closely enough to be passed through, without making callers import the SDK.
 */
import type { ModelError } from './errors';
import type { PriceTable } from './pricing';
import type { RetryPolicy } from './retry';

export interface CacheControl {
  type: 'ephemeral';
}

export interface TextBlock {
  type: 'text';
  text: string;
  cache_control?: CacheControl;
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
  cache_control?: CacheControl;
}

export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: string | Array<TextBlock | Record<string, unknown>>;
  is_error?: boolean;
  cache_control?: CacheControl;
}

/**
 * Extended thinking as the API returns it. The signature is opaque and must come back unchanged with the
 * block on the next request of a tool-use turn, or the API refuses it.
 */
export interface ThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature: string;
}

/** Thinking the safety system encrypted: passed back as it came. */
export interface RedactedThinkingBlock {
  type: 'redacted_thinking';
  data: string;
}

/** Images and other block types pass through untouched. */
export interface OtherBlock {
  type: string;
  cache_control?: CacheControl;
  [key: string]: unknown;
}

export type ContentBlock = TextBlock | ToolUseBlock | ToolResultBlock | OtherBlock;

export interface ModelMessage {
  role: 'user' | 'assistant';
  content: string | ContentBlock[];
}

export interface ToolSpec {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}

export interface ModelRequest {
  system?: string;
  messages: ModelMessage[];
  tools?: ToolSpec[];
  /** Overrides the provider's model / max tokens for this call. */
  model?: string;
  maxTokens?: number;
  temperature?: number;
  stopSequences?: string[];
  /** Prompt caching for this call (default: the provider's setting, on by default). */
  cache?: boolean;
  /** Extended thinking with this token budget (the API's minimum is 1024); absent = off. */
  thinking?: { budgetTokens: number };
}

export interface TurnUsage {
  /** Uncached input tokens, as the API reports `input_tokens`. */
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  /** USD, when the model's price is known. */
  cost_usd?: number;
}

/** A tool call the model made; `input` is `{}` and `inputError` is set when its JSON did not parse. */
export interface AssembledToolUse extends ToolUseBlock {
  /** The JSON text exactly as streamed. */
  rawInput: string;
  inputError?: string;
}

export interface ModelTurn {
  /** Thinking, text and tool_use blocks in the order the model produced them. */
  content: Array<TextBlock | AssembledToolUse | ThinkingBlock | RedactedThinkingBlock>;
  /** The turn's thinking blocks, signatures kept, to be sent back with it. */
  thinkingBlocks: Array<ThinkingBlock | RedactedThinkingBlock>;
  /** All text blocks joined. */
  text: string;
  toolUses: AssembledToolUse[];
  stopReason: string;
  model: string;
  usage: TurnUsage;
  /** How many HTTP tries this turn took (1 = no retry). */
  attempts: number;
  requestId?: string;
}

export interface RetryInfo {
  /** The try that failed, from 1. */
  attempt: number;
  maxAttempts: number;
  delayMs: number;
  error: ModelError;
  /**
   * True when this try had already streamed text or tool input to the callbacks. The whole turn is
   * retried from scratch, so the caller must throw that partial output away (the next try starts a
   * new snapshot).
   */
  discardPartial: boolean;
}

export interface StreamCallbacks {
  /** `snapshot` is all text of this try so far. */
  onTextDelta?(delta: string, snapshot: string): void;
  /** `snapshot` is all thinking text of this try so far. */
  onThinkingDelta?(delta: string, snapshot: string): void;
  onToolUseStart?(tool: { index: number; id: string; name: string }): void;
  onToolInputDelta?(tool: {
    index: number;
    id: string;
    name: string;
    partialJson: string;
    snapshot: string;
  }): void;
  onRetry?(info: RetryInfo): void;
}

export interface CallOptions {
  signal?: AbortSignal;
  callbacks?: StreamCallbacks;
}

/** What the agent loop and every other caller depend on. */
export interface ModelProvider {
  readonly model: string;
  /** The model's context window in tokens, when known (used to decide compaction). */
  readonly contextWindow: number;
  /** One streamed model turn, retried per the policy. Throws ModelError. */
  streamTurn(req: ModelRequest, opts?: CallOptions): Promise<ModelTurn>;
  /** One non-streamed call (JSON-mode helpers, summaries), retried per the policy. Throws ModelError. */
  complete(
    req: ModelRequest,
    opts?: { signal?: AbortSignal; onRetry?: StreamCallbacks['onRetry'] },
  ): Promise<ModelTurn>;
}

export interface ModelConfig {
  model: string;
  apiKey: string;
  /** Any Anthropic-compatible endpoint; default https://api.anthropic.com. */
  baseURL?: string;
  /** Default 8192. */
  maxTokens?: number;
  /** Per HTTP request, until response headers (ms). Default 10 minutes. */
  timeoutMs?: number;
  /** A stream that goes this long without an event is treated as dropped (ms). Default 120 s. */
  streamIdleTimeoutMs?: number;
  /** Context window in tokens; default from the model table (200k when unknown). */
  contextWindow?: number;
  retry?: Partial<RetryPolicy>;
  /** Extra or overriding prices, USD per million tokens. */
  prices?: PriceTable;
  /** Prompt caching (cache_control on the system prompt and the conversation prefix). Default true. */
  promptCaching?: boolean;
  defaultHeaders?: Record<string, string>;
}
