// Entry of dist/watch.js (see bundles.ts): file watching with chokidar — HIVE_HOME for the Sessions
// tree (started after its first listing) and a loaded colony's files.

export { watch } from 'chokidar';
export { HomeWatcher } from './tree/home-watcher';
