import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ConversationPart } from '../../storage/parts';
import { PartStore } from '../../storage/parts';
import { spawnTaskText } from './texts';

/**
 * docs/hive-format.md §3 Rule 15: `<session>/workers/<id>/conversations/` starts as a copy of the queen's conversation (parts and
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
  for (const { seq: _seq, ...part } of withoutOpenCalls(opts.queenParts)) await store.append(part);
  await store.append({ role: 'user', content: spawnTaskText(opts.task, opts.data) });
  return { dir, store };
}

/**
 * The queen's tool calls still running when the worker is spawned (run_parallel_workers itself) have no
 * result yet; copied as they are, the worker would read them as interrupted. They are left out.
 */
function withoutOpenCalls(parts: ConversationPart[]): ConversationPart[] {
  const answered = new Set(parts.filter((p) => p.role === 'tool').map((p) => p.tool_use_id));
  const out: ConversationPart[] = [];
  for (const p of parts) {
    if (p.role !== 'assistant' || !p.tool_calls?.length) {
      out.push(p);
      continue;
    }
    const calls = p.tool_calls.filter((c) => answered.has(c.id));
    if (calls.length === p.tool_calls.length) out.push(p);
    else if (calls.length > 0) out.push({ ...p, tool_calls: calls });
    else if (typeof p.content === 'string' && p.content.trim()) {
      const { tool_calls: _open, ...rest } = p;
      out.push(rest);
    }
  }
  return out;
}
