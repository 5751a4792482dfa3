/** The agent loop and its parts. */
export { type ApprovalAnswer, type ApprovalCallback, ApprovalGate, type ApprovalRequest } from './approvals';
export { type CompactionSettings, DEFAULT_COMPACTION, estimateTokens, fallbackSummary } from './compaction';
export { compactionKeepFrom, compactionMarkerContent, selectContext } from './context';
export { AgentLoop, type AgentLoopOptions, type RunResult, type RunStatus } from './loop';
export { assistantPartOf, INTERRUPTED_RESULT, parseArguments, partsToMessages } from './messages';
export { DEFAULT_MAX_TOOL_RESULT_CHARS, Spiller } from './spill';
export { CANCELLED_RESULT } from './tool-runner';
export type * from './types';
