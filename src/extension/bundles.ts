// The extension ships as several bundles so activation parses only what registering the views and
// commands needs (dist/extension.js). The rest is required on first use, each from its own file:
//  - dist/sessions.js (sessionsEntry.ts): the session index of HIVE_HOME, when the Sessions tree
//    first lists its rows;
//  - dist/watch.js (watchEntry.ts): the file watchers (chokidar), just after that first listing;
//  - dist/chat.js (chatEntry.ts): the chat panel and its protocol schemas, when a chat first opens;
//  - dist/runtime.js (runtimeEntry.ts): the session runtime and the model SDK, when a session starts.
// Code two of them share lives once, in a dist/shared-<bundles>.js they require themselves, and what
// they share with this bundle is taken from it (scripts/build.mjs), so each module, with its state
// (file locks, caches), exists once per extension host.
// Each path is computed so esbuild leaves the require alone (the module stays out of this bundle).
import path from 'node:path';

export type RuntimeModule = typeof import('./runtime-entry');
export type SessionsModule = typeof import('./sessions-entry');
export type WatchModule = typeof import('./watch-entry');
export type ChatModule = typeof import('./chat-entry');

function lazyBundle<T>(file: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= require(path.join(__dirname, file)) as T;
    return loaded;
  };
}

export const runtimeModule = lazyBundle<RuntimeModule>('runtime.js');
export const sessionsModule = lazyBundle<SessionsModule>('sessions.js');
export const watchModule = lazyBundle<WatchModule>('watch.js');
export const chatModule = lazyBundle<ChatModule>('chat.js');
