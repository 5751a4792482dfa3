// Entry of dist/sessions.js (see bundles.ts): the session index of HIVE_HOME, required when the
// Sessions tree first lists its rows (or a command needs the cold sessions).

export { SessionIndex } from '../runtime/storage/session-index';
