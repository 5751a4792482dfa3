// The live side of extended thinking and of the context gauge, for the session feed: thinking streamed as
// llm_reasoning_delta (Hive: core/framework/host/event_bus.py emit_llm_reasoning_delta, content + snapshot)
// becomes `thinkingDelta` for a folded block; llm_turn_complete gives the gauge what the last call left in
// the context window. No vscode.
import { contextWindowFor } from '../../runtime/llm/context-window';
import type { ChatMessage, ContextGauge, HostToWebview } from '../../shared/protocol';
import { nonNegInt } from './session-sources';

export class LiveThinking {
  /** Thinking of the iteration in progress, by `${iteration}:${inner_turn}`. */
  private live = new Map<string, { id: string; text: string }>();
  private counter = 0;

  /** A reasoning delta: the block's whole text so far. */
  apply(d: Record<string, unknown>): HostToWebview {
    const key = `${nonNegInt(d.iteration)}:${nonNegInt(d.inner_turn)}`;
    let entry = this.live.get(key);
    if (!entry) {
      entry = {
        id: `live-thinking-${nonNegInt(d.iteration)}-${nonNegInt(d.inner_turn)}-${++this.counter}`,
        text: '',
      };
      this.live.set(key, entry);
    }
    const content = typeof d.content === 'string' ? d.content : '';
    entry.text = typeof d.snapshot === 'string' ? d.snapshot : entry.text + content;
    return { type: 'thinkingDelta', messageId: entry.id, snapshot: entry.text };
  }

  /** A retried call streams its thinking again from nothing. */
  discard(): void {
    this.live = new Map();
  }

  /** Thinking still streaming (or not in the transcript yet), for a panel that redraws mid-turn. */
  overlay(history: readonly ChatMessage[]): HostToWebview[] {
    const shown = new Set(history.slice(-20).flatMap((m) => (m.kind === 'thinking' ? [m.text] : [])));
    return [...this.live.values()]
      .filter((t) => t.text && !shown.has(t.text))
      .map((t) => ({
        type: 'message',
        message: { kind: 'thinking', id: t.id, text: t.text, streaming: true },
      }));
  }
}

/**
 * The gauge after a model call: our llm_turn_complete says `context_tokens` (the last call's whole input
 * plus its answer); Hive's, one per call, only input and output.
 */
export function contextFromTurn(d: Record<string, unknown>): ContextGauge | undefined {
  const tokens = nonNegInt(d.context_tokens) || nonNegInt(d.input_tokens) + nonNegInt(d.output_tokens);
  if (tokens === 0) return undefined;
  const model = typeof d.model === 'string' ? d.model : '';
  return { tokens, window: contextWindowFor(model), model };
}
