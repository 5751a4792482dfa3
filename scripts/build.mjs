// Bundles the extension host code, the CLI and the webview with esbuild.
import fs from 'node:fs';
import path from 'node:path';
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
// on first use (src/extension/bundles.ts says when). Always minified (VS Code counts parsing as
// activation time; dev builds keep their source maps).
//
// Each module exists once per extension host: a module that two lazy bundles need lives in
// a dist/shared-<bundles>.js (required with the first of them), one that dist/extension.js also needs stays there and
// is exported as `__shared`; the other bundles reach both through small shims (`sharedModules`).
// Which modules are shared is read from a first, in-memory build of every entry.
const LAZY = {
  // The Sessions tree's index of HIVE_HOME.
  'dist/sessions.js': 'src/extension/sessions-entry.ts',
  // The file watchers (chokidar).
  'dist/watch.js': 'src/extension/watch-entry.ts',
  // The chat panel, its session bridge and the protocol schemas (zod).
  'dist/chat.js': 'src/extension/chat-entry.ts',
  // The session runtime and the model SDK.
  'dist/runtime.js': 'src/extension/runtime-entry.ts',
};
const HOST_ENTRY = 'src/extension/extension.ts';

const extensionBundle = (entry, outfile, plugins = []) => ({
  ...common,
  minify: true,
  ...(typeof entry === 'string' ? { entryPoints: [entry] } : { stdin: entry }),
  outfile,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  plugins: [...plugins, vscodeOnce],
  ...importMetaUrl,
});

/** Source files (repo-relative) each extension-host entry pulls in. */
async function inputsOf(entry) {
  const r = await build({
    ...extensionBundle(entry, 'dist/_probe.js'),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const out = r.metafile.outputs['dist/_probe.js'];
  return Object.entries(out.inputs)
    .filter(([f, v]) => v.bytesInOutput > 0 && !f.startsWith('scripts/') && !f.includes(':'))
    .map(([f]) => f);
}

/** Which lazy bundles use each module, and the modules dist/extension.js has, from in-memory builds. */
async function probe() {
  const host = new Set(await inputsOf(HOST_ENTRY));
  const users = new Map();
  for (const [outfile, entry] of Object.entries(LAZY)) {
    const name = path.basename(outfile, '.js');
    for (const f of await inputsOf(entry)) users.set(f, [...(users.get(f) ?? []), name]);
  }
  return { host, users };
}

/**
 * Modules dist/extension.js shares with the lazy bundles, and the modules two or more lazy bundles
 * share, grouped by which bundles use them: each group becomes one dist/shared-<users>.js, so the
 * Sessions tree never loads what only the chat and the runtime share.
 */
function plan({ host, users }) {
  const fromHost = [...users.keys()].filter((f) => host.has(f)).sort();
  const groups = new Map();
  for (const [f, names] of users) {
    if (names.length < 2 || host.has(f)) continue;
    const file = `shared-${[...names].sort().join('-')}.js`;
    groups.set(file, [...(groups.get(file) ?? []), f].sort());
  }
  return { fromHost, groups };
}

/** Resolves imports of the given modules to a shim that takes them from `bundle` (a dist/ file). */
function sharedModules(bundle, table, modules) {
  const set = new Set(modules);
  const namespace = `shared-from-${bundle}`;
  return {
    name: namespace,
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (a) => {
        // A shim's own require of the shared bundle stays a require of that dist/ file.
        if (a.namespace.startsWith('shared-from-')) return { path: a.path, external: true };
        if (a.pluginData?.sharedProbe || a.path === 'vscode') return undefined;
        const r = await b.resolve(a.path, {
          kind: a.kind,
          importer: a.importer,
          resolveDir: a.resolveDir,
          pluginData: { sharedProbe: true },
        });
        if (r.errors.length || !r.path) return undefined;
        const key = path.relative(process.cwd(), r.path).split(path.sep).join('/');
        return set.has(key) ? { path: key, namespace } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace }, (a) => ({
        contents: `module.exports = require(${JSON.stringify(`./${bundle}`)}).${table}[${JSON.stringify(a.path)}];`,
        loader: 'js',
      }));
    },
  };
}

/** An entry exporting a table of module namespaces by repo-relative path (plus what `reexport` exports). */
function tableEntry(table, modules, reexport) {
  const lines = modules.map((f, i) => `import * as m${i} from ${JSON.stringify(`./${f}`)};`);
  if (reexport) lines.push(`export * from ${JSON.stringify(`./${reexport}`)};`);
  lines.push(`export const ${table} = {${modules.map((f, i) => `${JSON.stringify(f)}: m${i}`).join(', ')}};`);
  return {
    contents: lines.join('\n'),
    resolveDir: process.cwd(),
    sourcefile: `${table}-entry.ts`,
    loader: 'ts',
  };
}

