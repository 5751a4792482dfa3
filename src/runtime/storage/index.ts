/** Public surface of the storage layer (Hive's on-disk format under HIVE_HOME). */
export { writeFileAtomically, writeJsonAtomically } from './atomic';
export type { ColdSession, ColdSessionEntry, ColdSessionInfo, ListOptions, ListScope } from './cold-sessions';
export { HIVE_LIST_FIELDS, isClientFacing, toHiveRow } from './cold-sessions';
export { withFileLock } from './file-lock';
export { resolveHiveHome } from './home';
export { type IdKind, InvalidIdError, isValidId, newSessionId, validateId } from './ids';
export { type IndexFs, nodeIndexFs } from './index-fs';
export { JsonlAppender, parseJsonl, readJsonl } from './jsonl';
export {
  MetaCorruptError,
  type MetaReadResult,
  metaFile,
  readMeta,
  type SessionMeta,
  updateMeta,
} from './meta';
export {
  type ConversationPart,
  type HiveToolCall,
  isPartFileName,
  PartStore,
  type PartsReadResult,
  partFileName,
  toStorageDict,
} from './parts';
export {
  coloniesDir,
  colonyDir,
  colonyQueensDir,
  configurationFile,
  conversationsDir,
  extensionStateDir,
  findSessionDir,
  findSessionDirs,
  memoriesDir,
  queenDir,
  queensDir,
  type SessionLayout,
  type SessionLocation,
  seedQueensDir,
  sessionDirFor,
  sessionOwnerOf,
} from './paths';
export { type RefreshStats, SessionIndex, type SessionIndexOptions } from './session-index';
