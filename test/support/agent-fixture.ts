import { z } from 'zod';
import { AgentLoop, type AgentLoopOptions, type ConversationStore, type Tool } from '../../src/runtime/agent';
import { abortableSleep, type ModelConfig, type ProviderDeps } from '../../src/runtime/llm';
import { defineTool, toToolResult } from '../../src/runtime/tools';
import { MemoryStore } from './memory-store';
import { providerFor } from './provider-fixture';
import type { ScriptedServer } from './scripted-anthropic-server';

export interface RecordedEvent {
  type: string;
  data: Record<string, unknown>;
}

export interface AgentFixture {
  loop: AgentLoop;
  store: ConversationStore;
  events: RecordedEvent[];
  delays: number[];
  of(type: string): Array<Record<string, unknown>>;
}

/** An AgentLoop on the scripted server, an in-memory store by default, and every emitted event recorded. */
export function agentFor(
  server: ScriptedServer,
  opts: Partial<AgentLoopOptions> = {},
  config: Partial<ModelConfig> = {},
  deps: ProviderDeps = {},
): AgentFixture {
  const { provider, delays } = providerFor(server, config, deps);
  const events: RecordedEvent[] = [];
  const store = opts.store ?? new MemoryStore();
  const loop = new AgentLoop({
    provider,
    store,
    systemPrompt: 'You are a test agent.',
    emit: (type, data) => events.push({ type, data }),
    ...opts,
  });
  return {
    loop,
    store,
    events,
    delays,
    of: (type) => events.filter((e) => e.type === type).map((e) => e.data),
  };
}

/** A tool whose calls are recorded; `impl` decides the result. */
export function recordingTool(
  name: string,
  category: Tool['category'],
  impl: (input: Record<string, unknown>, signal: AbortSignal) => unknown = () => `${name} ok`,
): Tool & { calls: Array<Record<string, unknown>> } {
  const calls: Array<Record<string, unknown>> = [];
  const tool = defineTool({
    name,
    description: `the ${name} tool`,
    category,
    schema: z.looseObject({}),
    async run(input, ctx) {
      calls.push(input);
      // A thrown error stays thrown: the tests of the runner check what it makes of one.
      return toToolResult(await impl(input, ctx.signal ?? new AbortController().signal));
    },
  });
  return { ...tool, calls };
}

/** Provider deps that wait for real between tries (abortable), for tests of Stop during a backoff. */
export const realSleep: ProviderDeps = { sleep: abortableSleep };
