/**
 * Runtime overhead per agent turn: the scripted Anthropic server runs in a child process with
 * zero model latency; we time (a) a raw streaming HTTP request (fetch + JSON.stringify, read to the end)
 * carrying the same conversation as the turn, and (b) a full AgentLoop turn through the real SDK with
 * Hive part files and events.jsonl persistence. Overhead per turn = (b) − (a): what our runtime adds on
 * top of the wire. The conversation grows by two messages a turn, so (a) grows with it: otherwise the
 * server's parsing of an ever longer request would count as ours. (c), a request with one message (the
 * first baseline of this bench), is printed too. The three are interleaved, round by round in rotating
 * order, so a neighbour's load on a shared machine weighs on all alike. BENCH_STORE=memory swaps the part
 * files for an in-memory store, to separate the cost of durable part writes from the rest.
 *
 * The session files go where real ones live, under the home folder (next to ~/.hive, never in it), not
 * in the temp folder: on a shared test machine /tmp is crowded by every test run, and creating a file
 * there cost 0.1–0.8 ms against ~0.01 ms in the home folder of the same disk. BENCH_DIR=/tmp measures
 * that case.
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
const SYSTEM = 'You are a benchmark queen.';
/** The scripted server's default responder echoes the last user text. */
const REPLY = `Echo: ${MESSAGE}`;

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

type RawMessage = { role: 'user' | 'assistant'; content: Array<{ type: 'text'; text: string }> };

const text = (t: string) => [{ type: 'text' as const, text: t }];

async function rawTurn(url: string, history: RawMessage[]): Promise<void> {
  const res = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'bench', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({
      model: 'claude-haiku-4-5',
      max_tokens: 8192,
      stream: true,
      system: [{ type: 'text', text: SYSTEM }],
      messages: [...history, { role: 'user', content: text(MESSAGE) }],
    }),
  });
  await res.text();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export async function run(): Promise<void> {
  const { url, child } = await startServerProcess();
  const dir = mkdtempSync(path.join(process.env.BENCH_DIR ?? os.homedir(), '.hive-bench-turn-'));
  try {
    const bus = new EventBus();
    const log = EventLog.attach(bus, path.join(dir, 'events.jsonl'));
    const provider = new AnthropicProvider({ model: 'claude-haiku-4-5', apiKey: 'bench', baseURL: url });
    const store =
      process.env.BENCH_STORE === 'memory'
        ? new MemoryStore()
        : new PartStore(path.join(dir, 'conversations'));
    const loop = new AgentLoop({
      provider,
      store,
      systemPrompt: SYSTEM,
      emit: (type, data) => {
        if (isHiveEventType(type)) bus.publish({ type, stream_id: 'queen', node_id: 'queen', data });
      },
      // One model call per turn: the scripted reply is plain text, so the turn ends there anyway.
      maxModelCalls: 1,
    });
    const history: RawMessage[] = [];
    const raw: number[] = [];
    const rawOne: number[] = [];
    const turns: number[] = [];
    const steps: Array<[number[], () => Promise<unknown>]> = [
      [raw, () => rawTurn(url, history)],
      [rawOne, () => rawTurn(url, [])],
      [turns, () => loop.send(MESSAGE)],
    ];
    for (let i = 0; i < WARMUP + TURNS; i++) {
      for (let k = 0; k < steps.length; k++) {
        const [into, step] = steps[(i + k) % steps.length]!;
        const t = performance.now();
        await step();
        if (i >= WARMUP) into.push(performance.now() - t);
      }
      history.push({ role: 'user', content: text(MESSAGE) }, { role: 'assistant', content: text(REPLY) });
    }
    // Not timed: what a session's stop does (the parts' fsyncs, the cursor).
    if (store instanceof PartStore) await store.flush();
    log.close();

    const overheadMedian = median(turns) - median(raw);
    const overheadMean = mean(turns) - mean(raw);
    console.log(
      `turns measured: ${TURNS} (after ${WARMUP} warm-up), server in a child process, zero model latency, ` +
        `store: ${process.env.BENCH_STORE === 'memory' ? 'memory' : `Hive part files in ${path.dirname(dir)}`}`,
    );
    console.log(
      `raw streaming request      median ${median(raw).toFixed(2)} ms  mean ${mean(raw).toFixed(2)} ms  (same conversation)`,
    );
    console.log(
      `raw, one message           median ${median(rawOne).toFixed(2)} ms  mean ${mean(rawOne).toFixed(2)} ms`,
    );
    console.log(
      `AgentLoop turn (SDK+parts+events) median ${median(turns).toFixed(2)} ms  mean ${mean(turns).toFixed(2)} ms`,
    );
    console.log(
      `runtime overhead per turn  median ${overheadMedian.toFixed(2)} ms  mean ${overheadMean.toFixed(2)} ms  (goal < 2 ms)`,
    );
    console.log(
      `  against one message      median ${(median(turns) - median(rawOne)).toFixed(2)} ms  mean ${(mean(turns) - mean(rawOne)).toFixed(2)} ms  (includes the longer request)`,
    );
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
