import type { Tool, ToolCategory } from '../agent/types';
import type { Timers } from '../colony/runtime';
import type { PendingEscalation } from '../colony/runtime/escalations';
import type { ModelProvider, TurnUsage } from '../llm/types';
import type { QueenPhase } from '../queen/phases';
import type { TriggerSecretStore } from '../triggers/secrets';

export type { QueenPhase } from '../queen/phases';

/** What the manager needs from a model provider (AnthropicProvider satisfies it). */
export type ModelProviderLike = ModelProvider;

export interface SessionLogger {
  warn(message: string): void;
  info?(message: string): void;
}

export interface SessionManagerOptions {
  hiveHome: string;
  /** Called lazily on the first session start; a rejection (no API key…) fails that start cleanly. */
  provider: () => Promise<ModelProviderLike>;
  logger?: SessionLogger;
  /** Epoch milliseconds. */
  clock?: () => number;
  /** Workspace root for the queen's read-only tools; without it she has no workspace tools. */
  workingDir?: string;
  autoApprove?: ToolCategory[];
  /** Host-supplied tools (MCP…), offered in INDEPENDENT next to the phase tools. */
  extraTools?: () => Tool[];
  /** Memory reflection after queen turns and on stop (default true). */
  reflection?: boolean;
  /** Longest a stop waits for the shutdown reflection before returning (it keeps running). Default 3000. */
  stopReflectionWaitMs?: number;
  /** Longest a stop waits for the turn in progress to wind down. Default 5000. */
  stopTurnWaitMs?: number;
  /** Colony workers running at once per session (default 3). */
  colonyConcurrency?: number;
  /** Where a colony's webhook secrets are kept (VS Code: SecretStorage). Default: a 0600 file under HIVE_HOME. */
  triggerSecrets?: (colonyDir: string) => TriggerSecretStore;
  /** Timers of the workers' soft/hard timeouts (tests fire them by hand). */
  colonyTimers?: Timers;
  /** Extended thinking for the queens' next calls, read before each call (VS Code: a setting); undefined = off. */
  thinking?: () => { budgetTokens: number } | undefined;
}

export interface CreateSessionOptions {
  queenId?: string;
  initialPrompt?: string;
  sessionId?: string;
  /** docs/hive-format.md §3 Rule 5: load this folder's colony in the same step (the create fails if it does not load). */
  colonyFolder?: string;
  /** Worker-only session: `{workerName}.json` of colonyFolder is the primary chat (no queen). */
  workerName?: string;
}

export interface ResumeSessionOptions {
  prompt?: string;
  /** Rule 5 (SessionManager.openColony): this colony is loaded instead of meta.json's agent_path. */
  colonyFolder?: string;
}

export interface OpenColonyOptions extends Omit<CreateSessionOptions, 'colonyFolder'> {
  /** The session the user named (`hive colony run --resume`, a session's menu): the colony goes into it. */
  into?: string;
  /** A live session to load into when the colony has no session of its own (the chat in front of the user). */
  fallback?: string;
}

export interface LiveSessionSummary {
  session_id: string;
  queen_id: string;
  queen_name: string;
  phase: QueenPhase;
  colony_name: string | null;
  busy: boolean;
  dir: string;
}

export type UsageTotals = TurnUsage & { turns: number };

/** The loaded colony, read-only. */
export interface ColonyInfo {
  /** Colony id (`^[a-z0-9_]+$`). */
  name: string;
  /** The folder it was loaded from (meta.agent_path). */
  path: string;
  /** The folder holding its files (`<path>/.hive` or `<path>`). */
  dir: string;
  workerName: string;
  goal: string;
}

/** The loaded colony's progress, for whoever shows it (src/extension maps it for the chat panel). */
export interface ColonyState {
  name: string;
  /** The folder it was loaded from. */
  path: string;
  /** Workers running or waiting for a slot. */
  workers_running: number;
  workers_done: number;
  /** Unanswered escalations, oldest first. */
  escalations: PendingEscalation[];
}
