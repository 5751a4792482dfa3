// Colony files, progress.db, stale-session cleanup, worker tools and MCP servers. See README.md here.
export { ColonyFileError } from './colony-errors';
export {
  type LoadColonyOptions,
  type LoadedColony,
  loadColony,
  loadHomeColony,
  type ToolsConfigSource,
} from './colony-load';
export {
  type ColonyLayout,
  type ColonyLocation,
  colonyNameFromFolder,
  findColonyDir,
  HIVE_SUBFOLDER,
  hasColonyDefinition,
  homeColonyFolder,
  listHomeColonies,
} from './colony-locate';
export {
  DEFAULT_LOOP_CONFIG,
  type ScaffoldOptions,
  type ScaffoldResult,
  scaffoldColony,
} from './colony-scaffold';
export type { ColonyMetadata, TriggerDef, WorkerConfig } from './colony-schemas';
export type { SkillEntry } from './colony-skills';
export { McpHost, type McpHostOptions, type McpServerFailure } from './mcp/mcp-host';
export { loadMcpServers, MCP_CONFIG_FILE, type McpServerSpec } from './mcp-config';
export { isPidAlive } from './pid';
export {
  type ClaimedTask,
  type CompleteResult,
  ensureProgressDb,
  type NewTask,
  ProgressDb,
  type ProgressDbOptions,
  type TaskRow,
  type TaskStatus,
} from './progress/progress-db';
export type { ReclaimOptions, ReclaimResult } from './progress/reclaim';
export { SqliteUnavailableError } from './progress/sqlite';
export * from './runtime';
export {
  cleanupStaleSessions,
  STALE_ERROR,
  type StaleCleanupOptions,
  type StaleCleanupResult,
} from './stale-sessions';
export {
  type ControlCallbacks,
  createWorkerTools,
  type WorkerReport,
  type WorkerToolsOptions,
} from './tools';
export { WORKER_CONTROL_TOOL_NAMES, WORKER_FILE_TOOL_NAMES } from './tools/names';
export {
  loadNamedWorkerConfig,
  NON_WORKER_JSON,
  scanWorkerConfigs,
  type WorkerConfigFile,
} from './worker-config';
