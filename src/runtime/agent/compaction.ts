/**
 * Compaction near the context window: older turns are summarised by the model and replaced, in the
 * context only, by a marker part holding the summary. Part files are never rewritten or deleted, so the
 * transcript stays whole for readers; the loop sends summary + recent turns from then on (context.ts).
 */
import { complete } from '../llm/complete';
import { ModelError } from '../llm/errors';
import type { ModelProvider } from '../llm/types';
import { compactionMarkerContent, selectContext } from './context';
import type { ConversationPart, ConversationStore, Emit } from './types';

export interface CompactionSettings {
  enabled: boolean;
  /** Compact when the next request is estimated above this share of the context window. */
  threshold: number;
  /** Parts kept verbatim after the summary (moved forward so a call stays with its results). */
  keepRecentParts: number;
  summaryMaxTokens: number;
  /** A transcript longer than this is summarised in halves. */
  charLimit: number;
}

export const DEFAULT_COMPACTION: CompactionSettings = {
  enabled: true,
  threshold: 0.8,
  keepRecentParts: 4,
  summaryMaxTokens: 4096,
  charLimit: 240_000,
};

const MAX_SPLIT_DEPTH = 6;

/**
 * About 4 characters per token over the whole request as JSON, like Hive's estimate. The JSON length is
 * counted, not built: stringifying the whole conversation before every model call cost more than the
 * rest of the turn's bookkeeping (0.8 ms at 400 messages). Escapes are not counted (a heuristic anyway).
 */
export function estimateTokens(request: unknown): number {
  return Math.ceil(jsonLength(request) / 4);
}

/** JSON.stringify(value).length without the string, escapes aside. */
export function jsonLength(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'number':
    case 'boolean':
      return String(value).length;
    case 'object': {
      if (value === null) return 4;
      if (Array.isArray(value)) {
        let n = value.length > 0 ? value.length + 1 : 2;
        for (const item of value)
          n += item === undefined || typeof item === 'function' ? 4 : jsonLength(item);
        return n;
      }
      let n = 2;
      let keys = 0;
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        const item = (value as Record<string, unknown>)[key];
        if (item === undefined || typeof item === 'function') continue;
        n += key.length + 3 + jsonLength(item);
        keys++;
      }
      return n + Math.max(0, keys - 1);
    }
    default:
      return 0;
  }
}

/** Index of the first context part kept verbatim; parts before it are summarised. 0 = nothing to do. */
export function chooseBoundary(context: ConversationPart[], keepRecent: number, hasMarker: boolean): number {
  let b = Math.max(0, context.length - Math.max(0, keepRecent));
  while (b < context.length && context[b]!.role === 'tool') b++;
  // Re-summarising only the previous summary gains nothing.
  if (b <= (hasMarker ? 1 : 0)) return 0;
  return b < context.length ? b : 0;
}

export interface CompactionOutcome {
  marker: ConversationPart;
  level: 'llm' | 'fallback';
  partsCompacted: number;
}

export class Compactor {
  constructor(
    private readonly provider: ModelProvider,
    private readonly store: ConversationStore,
    private readonly emit: Emit,
    private readonly settings: CompactionSettings,
  ) {}

  /**
   * Compacts when `tokensNow` is over the threshold. Returns the marker appended, or undefined.
   * Throws only ModelError('aborted'); a failed summary call falls back to a plain, model-free summary.
   */
  async maybeCompact(
    all: ConversationPart[],
    tokensNow: number,
    signal: AbortSignal,
    fields: Partial<ConversationPart> = {},
  ): Promise<CompactionOutcome | undefined> {
    const window = this.provider.contextWindow;
    if (!this.settings.enabled || window <= 0 || tokensNow < window * this.settings.threshold)
      return undefined;
    const { parts: context, marker } = selectContext(all);
    const boundary = chooseBoundary(context, this.settings.keepRecentParts, marker !== undefined);
    if (boundary === 0) return undefined;
    const old = context.slice(0, boundary);
    let summary: string;
    let level: CompactionOutcome['level'] = 'llm';
    try {
      summary = await this.summarize(old, signal, 0);
    } catch (err) {
      if (signal.aborted || (err instanceof ModelError && err.kind === 'aborted')) throw err;
      summary = fallbackSummary(old);
      level = 'fallback';
    }
    const keepFrom = context[boundary]!.seq;
    const appended = await this.store.append({
      ...fields,
      role: 'user',
      content: compactionMarkerContent(keepFrom, summary),
      is_transition_marker: true,
    });
    const after = selectContext([...all, appended]).parts;
    const ratio = (n: number) => Math.round((n / window) * 100);
    this.emit('context_compacted', {
      level,
      usage_before: ratio(tokensNow),
      usage_after: ratio(estimateTokens(after.map((p) => p.content))),
      messages_compacted: old.length,
      summary_chars: summary.length,
      kept_from_seq: keepFrom,
    });
    return { marker: appended, level, partsCompacted: old.length };
  }

