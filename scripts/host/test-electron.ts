// `npm run test:electron`: the same extension-host suite (out/test/extension) in desktop VS Code,
// downloaded by @vscode/test-electron into .vscode-test/. For desktops that can reach VS Code's
// update server; CI and this project's machines use scripts/host-tests.sh (code-server) instead.
// Env: HIVE_VSCODE_VERSION (default "stable"), HIVE_EXT_TEST_GREP.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { prepareFixtures } from './fixtures';
import { repoRoot } from './host-env';

async function main(): Promise<number> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hive-electron-tests-'));
  const fixtures = prepareFixtures(work);
  try {
    await runTests({
      version: process.env.HIVE_VSCODE_VERSION ?? 'stable',
      cachePath: path.join(repoRoot, '.vscode-test', 'electron'),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'out', 'test', 'extension', 'suite', 'index.js'),
      extensionTestsEnv: fixtures.env,
      launchArgs: [
        fixtures.workspace,
        '--disable-extensions',
        `--user-data-dir=${path.join(work, 'ud')}`,
        `--extensions-dir=${path.join(work, 'exts')}`,
      ],
    });
    return 0;
  } catch (err) {
    const msg = (err as Error).message;
    process.stderr.write(`extension tests failed in desktop VS Code: ${msg}\n`);
    if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED/.test(msg)) {
      process.stderr.write(
        'VS Code could not be downloaded here: npm run test:host runs the suite in code-server.\n',
      );
    }
    return 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));
