/**
 * Scripted-server responder for bench/agent-tool-turn.ts: a user message gets three read-tool calls,
 * the tool results get a short text answer.
 */
import type { RecordedRequest, ScriptStep } from '../test/support/scripted-anthropic-server';

let counter = 0;

export default function responder(req: RecordedRequest): ScriptStep {
  const messages = (req.body?.messages ?? []) as Array<{ role: string; content: unknown }>;
  const last = messages.at(-1);
  const answersTools =
    Array.isArray(last?.content) &&
    (last.content as Array<{ type?: string }>).some((b) => b.type === 'tool_result');
  if (answersTools) return { kind: 'reply', content: [{ type: 'text', text: 'All three looked fine.' }] };
  return {
    kind: 'reply',
    content: [1, 2, 3].map((i) => ({
      type: 'tool_use' as const,
      id: `toolu_bench_${++counter}`,
      name: 'look',
      input: { item: i },
    })),
  };
}