function hostTargets({ fromHost, groups }) {
  const fromExtension = sharedModules('extension.js', '__shared', fromHost);
  const fromGroups = [...groups].map(([file, modules]) => [file, sharedModules(file, 'modules', modules)]);
  // Shims for every shared module that does not live in `self` (a dist/ file name).
  const elsewhere = (self) => [fromExtension, ...fromGroups.filter(([f]) => f !== self).map(([, p]) => p)];
  return [
    extensionBundle(tableEntry('__shared', fromHost, HOST_ENTRY), 'dist/extension.js'),
    ...[...groups].map(([file, modules]) =>
      extensionBundle(tableEntry('modules', modules), `dist/${file}`, elsewhere(file)),
    ),
    ...Object.entries(LAZY).map(([outfile, entry]) => extensionBundle(entry, outfile, elsewhere(outfile))),
  ];
}

// `hive sessions …` (listing 10,000 sessions is the CLI's hot path) loads its own small bundle: the same
// src/cli/main.ts without the chat and colony commands, which it never runs. dist/cli.js picks one of the
// two, so each module still exists once per process.
const sessionsOnly = {
  name: 'cli-sessions-only',
  setup(b) {
    b.onResolve({ filter: /^\.\/(chat|colony)$/ }, (a) =>
      a.importer.endsWith(path.join('src', 'cli', 'run.ts'))
        ? { path: a.path, namespace: 'not-here' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'not-here' }, (a) => ({
      contents: `throw new Error(${JSON.stringify(`${a.path} is not in dist/cli-sessions.js (dist/cli.js loads it only for \`hive sessions\`)`)});`,
      loader: 'js',
    }));
  },
};
const cliMain = {
  ...common,
  entryPoints: ['src/cli/main.ts'],
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  ...importMetaUrl,
};

const otherTargets = [
  {
    // The `hive` command: a few lines that turn on Node's compile cache, then require dist/cli-main.js
    // (or dist/cli-sessions.js).
    ...common,
    entryPoints: ['src/cli/launch.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    external: ['./cli-main.js', './cli-sessions.js'],
  },
  // The CLI itself, minified but with its names (less to read and compile on each start, readable
  // stack traces and profiles); each command's modules are evaluated only when it runs (src/cli/run.ts).
  { ...cliMain, outfile: 'dist/cli-main.js' },
  { ...cliMain, outfile: 'dist/cli-sessions.js', plugins: [sessionsOnly] },
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

// Stale shared chunks of an earlier build go first (a fresh clone has no dist/ yet).
fs.mkdirSync('dist', { recursive: true });
for (const f of fs.readdirSync('dist', { withFileTypes: true })) {
  if (/^shared-.*\.js(\.map)?$/.test(f.name)) fs.rmSync(path.join('dist', f.name));
}
const usage = await probe();
if (watch) {
  for (const t of [...hostTargets(plan(usage)), ...otherTargets]) await (await context(t)).watch();
} else {
  await Promise.all(otherTargets.map((t) => build(t)));
  // A shared module keeps all its exports, which can pull in code a bundle's own build had shaken
  // off: such modules become shared too, until no module is compiled twice.
  for (let round = 1; ; round++) {
    const results = await Promise.all(hostTargets(plan(usage)).map((t) => build({ ...t, metafile: true })));
    const twice = compiledTwice(results.map((r) => r.metafile));
    if (twice.length === 0) break;
    if (round === 4) {
      const lines = twice.slice(0, 20).map(([f, outs]) => `  ${f}: ${outs.join(', ')}`);
      throw new Error(`modules compiled into more than one extension-host bundle:\n${lines.join('\n')}`);
    }
    for (const [f, outs] of twice) {
      if (outs.includes('dist/extension.js')) usage.host.add(f);
      const names = new Set(usage.users.get(f) ?? []);
      for (const o of outs)
        for (const n of path
          .basename(o, '.js')
          .replace(/^shared-/, '')
          .split('-'))
          names.add(n);
      names.delete('extension');
      usage.users.set(f, [...names]);
    }
  }
}

/** Source modules compiled into more than one extension-host bundle, with those bundles. */
function compiledTwice(metafiles) {
  const where = new Map();
  for (const m of metafiles) {
    for (const [out, o] of Object.entries(m.outputs)) {
      if (!out.endsWith('.js')) continue;
      for (const [f, i] of Object.entries(o.inputs)) {
        if (i.bytesInOutput === 0 || f.startsWith('scripts/') || f.includes(':') || f.endsWith('-entry.ts'))
          continue;
        where.set(f, [...(where.get(f) ?? []), out]);
      }
    }
  }
  return [...where].filter(([, outs]) => outs.length > 1);
}
