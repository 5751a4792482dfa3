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

// `import * as vscode from 'vscode'` in each source file would copy the whole API object into a new
// namespace object per file (esbuild's CommonJS interop), ~5 ms of activation: all files share one.
const vscodeOnce = {
  name: 'vscode-once',
  setup(b) {
    b.onResolve({ filter: /^vscode$/ }, (a) =>
      a.namespace === 'vscode-once'
        ? { path: 'vscode', external: true }
        : { path: 'vscode', namespace: 'vscode-once' },
    );
    b.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({
      contents: "export * from 'vscode';",
      loader: 'js',
    }));
  },
};

// The extension host's bundles: dist/extension.js is what activation loads; the others are required
// on first use (src/extension/bundles.ts says when). Modules they share are copied into each. Always
// minified (VS Code counts parsing as activation time; dev builds keep their source maps).
const extensionBundle = (entry, outfile) => ({
  ...common,
  minify: true,
  entryPoints: [entry],
  outfile,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  plugins: [vscodeOnce],
  ...importMetaUrl,
});

const targets = [
  extensionBundle('src/extension/extension.ts', 'dist/extension.js'),
  // The Sessions tree's index of HIVE_HOME.
  extensionBundle('src/extension/sessionsEntry.ts', 'dist/sessions.js'),
  // The file watchers (chokidar).
  extensionBundle('src/extension/watchEntry.ts', 'dist/watch.js'),
  // The chat panel, its session bridge and the protocol schemas (zod).
  extensionBundle('src/extension/chatEntry.ts', 'dist/chat.js'),
  // The session runtime and the model SDK.
  extensionBundle('src/extension/runtimeEntry.ts', 'dist/runtime.js'),
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
