/** The SessionManager and its live sessions: the runtime's one public entry point. */
export { ApprovalBroker } from './approval-broker';
export { type ColonyToolHost, colonyTools } from './colony-tools';
export {
  completeVia,
  LiveSession,
  QUEEN_NODE,
  QUEEN_STREAM,
  SessionLockedError,
  type SpawnedColony,
} from './live-session';
export { DuplicateSessionError, SessionManager, SessionNotFoundError } from './manager';
export {
  askUserTool,
  phaseTools,
  QUEEN_READ_TOOL_NAMES,
  toolsForPhase,
  workspaceTools,
} from './queen-tools';
export { QuestionBroker, type UserQuestion } from './question-broker';
export { type LoadColonyOptions, SessionColony, type SessionColonyHost } from './session-colony';
export type * from './types';