  private summarize(parts: ConversationPart[], signal: AbortSignal, depth: number): Promise<string> {
    return summarizeParts(this.provider, parts, { signal, settings: this.settings, depth });
  }
}

/**
 * The model's summary of `parts` (long transcripts in halves). Also used by the colony fork to compact
 * the inherited conversation into one part. Throws on a failed or empty summary.
 */
export async function summarizeParts(
  provider: ModelProvider,
  parts: ConversationPart[],
  opts: { signal?: AbortSignal; settings?: CompactionSettings; depth?: number } = {},
): Promise<string> {
  const settings = opts.settings ?? DEFAULT_COMPACTION;
  const depth = opts.depth ?? 0;
  const text = formatForSummary(parts);
  if (text.length > settings.charLimit && parts.length > 1 && depth < MAX_SPLIT_DEPTH) {
    const mid = Math.ceil(parts.length / 2);
    const a = await summarizeParts(provider, parts.slice(0, mid), { ...opts, depth: depth + 1 });
    const b = await summarizeParts(provider, parts.slice(mid), { ...opts, depth: depth + 1 });
    return `${a}\n\n${b}`;
  }
  const { text: summary } = await complete(provider, {
    system: SUMMARY_SYSTEM,
    prompt: summaryPrompt(text.slice(0, settings.charLimit)),
    maxTokens: settings.summaryMaxTokens,
    signal: opts.signal,
  });
  if (!summary.trim()) throw new ModelError('invalid_response', 'the summary came back empty');
  return summary.trim();
}

const SUMMARY_SYSTEM =
  'You compact the conversation history of an AI agent that is still working. Write a summary that lets ' +
  'it carry on without redoing work. Keep every rule, constraint and preference the user stated verbatim.';

function summaryPrompt(transcript: string): string {
  return (
    `Conversation so far:\n\n${transcript}\n\n` +
    'Summarise it under these headings, leaving out empty ones:\n' +
    '1. Request and goal\n2. Decisions and key facts\n3. Files and data touched (with paths)\n' +
    '4. Errors met and how they were resolved\n5. User instructions, verbatim\n6. Open tasks\n' +
    '7. Current work and the very next step\n'
  );
}

/** The transcript as the summariser sees it: long tool output cut, tool calls named. */
export function formatForSummary(parts: ConversationPart[]): string {
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);
  return parts
    .map((p) => {
      const text = p.content ?? '';
      if (p.is_transition_marker) return `[earlier summary]: ${text}`;
      if (p.role === 'tool') return `[tool result${p.is_error ? ', error' : ''}]: ${cut(text, 500)}`;
      if (p.role === 'assistant' && p.tool_calls?.length) {
        const calls = p.tool_calls
          .map((c) => `${c.function.name}(${cut(c.function.arguments, 200)})`)
          .join(', ');
        return `[assistant, calling ${calls}]: ${cut(text, 1000)}`;
      }
      return `[${p.role}]: ${text}`;
    })
    .join('\n\n');
}

/** Used when the summary call fails: the user's words and the tools used, without a model. */
export function fallbackSummary(parts: ConversationPart[]): string {
  const users = parts
    .filter((p) => p.role === 'user' && !p.is_transition_marker && p.content)
    .slice(-20)
    .map((p) => `- ${p.content!.length > 400 ? `${p.content!.slice(0, 400)}…` : p.content}`);
  const tools = new Map<string, number>();
  for (const p of parts)
    for (const c of p.tool_calls ?? []) tools.set(c.function.name, (tools.get(c.function.name) ?? 0) + 1);
  const previous = parts.find((p) => p.is_transition_marker)?.content;
  const lines = ['(Automatic summary: the model summary was unavailable.)'];
  if (previous) lines.push('', 'Earlier summary:', previous);
  if (users.length) lines.push('', 'User messages:', ...users);
  if (tools.size)
    lines.push('', `Tools already called: ${[...tools].map(([n, c]) => `${n} (${c}x)`).join(', ')}`);
  return lines.join('\n');
}
