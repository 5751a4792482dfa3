// dist/cli.js, the `hive` command: turns on Node's compile cache (Node ≥ 22.1), then loads the CLI itself,
// src/cli/main.ts bundled: dist/cli-sessions.js for `hive sessions …` (the listing, without the chat's and
// the colonies' code), dist/cli-main.js for everything else. A warm run then reads the bundle's compiled code
// from the cache instead of compiling megabytes of JavaScript on every start.
import module from 'node:module';

try {
  (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
} catch {
  // No cache (an unwritable temp folder): the CLI runs, only slower to start.
}
if (process.argv[2] === 'sessions') {
  // A listing is one burst whose index entries all survive: V8 would keep doubling its young generation
  // for them (about 30 MB more resident for 10,000 sessions, and slower from the page faults). A short-lived
  // listing is better off with it fixed at its starting size.
  // node:v8 is required here only: other commands do not pay for loading it.
  (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--semi-space-growth-factor=1');
  require('./cli-sessions.js');
} else require('./cli-main.js');
