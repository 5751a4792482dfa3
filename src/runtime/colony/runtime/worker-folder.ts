import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ConversationPart } from '../../storage/parts';
import { PartStore } from '../../storage/parts';
import { spawnTaskText } from './texts';

/**
 * Rule 15: `<session>/workers/<id>/conversations/` starts as a copy of the queen's conversation (parts and
 * conversation meta, not the cursor: the worker starts fresh) plus one user part carrying the task, so the
 * worker sees what the user and the queen already settled.
 */
export async function prepareWorkerFolder(opts: {
  sessionDir: string;
  workerId: string;
  queenParts: ConversationPart[];
  task: string;
  data?: Record<string, unknown>;
}): Promise<{ dir: string; store: PartStore }> {
  const dir = path.join(opts.sessionDir, 'workers', opts.workerId);
  const conversations = path.join(dir, 'conversations');
  await mkdir(conversations, { recursive: true });
  await copyFile(
    path.join(opts.sessionDir, 'conversations', 'meta.json'),
    path.join(conversations, 'meta.json'),
  ).catch(() => undefined); // the queen's meta is written lazily; a worker does without it
  const store = new PartStore(conversations);
  for (const { seq: _seq, ...part } of opts.queenParts) await store.append(part);
  await store.append({ role: 'user', content: spawnTaskText(opts.task, opts.data) });
  return { dir, store };
}
