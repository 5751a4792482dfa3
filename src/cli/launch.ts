// dist/cli.js, the `hive` command: turns on Node's compile cache (Node ≥ 22.1), then loads the CLI itself,
// dist/cli-main.js (src/cli/main.ts). A warm run then reads the bundle's compiled code from the cache
// instead of compiling megabytes of JavaScript on every start.
import module from 'node:module';

try {
  (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
} catch {
  // No cache (an unwritable temp folder): the CLI runs, only slower to start.
}
require('./cli-main.js');
