// What the chat bridge needs from a live session, as small structural interfaces: LiveSession satisfies
// ChatSession today; its colony (`colonyState()`, `replyToEscalation`) and triggers (`session.triggers`)
// are being built now, so they are looked up defensively at run time and light up when they land.
// Everything they return is checked against the protocol schemas before it reaches the webview.
import type { HiveEvent } from '../../runtime/events/types';
import type { ColonyState as RuntimeColonyState } from '../../runtime/session/types';
import type { ConversationPart } from '../../runtime/storage/parts';
import type { JournalEntry } from '../../runtime/tools/checkpoints';
import type { TriggerView as RuntimeTriggerView } from '../../runtime/triggers/trigger-views';
import {
  type ColonyState,
  ColonyStateSchema,
  type QueenIdentity,
  type TriggerProblemView,
  type TriggerView,
  TriggerViewSchema,
  type UsageTotals,
} from '../../shared/protocol';
import { colonyPanelView } from './colony-panel-view';
import { panelTriggerView } from './trigger-panel-view';

export interface ChatSession {
  readonly id: string;
  readonly bus: { subscribeAll(listener: (event: HiveEvent) => void): () => void };
  readonly queen: { queen_id: string; name: string; title: string };
  readonly phase: string;
  readonly busy: boolean;
  readonly stopped: boolean;
  readonly usage: {
    input_tokens: number;
    output_tokens: number;
    cache_read_input_tokens: number;
    cache_creation_input_tokens: number;
    cost_usd?: number;
  };
  readonly pendingApprovals: readonly string[];
  readonly pendingQuestions: readonly string[];
  /** A waiting approval's `approval_requested` data (live sessions keep it while it waits). */
  pendingApprovalRequest?(requestId: string): Readonly<Record<string, unknown>> | undefined;
  /** What the runtime told the user about the session (a damaged meta.json set aside, …), oldest first. */
  readonly notices?: readonly string[];
  send(text: string): Promise<void>;
  retry(): Promise<void>;
  stopTurn(): void;
  /** `content`: the user's edited version of a file proposal, written instead of the proposal. */
  answerApproval(
    requestId: string,
    decision: 'approve' | 'deny',
    opts?: { always?: boolean; content?: string },
  ): void;
  answerQuestion(requestId: string, answer: string): void;
  history(): Promise<ConversationPart[]>;
  /** The session's folder (events.jsonl rebuilds workers' lanes and changed files). */
  readonly dir?: string;
  /** Puts the files an assistant turn changed back; files the user changed since are conflicts. */
  restoreFilesBeforeTurn?(
    turnId: number,
    opts?: { force?: boolean; requester?: string },
  ): Promise<RestoreResult>;
  /** The session's checkpoint journal (the agent's file changes), which "Undo Agent Changes…" restores from. */
  readonly checkpoints?: CheckpointJournal;
  /** The session's own model (meta.json `model`), when it chose one. */
  readonly model?: string;
  /** Switches the model from the next turn on. */
  setModel?(model: string): Promise<void>;
  /** The newest `count` parts and whether older ones exist (sessions read from disk offer this). */
  historyTail?(count: number): Promise<{ parts: ConversationPart[]; earlier: boolean }>;
}

export interface RestoreResult {
  restored: string[];
  /** Files the user changed after the agent last wrote them: left alone unless forced. */
  conflicts: string[];
}

/** What the chat uses of src/runtime/tools/checkpoints.ts: the journal, and restoring entries of it. */
export interface CheckpointJournal {
  entries(): Promise<readonly JournalEntry[]>;
  restore(selected: JournalEntry[], force: boolean): Promise<RestoreResult>;
}

export interface ColonySource {
  colonyState(): unknown;
  replyToEscalation(requestId: string, reply: string): Promise<unknown> | unknown;
}

export type Unsubscribe = (() => void) | { dispose(): void };

export interface TriggerSource {
  list(): unknown[];
  onDidChange?(cb: () => void): Unsubscribe | undefined;
  activate(id: string): Promise<unknown> | unknown;
  deactivate(id: string): Promise<unknown> | unknown;
  runNow(id: string): Promise<unknown> | unknown;
  webhookSecret(id: string): Promise<string | undefined | null> | string | undefined | null;
}

export interface SourceLogger {
  warn(message: string): void;
}

