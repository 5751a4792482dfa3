/**
 * A tool turn's runtime cost: one user message answered with three read-tool calls and a final
 * text, i.e. two model calls and six parts (user, assistant with calls, three results, answer). The
 * scripted server runs in a child process with zero model latency. The same turns run once with Hive part
 * files and once with an in-memory store; the difference is what durable parts cost per tool turn.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { AgentLoop, type ConversationStore, type Tool } from '../src/runtime/agent';
import { AnthropicProvider } from '../src/runtime/llm';
import { PartStore } from '../src/runtime/storage/parts';
import { defineTool } from '../src/runtime/tools';
import { MemoryStore } from '../test/support/memory-store';

export const name = 'agent-tool-turn';

const TURNS = 100;
const WARMUP = 10;

async function startServerProcess(): Promise<{ url: string; child: ChildProcess }> {
  const tsx = path.join(__dirname, '..', 'node_modules', '.bin', 'tsx');
  const child = spawn(
    tsx,
    [
      path.join(__dirname, '..', 'test/support/scripted-anthropic-server.ts'),
      '--port',
      '0',
      '--responder',
      path.join(__dirname, 'tool-responder.ts'),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) return { url: (JSON.parse(line) as { url: string }).url, child };
  throw new Error('scripted server exited before printing its address');
}

const look: Tool = defineTool({
  name: 'look',
  description: 'Looks at one item.',
  category: 'read',
  schema: z.object({ item: z.number() }),
  run: async ({ item }) => `item ${item} looks fine`,
});

async function timeTurns(url: string, store: ConversationStore): Promise<number[]> {
  const loop = new AgentLoop({
    provider: new AnthropicProvider({ model: 'claude-haiku-4-5', apiKey: 'bench', baseURL: url }),
    store,
    systemPrompt: 'You are a benchmark queen.',
    tools: [look],
  });
  const times: number[] = [];
  for (let i = 0; i < WARMUP + TURNS; i++) {
    const t = performance.now();
    const result = await loop.send('Look at the three items please.');
    if (result.status !== 'completed' || result.modelCalls !== 2)
      throw new Error(`unexpected turn: ${result.status}, ${result.modelCalls} model calls`);
    if (i >= WARMUP) times.push(performance.now() - t);
  }
  return times;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export async function run(): Promise<void> {
  const { url, child } = await startServerProcess();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hive-bench-tools-'));
  try {
    const memory = await timeTurns(url, new MemoryStore());
    const files = new PartStore(path.join(dir, 'conversations'));
    const onDisk = await timeTurns(url, files);
    await files.flush();
    console.log(
      `tool turns measured: ${TURNS} (after ${WARMUP} warm-up): 2 model calls, 3 tools, 6 parts each`,
    );
    console.log(`in-memory parts   median ${median(memory).toFixed(2)} ms`);
    console.log(`Hive part files   median ${median(onDisk).toFixed(2)} ms`);
    console.log(
      `durable parts cost per tool turn  median ${(median(onDisk) - median(memory)).toFixed(2)} ms`,
    );
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
