// The UI tests' handle on the scripted model server that scripts/host/run-tests.ts started for the
// extension: queue replies for the next queen turns and read back what the extension sent.
import type { RecordedSummary, ScriptRequest } from '../../../scripts/host/model-server';

export { fault, reply } from '../../support/scripted-anthropic-script';

function controlUrl(): string {
  const url = process.env.HIVE_UI_MODEL_CONTROL;
  if (!url)
    throw new Error('HIVE_UI_MODEL_CONTROL is not set: run the UI suite through scripts/host-tests.sh');
  return url;
}

async function call<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${controlUrl()}${route}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : undefined,
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`model control ${method} ${route}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Queues replies; `reset` first forgets earlier steps and requests. An empty queue echoes slowly. */
export async function scriptModel(script: ScriptRequest): Promise<void> {
  await call('POST', '/script', script);
}

/** Every request the extension sent to the model since the last reset, oldest first. */
export function modelRequests(): Promise<RecordedSummary[]> {
  return call('GET', '/requests');
}
