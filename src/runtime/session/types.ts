import type { Tool, ToolCategory } from '../agent/types';
import type { ModelProvider, TurnUsage } from '../llm/types';
import type { QueenPhase } from '../queen/phases';

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
}

export interface CreateSessionOptions {
  queenId?: string;
  initialPrompt?: string;
  sessionId?: string;
  colonyFolder?: string;
}

export interface ResumeSessionOptions {
  prompt?: string;
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
