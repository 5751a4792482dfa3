// Entry of dist/sessions.js (see bundles.ts): what the Sessions tree needs once it lists rows — the
// session index of HIVE_HOME, its watcher, and chokidar (also used to watch a loaded colony's files).

export { watch } from 'chokidar';
export { SessionIndex } from '../runtime/storage/session-index';
export { HomeWatcher } from './tree/homeWatcher';
