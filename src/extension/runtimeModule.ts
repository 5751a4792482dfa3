// Loads dist/runtime.js (see runtimeEntry.ts) on first use. The path is computed so esbuild leaves the
// require alone: the runtime stays out of dist/extension.js.
import path from 'node:path';

export type RuntimeModule = typeof import('./runtimeEntry');

let loaded: RuntimeModule | undefined;

export function runtimeModule(): RuntimeModule {
  if (!loaded) {
    const file = path.join(__dirname, 'runtime.js');
    loaded = require(file) as RuntimeModule;
  }
  return loaded;
}