export function colonySourceOf(session: object): ColonySource | null {
  const s = session as Partial<ColonySource>;
  return typeof s.colonyState === 'function' && typeof s.replyToEscalation === 'function'
    ? (s as ColonySource)
    : null;
}

export function triggerSourceOf(session: object): TriggerSource | null {
  const t = (session as { triggers?: unknown }).triggers as Partial<TriggerSource> | null | undefined;
  if (!t || typeof t !== 'object') return null;
  for (const fn of ['list', 'activate', 'deactivate', 'runNow', 'webhookSecret'] as const) {
    if (typeof t[fn] !== 'function') return null;
  }
  return t as TriggerSource;
}

/** The colony as the panel shows it, or null (no colony, no API yet, or a shape the panel can't take). */
export function colonyView(session: object, log?: SourceLogger): ColonyState | null {
  const source = colonySourceOf(session);
  if (!source) return null;
  try {
    const raw = source.colonyState();
    if (raw === null || raw === undefined) return null;
    const parsed = ColonyStateSchema.safeParse(colonyPanelView(raw as RuntimeColonyState));
    if (parsed.success) return parsed.data;
    log?.warn(`Chat: colony state has an unexpected shape; not shown (${parsed.error.issues[0]?.message})`);
  } catch (err) {
    log?.warn(`Chat: reading the colony state failed: ${errorText(err)}`);
  }
  return null;
}

/** The triggers as the panel shows them; malformed entries are left out (and logged), never the lot. */
export function triggerViews(session: object, log?: SourceLogger): TriggerView[] {
  const source = triggerSourceOf(session);
  if (!source) return [];
  let raw: unknown[];
  try {
    raw = source.list();
  } catch (err) {
    log?.warn(`Chat: listing triggers failed: ${errorText(err)}`);
    return [];
  }
  if (!Array.isArray(raw)) return [];
  const out: TriggerView[] = [];
  for (const item of raw) {
    let view: unknown;
    try {
      view = panelTriggerView(item as RuntimeTriggerView);
    } catch (err) {
      log?.warn(`Chat: a trigger has an unexpected shape; not shown (${errorText(err)})`);
      continue;
    }
    const parsed = TriggerViewSchema.safeParse(view);
    if (parsed.success) out.push(parsed.data);
    else log?.warn(`Chat: a trigger has an unexpected shape; not shown`);
  }
  return out;
}

/**
 * The triggers.json entries the session's colony loaded without (SessionTriggers.loadReport), or the
 * file itself when it is unusable: the Triggers section lists them as "invalid: …".
 */
export function triggerProblemViews(session: object): TriggerProblemView[] {
  const report = ((session as { triggers?: unknown }).triggers as { loadReport?: unknown } | null | undefined)
    ?.loadReport as
    | { problems?: { index: number; id?: string; field: string; message: string }[]; fileError?: string }
    | undefined;
  if (!report) return [];
  const out: TriggerProblemView[] = [];
  if (typeof report.fileError === 'string') out.push({ label: 'triggers.json', message: report.fileError });
  for (const p of report.problems ?? []) {
    out.push({ label: p.id ?? `entry ${p.index + 1}`, message: `${p.field}: ${p.message}` });
  }
  return out;
}

/** Subscribes to trigger changes if the source offers it; returns the unsubscribe (a no-op otherwise). */
export function onTriggersChange(session: object, cb: () => void): () => void {
  const source = triggerSourceOf(session);
  if (!source?.onDidChange) return () => {};
  const sub = source.onDidChange(cb);
  if (typeof sub === 'function') return sub;
  if (sub && typeof sub.dispose === 'function') return () => sub.dispose();
  return () => {};
}

export function queenView(session: ChatSession): QueenIdentity {
  const q = session.queen;
  return { id: q.queen_id, name: q.name, title: q.title };
}

export function usageView(session: ChatSession): UsageTotals {
  const u = session.usage;
  return usageFrom(u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens, u);
}

/** Input counts every input token (uncached + cache reads + cache writes), as llm_turn_complete does. */
export function usageFrom(
  inputTokens: number,
  u: { output_tokens: number; cache_read_input_tokens: number; cost_usd?: number },
): UsageTotals {
  return {
    inputTokens: nonNegInt(inputTokens),
    outputTokens: nonNegInt(u.output_tokens),
    cachedTokens: nonNegInt(u.cache_read_input_tokens),
    costUsd: typeof u.cost_usd === 'number' && u.cost_usd >= 0 ? u.cost_usd : null,
  };
}

export function nonNegInt(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
