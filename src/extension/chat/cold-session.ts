// A session from ~/.hive shown in the chat without resuming it: its transcript read from disk, nothing
// running. Opening a cold session from the Sessions view is browsing, so it must not load the session
// runtime, re-load the session's colony or start its triggers; sending a message resumes it (the
// bridge does that for any stopped session). The newest parts are read first (historyTail), so a
// 5,000-message session shows its end without reading every part file.
import path from 'node:path';
import { emptyDigest, readSessionDigest, type SessionDigest } from '../../runtime/events/session-digest';
import { DEFAULT_QUEENS } from '../../runtime/queen/default-profiles';
import { readMeta, updateMeta } from '../../runtime/storage/meta';
import { type ConversationPart, PartStore } from '../../runtime/storage/parts';
import { conversationsDir, findSessionDir } from '../../runtime/storage/paths';
import type { ChatSession } from './session-sources';

/** The phase badge of a session that is not running (the webview explains it). */
export const COLD_PHASE = 'not running';

const NOT_RUNNING = 'This session is not running: send a message to resume it.';

export class ColdChatSession implements ChatSession {
  readonly stopped = true;
  readonly busy = false;
  readonly phase = COLD_PHASE;
  /** What the session spent, from its events.jsonl (Hive persists no total of its own). */
  readonly usage: SessionDigest['usage'];
  readonly pendingApprovals: readonly string[] = [];
  readonly pendingQuestions: readonly string[] = [];
  readonly bus = { subscribeAll: () => () => {} };
  private readonly store: PartStore;
  private readonly tails = new Map<number, Promise<{ parts: ConversationPart[]; earlier: boolean }>>();

  constructor(
    readonly id: string,
    readonly dir: string,
    readonly queen: { queen_id: string; name: string; title: string },
    private readonly digest: SessionDigest = emptyDigest(),
    /** meta.json `model`: the model this session chose. */
    public model?: string,
  ) {
    this.store = new PartStore(conversationsDir(dir));
    this.usage = digest.usage;
  }

  /** Kept in meta.json `model`, which the resume reads. */
  async setModel(model: string): Promise<void> {
    await updateMeta(this.dir, { model });
    this.model = model;
  }

  /** The queen's last model call (the header's context gauge). */
  get context(): SessionDigest['context'] {
    return this.digest.context;
  }

  /** The outcomes of its approvals by tool call (read with the usage when the session was opened). */
  approvalOutcomes(): Promise<SessionDigest['approvals']> {
    return Promise.resolve(this.digest.approvals);
  }

  history(): Promise<ConversationPart[]> {
    return this.store.readAll();
  }

  /**
   * Kept for the session's lifetime (it is not running, so its tail does not move): the panel asks
   * again when its page says `ready`, right after the open already read it.
   */
  historyTail(count: number): Promise<{ parts: ConversationPart[]; earlier: boolean }> {
    let tail = this.tails.get(count);
    if (!tail) {
      tail = this.store.readTail(count);
      this.tails.set(count, tail);
      tail.catch(() => this.tails.delete(count));
    }
    return tail;
  }

  send(): Promise<void> {
    return Promise.reject(new Error(NOT_RUNNING));
  }

  retry(): Promise<void> {
    return Promise.reject(new Error(NOT_RUNNING));
  }

  stopTurn(): void {}
  answerApproval(): void {}
  answerQuestion(): void {}
}

/**
 * The cold session `sessionId` under `hiveHome`, or undefined when no such folder exists. The queen is
 * named from meta.json's queen_id (else the folder's queen) with Hive's default names; a renamed queen
 * shows her own name once the session is resumed.
 */
export async function openColdSession(
  hiveHome: string,
  sessionId: string,
): Promise<ColdChatSession | undefined> {
  const loc = findSessionDir(hiveHome, sessionId);
  if (!loc) return undefined;
  const [meta, digest] = await Promise.all([
    readMeta(loc.dir),
    readSessionDigest(path.join(loc.dir, 'events.jsonl')),
  ]);
  // A damaged meta.json: the folder still says which queen.
  const queenId = (meta.ok && typeof meta.meta.queen_id === 'string' && meta.meta.queen_id) || loc.queenId;
  const known = DEFAULT_QUEENS[queenId];
  return new ColdChatSession(
    sessionId,
    loc.dir,
    {
      queen_id: queenId,
      name: known?.name ?? queenId,
      title: known?.title ?? '',
    },
    digest,
    meta.ok && typeof meta.meta.model === 'string' ? meta.meta.model : undefined,
  );
}
