import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { Tool } from '../../../src/runtime/agent';
import type { HiveEvent } from '../../../src/runtime/events';
import { type LiveSession, SessionManager, type SessionManagerOptions } from '../../../src/runtime/session';
import { defineTool } from '../../../src/runtime/tools';
import { providerFor } from '../../support/provider-fixture';
import { type ScriptedServer, startScriptedServer } from '../../support/scripted-anthropic-server';

export function tempDir(prefix = 'hive-session-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export const quietLogger = { warn() {}, info() {} };

/** A manager on a temp home talking to the scripted server; reflection off unless asked for. */
export function managerFor(
  home: string,
  server: ScriptedServer,
  opts: Partial<SessionManagerOptions> = {},
): SessionManager {
  return new SessionManager({
    hiveHome: home,
    provider: async () => providerFor(server).provider,
    logger: quietLogger,
    reflection: false,
    ...opts,
  });
}

/** Records every event of a session's bus. */
export function record(session: LiveSession): HiveEvent[] {
  const events: HiveEvent[] = [];
  session.bus.subscribeAll((e) => {
    events.push(e);
  });
  return events;
}

/** Resolves with the first event on the bus matching `pred` (from now on). */
export function nextEvent(
  session: LiveSession,
  pred: (e: HiveEvent) => boolean,
  timeoutMs = 10_000,
): Promise<HiveEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for an event'));
    }, timeoutMs);
    const off = session.bus.subscribeAll((e) => {
      if (!pred(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

export function customKind(kind: string) {
  return (e: HiveEvent) => e.type === 'custom' && (e.data as Record<string, unknown>).kind === kind;
}

export interface SessionTestEnv {
  server: ScriptedServer;
  home: string;
}

/**
 * Mocha hooks for a session test: a fresh scripted model server and HIVE_HOME before each test (handed
 * to `use`), both closed and removed after it.
 */
export function useSessionTestEnv(use: (env: SessionTestEnv) => void, homePrefix?: string): void {
  let env: SessionTestEnv | undefined;
  beforeEach(async () => {
    env = { server: await startScriptedServer(), home: tempDir(homePrefix) };
    use(env);
  });
  afterEach(async () => {
    if (!env) return;
    await env.server.close();
    removeDir(env.home);
  });
}

/** A write-category tool (so it needs approval) that records the text of every call it ran. */
export function recordingWriteTool(calls: string[]): Tool {
  return defineTool({
    name: 'write_note',
    description: 'writes a note',
    category: 'write',
    schema: z.object({ text: z.string() }),
    async run({ text }) {
      calls.push(text);
      return 'written';
    },
  });
}
