import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { scaffoldColony } from '../../../src/runtime/colony';
import type { Timers } from '../../../src/runtime/colony/runtime';
import {
  type RecordedRequest,
  type ScriptedServer,
  type ScriptStep,
  startScriptedServer,
} from '../../support/scripted-anthropic-server';
import { removeDir, tempDir } from './helpers';

export const FIXTURE_COLONY = path.join(__dirname, '../../fixtures/colonies/research_colony');

/** A workspace folder with a fresh `.hive/` colony. */
export async function workspaceColony(
  parent: string,
  name = 'proj',
  goal = 'Summarise the notes',
): Promise<string> {
  const folder = path.join(parent, name);
  mkdirSync(folder, { recursive: true });
  await scaffoldColony(folder, { goal });
  return folder;
}

/** A copy of Hive's fixture colony (HIVE_HOME/colonies/<name> layout) under `parent`. */
export function fixtureColonyCopy(parent: string): string {
  const dest = path.join(parent, 'colonies', 'research_colony');
  cpSync(FIXTURE_COLONY, dest, { recursive: true });
  // Its webhook trigger starts with the colony: any free port, never Hive's 8090, in tests.
  const file = path.join(dest, 'triggers.json');
  const triggers = JSON.parse(readFileSync(file, 'utf8')) as Array<{
    trigger_config: Record<string, unknown>;
  }>;
  for (const t of triggers) if ('port' in t.trigger_config) t.trigger_config.port = 0;
  writeFileSync(file, JSON.stringify(triggers, null, 2));
  return dest;
}

/** Timers that fire only when the test says so. */
export class ManualTimers implements Timers {
  readonly scheduled: Array<{ ms: number; fn: () => void; cancelled: boolean }> = [];
  set(ms: number, fn: () => void): () => void {
    const entry = { ms, fn, cancelled: false };
    this.scheduled.push(entry);
    return () => {
      entry.cancelled = true;
    };
  }
  /** Fires every live timer of `ms`. */
  fire(ms: number): number {
    let n = 0;
    for (const e of this.scheduled) {
      if (e.ms !== ms || e.cancelled) continue;
      e.cancelled = true;
      e.fn();
      n++;
    }
    return n;
  }
}

type Msg = { role: string; content: unknown };

export function messagesOf(req: RecordedRequest): Msg[] {
  return (req.body.messages ?? []) as Msg[];
}

export function textOf(req: RecordedRequest): string {
  return JSON.stringify(req.body.messages ?? []);
}

export function systemOf(req: RecordedRequest): string {
  const s = req.body.system;
  return typeof s === 'string' ? s : JSON.stringify(s ?? '');
}

export const isWorkerRequest = (req: RecordedRequest): boolean =>
  systemOf(req).includes('You are a worker of the colony');

/** The `task: …` line of the worker's task message. */
export function taskOf(req: RecordedRequest): string {
  const all = [...textOf(req).matchAll(/task: ([^\\"]+)/g)];
  return all.at(-1)?.[1] ?? '';
}

/** How many model calls this worker conversation has already had (assistant turns in the request). */
export function workerTurn(req: RecordedRequest): number {
  const msgs = messagesOf(req);
  const start = msgs.findIndex((m) => JSON.stringify(m.content).includes('New task delegated by the queen'));
  return msgs.slice(start + 1).filter((m) => m.role === 'assistant').length;
}

/** Tool results in the request, flattened. */
export function toolResultsOf(req: RecordedRequest): Array<{ content: unknown; is_error?: boolean }> {
  return messagesOf(req).flatMap((m) =>
    Array.isArray(m.content)
      ? (m.content as Array<Record<string, unknown>>)
          .filter((b) => b.type === 'tool_result')
          .map((b) => ({ content: b.content, is_error: b.is_error as boolean | undefined }))
      : [],
  );
}

/** Routes requests to the queen's or the workers' script. */
export function router(
  queen: (req: RecordedRequest) => ScriptStep | Promise<ScriptStep>,
  worker: (req: RecordedRequest) => ScriptStep | Promise<ScriptStep>,
): (req: RecordedRequest) => ScriptStep | Promise<ScriptStep> {
  return (req) => (isWorkerRequest(req) ? worker(req) : queen(req));
}

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A promise the test opens by hand. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => {
    open = r;
  });
  return { wait, open };
}

/** The last message of the request, as JSON text. */
export function lastText(req: RecordedRequest): string {
  return JSON.stringify(messagesOf(req).at(-1)?.content ?? '');
}

/** True when the request's last message carries a tool result (the model is mid-turn). */
export function afterTool(req: RecordedRequest): boolean {
  const c = messagesOf(req).at(-1)?.content;
  return Array.isArray(c) && c.some((b) => (b as { type?: string }).type === 'tool_result');
}

/**
 * True for the request that answers the user's `message` (not a tool round, a worker report or a
 * phase note): the one turn where a scripted queen starts her run, so later turns never re-run it.
 */
export function isUserTurn(req: RecordedRequest, message: string): boolean {
  return !afterTool(req) && lastText(req).includes(JSON.stringify(message));
}

export interface ColonyTestEnv {
  server: ScriptedServer;
  home: string;
  work: string;
}

/**
 * Mocha hooks for a colony session test: a fresh scripted model server, HIVE_HOME and work folder
 * before each test (handed to `use`), all closed and removed after it.
 */
export function useColonyTestEnv(use: (env: ColonyTestEnv) => void): void {
  let env: ColonyTestEnv | undefined;
  beforeEach(async () => {
    env = { server: await startScriptedServer(), home: tempDir(), work: tempDir('hive-work-') };
    use(env);
  });
  afterEach(async () => {
    if (!env) return;
    await env.server.close();
    removeDir(env.home);
    removeDir(env.work);
  });
}
