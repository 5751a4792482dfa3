import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fallbackSummary, summarizeParts } from '../agent/compaction';
import { appendColonyForkMarker, makeColonyForkMarker } from '../events/persistence';
import type { ModelProvider } from '../llm/types';
import { updateMeta } from '../storage/meta';
import { type ConversationPart, PartStore } from '../storage/parts';
import { SESSION_LOCK_FILE } from '../storage/session-lock';
import { isTempFileName } from '../storage/temp-sweep';

/**
 * The fork of create_colony (Hive: core/framework/server/routes_execution.py fork_session_into_colony and
 * _compact_inherited_conversation): a copy of the queen's session under a new id, marked `colony_fork`
 * (hidden from the DM history) and `forked_from`, pointing at the colony, its inherited conversation
 * compacted into one `inherited_from` part, and a `colony_fork_marker` line in its events.jsonl.
 * Staged beside its final folder and renamed into place by `commit()`.
 */

export interface ForkInput {
  sourceId: string;
  sourceDir: string;
  forkId: string;
  queenId: string;
  colonyName: string;
  colonyFolder: string;
  /** The summary that replaces the inherited conversation. */
  summary: string;
  inheritedCount: number;
  now: number;
}

export interface StagedFork {
  dir: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/** Title case of a colony id, as Hive writes `agent_name`: `morning_digest` → `Morning Digest`. */
export function colonyTitle(name: string): string {
  return name
    .split('_')
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join(' ');
}

/**
 * The inherited conversation as one summary. Hive compacts in the background and keeps the raw transcript
 * when the model fails; here the call is awaited and a failure falls back to a model-free summary, so the
 * fork always opens with one part.
 */
export async function summarizeInherited(
  provider: ModelProvider,
  parts: ConversationPart[],
  signal?: AbortSignal,
): Promise<{ summary: string; fallback: boolean }> {
  if (parts.length === 0) return { summary: '(no earlier conversation)', fallback: false };
  try {
    return { summary: await summarizeParts(provider, parts, { signal }), fallback: false };
  } catch (err) {
    if (signal?.aborted) throw err;
    return { summary: fallbackSummary(parts), fallback: true };
  }
}

/** What is not copied: the process lock, the workers' folders and the transcript (replaced by the summary). */
const SKIPPED = new Set([
  SESSION_LOCK_FILE,
  'workers',
  path.join('conversations', 'parts'),
  path.join('conversations', 'partials'),
  path.join('conversations', 'cursor.json'),
]);

/**
 * Whether a path of the session (relative) goes into the fork: not SKIPPED, nor the temp file of a write
 * in progress where the session writes its own files (the live session renames it away mid-copy: ENOENT).
 */
function copied(rel: string): boolean {
  if (SKIPPED.has(rel)) return false;
  const parent = path.dirname(rel);
  return !((parent === '.' || parent === 'conversations') && isTempFileName(path.basename(rel)));
}

export async function stageFork(input: ForkInput): Promise<StagedFork> {
  const sessionsDir = path.dirname(input.sourceDir);
  const dir = path.join(sessionsDir, input.forkId);
  if (existsSync(dir)) throw new Error(`session folder ${dir} already exists`);
  const tmp = path.join(sessionsDir, `.${input.forkId}.forking-${randomBytes(4).toString('hex')}`);
  try {
    await cp(input.sourceDir, tmp, {
      recursive: true,
      filter: (src) => copied(path.relative(input.sourceDir, src)),
    });
    await mkdir(path.join(tmp, 'conversations'), { recursive: true });
    const store = new PartStore(path.join(tmp, 'conversations'));
    await store.append({ role: 'user', content: input.summary, inherited_from: input.sourceId });
    await store.flush();
    await updateMeta(
      tmp,
      {
        created_at: input.now / 1000,
        queen_id: input.queenId,
        agent_path: input.colonyFolder,
        agent_name: colonyTitle(input.colonyName),
        forked_from: input.sourceId,
        colony_fork: true,
      },
      // The lock and a worker-only session's name belong to the parent, not to this copy.
      ['colony_spawned', 'spawned_colony_name', 'spawned_colony_at', 'spawned_colony_id', 'worker_name'],
    );
    await appendColonyForkMarker(
      path.join(tmp, 'events.jsonl'),
      makeColonyForkMarker({
        parentSessionId: input.sourceId,
        summary: input.summary,
        inheritedMessageCount: input.inheritedCount,
        now: input.now,
      }),
    );
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return {
    dir,
    async commit() {
      if (existsSync(dir)) throw new Error(`session folder ${dir} already exists`);
      await rename(tmp, dir);
    },
    discard: () => rm(tmp, { recursive: true, force: true }),
  };
}
