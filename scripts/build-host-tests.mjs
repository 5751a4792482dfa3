// Bundles the extension-host test suite (test/extension) into out/test/extension/ for the real host:
// the suite entry (suite/index.js) and one bundle per *.test.ts. `vscode` comes from the host and
// mocha is loaded from node_modules, as @vscode/test-electron expects.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = 'test/extension';
const entryPoints = [path.join(root, 'suite', 'index.ts')];
for (const f of fs.readdirSync(root, { recursive: true })) {
  if (String(f).endsWith('.test.ts')) entryPoints.push(path.join(root, String(f)));
}
fs.rmSync('out/test/extension', { recursive: true, force: true });
await build({
  entryPoints,
  outbase: root,
  outdir: 'out/test/extension',
  bundle: true,
  sourcemap: 'inline',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode', 'mocha'],
  // Tests that bundle the runtime carry node-cron, which reads import.meta.url (see scripts/import-meta-url.js).
  inject: ['scripts/import-meta-url.js'],
  define: { 'import.meta.url': 'importMetaUrl' },
  logLevel: 'warning',
});
console.log(`built ${entryPoints.length - 1} extension test file(s) into out/test/extension`);
