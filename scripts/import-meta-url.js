// Injected into the CommonJS Node bundles (scripts/build.mjs), where `import.meta` is empty: ESM-only
// code of bundled packages (node-cron's `fileURLToPath(import.meta.url)` at load time) gets the
// bundle's own file URL instead of crashing.
export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;
