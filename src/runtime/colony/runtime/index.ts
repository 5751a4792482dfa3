// The colony runtime: workers of a loaded colony, their reports, timeouts and escalations.
export {
  ColonyRuntime,
  type ColonyRuntimeOptions,
  DEFAULT_CONCURRENCY,
  realTimers,
  type Timers,
  type WorkerSnapshot,
  type WorkerState,
  type WorkerTimeouts,
} from './colony-runtime';
export { EscalationInbox, MAX_PENDING_ESCALATIONS, type PendingEscalation } from './escalations';
export * from './texts';
export { hardTimeoutFor, RUN_PARALLEL_DEFAULT_TIMEOUT_S, RUN_PARALLEL_MAX_TASKS } from './timeouts';
export { prepareWorkerFolder } from './worker-folder';
export { workerSystemPrompt } from './worker-prompt';
