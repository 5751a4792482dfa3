// Entry of dist/sessions.js (see bundles.ts): the session index of HIVE_HOME, required when the
// Sessions tree first lists its rows (or a command needs the cold sessions), and the colony overviews
// the Colonies view lists (reading colony files needs no session runtime or model SDK).

export { findColonyDir } from '../runtime/colony/colony-locate';
export { colonyOverviews } from '../runtime/colony/colony-overview';
export { checkColonyFiles, isCheckedColonyFile } from '../runtime/colony/colony-problems';
export { isOwnWrite } from '../runtime/storage/own-writes';
export { SessionIndex } from '../runtime/storage/session-index';
