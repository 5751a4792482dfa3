import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Complete, CompletionRequest } from '../../../src/runtime/queen/types';

type Step = string | Error | ((req: CompletionRequest) => string | Promise<string>);

/**
 * A scripted completer: answers the queen modules' one-shot model calls with the given replies in
 * order (an Error rejects) and records every request. The real provider is tested elsewhere
 * against the scripted SSE server.
 */
export function scriptedCompleter(steps: Step[]): Complete & { requests: CompletionRequest[] } {
  const requests: CompletionRequest[] = [];
  const complete = async (req: CompletionRequest) => {
    requests.push(req);
    const step = steps.shift();
    if (step === undefined) throw new Error(`scripted completer: no reply left for call #${requests.length}`);
    if (step instanceof Error) throw step;
    return typeof step === 'function' ? step(req) : step;
  };
  return Object.assign(complete, { requests });
}

export async function tempDir(
  prefix = 'hive-queen-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A promise with its resolve exposed, to hold a scripted reply until the test lets it go. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
