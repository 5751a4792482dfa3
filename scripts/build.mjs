// Bundles the extension host code, the CLI and the webview with esbuild.
import { build, context } from 'esbuild';

const watch = process.argv.includes('--watch');
// --production (used by `npm run package`): minified, no source maps, so the .vsix stays small.
const production = process.argv.includes('--production');
const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
};

// See scripts/import-meta-url.js.
const importMetaUrl = {
  inject: ['scripts/import-meta-url.js'],
  define: { 'import.meta.url': 'importMetaUrl' },
};

const targets = [
  {
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    ...importMetaUrl,
  },
  {
    // The session runtime and the model SDK, required by the extension on first use (not at activation).
    ...common,
    entryPoints: ['src/extension/runtimeEntry.ts'],
    outfile: 'dist/runtime.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    ...importMetaUrl,
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    ...importMetaUrl,
  },
  {
    // The chat panel: browser code; its CSS import is emitted as dist/webview.css.
    ...common,
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
  },
  {
    // The chat page's first script: says `ready` early and holds the replies for the bundle (boot.ts).
    ...common,
    entryPoints: ['webview/boot.ts'],
    outfile: 'dist/webview-boot.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
  },
];

if (watch) {
  for (const t of targets) await (await context(t)).watch();
} else {
  await Promise.all(targets.map((t) => build(t)));
}
