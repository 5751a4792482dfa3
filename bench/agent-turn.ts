/**
 * Runtime overhead per agent turn (issue 3): the scripted Anthropic server runs in a child process with
 * zero model latency; we time (a) a raw streaming HTTP request for the same reply, read to the end, and
 * (b) a full AgentLoop turn through the real SDK with Hive part files and events.jsonl persistence.
 * Overhead per turn = (b) − (a): what our runtime adds on top of the wire. BENCH_STORE=memory swaps the
 * part files for an in-memory store, to separate the fsync cost of durable part writes from the rest.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { AgentLoop } from '../src/runtime/agent';
import { EventBus, EventLog, isHiveEventType } from '../src/runtime/events';
import { AnthropicProvider } from '../src/runtime/llm';
import { PartStore } from '../src/runtime/storage/parts';
import { MemoryStore } from '../test/support/memory-store';

export const name = 'agent-turn';

const TURNS = 200;
const WARMUP = 20;
const MESSAGE = 'Summarise the colony status in one short paragraph please.';

async function startServerProcess(): Promise<{ url: string; child: ChildProcess }> {
  const tsx = path.join(__dirname, '..', 'node_modules', '.bin', 'tsx');
  const child = spawn(
    tsx,
    [path.join(__dirname, '..', 'test/support/scripted-anthropic-server.ts'), '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    const parsed = JSON.parse(line) as { url: string };
    return { url: parsed.url, child };
  }
  throw new Error('scripted server exited before printing its address');
}

async function rawTurn(url: string): Promise<void> {
  const res = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'bench', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({
      model: 'claude-haiku-4-5',
      max_tokens: 1024,
      stream: true,
      messages: [{ role: 'user', content: MESSAGE }],
    }),
  });
  await res.text();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export async function run(): Promise<void> {
  const { url, child } = await startServerProcess();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hive-bench-turn-'));
  try {
    const raw: number[] = [];
    for (let i = 0; i < WARMUP + TURNS; i++) {
      const t = performance.now();
      await rawTurn(url);
      if (i >= WARMUP) raw.push(performance.now() - t);
    }

    const bus = new EventBus();
    const log = EventLog.attach(bus, path.join(dir, 'events.jsonl'));
    const provider = new AnthropicProvider({ model: 'claude-haiku-4-5', apiKey: 'bench', baseURL: url });
    const loop = new AgentLoop({
      provider,
      store:
        process.env.BENCH_STORE === 'memory'
          ? new MemoryStore()
          : new PartStore(path.join(dir, 'conversations')),
      systemPrompt: 'You are a benchmark queen.',
      emit: (type, data) => {
        if (isHiveEventType(type)) bus.publish({ type, stream_id: 'queen', node_id: 'queen', data });
      },
      // Keep the context small so each turn sends a similar request to the raw baseline.
      maxModelCalls: 1,
    });
    const turns: number[] = [];
    for (let i = 0; i < WARMUP + TURNS; i++) {
      const t = performance.now();
      await loop.send(MESSAGE);
      if (i >= WARMUP) turns.push(performance.now() - t);
    }
    await log.close();

    const overheadMedian = median(turns) - median(raw);
    const overheadMean = mean(turns) - mean(raw);
    console.log(
      `turns measured: ${TURNS} (after ${WARMUP} warm-up), server in a child process, zero model latency`,
    );
    console.log(
      `raw streaming request      median ${median(raw).toFixed(2)} ms  mean ${mean(raw).toFixed(2)} ms`,
    );
    console.log(
      `AgentLoop turn (SDK+parts+events) median ${median(turns).toFixed(2)} ms  mean ${mean(turns).toFixed(2)} ms`,
    );
    console.log(
      `runtime overhead per turn  median ${overheadMedian.toFixed(2)} ms  mean ${overheadMean.toFixed(2)} ms  (goal < 2 ms)`,
    );
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
