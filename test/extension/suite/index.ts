// Entry point of the extension-host suite (the `extensionTestsPath` contract shared by code-server's
// smoke-test driver and @vscode/test-electron): runs every bundled *.test.js beside this folder.
import fs from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

/** Prefix of every line the reporter prints, so a driver can tell the suite's output from the host's. */
export const outputMarker = '[hive-ext-test] ';

export function run(): Promise<void> {
  // The web host forwards console calls without applying printf formats: format here, one string a
  // call, marked when the code-server driver needs to tell the suite's lines from the host's own.
  const marker = process.env.HIVE_HOST_DRIVER === '1' ? outputMarker : '';
  const log = console.log.bind(console);
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => log(marker + format(...args));
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.HIVE_EXT_TEST_TIMEOUT ?? 20_000),
    grep: process.env.HIVE_EXT_TEST_GREP || undefined,
  });
  // This file is bundled to out/test/extension/suite/index.js; the tests are out/test/extension/**/*.test.js.
  const root = path.resolve(__dirname, '..');
  for (const file of findTests(root)) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} extension test(s) failed`));
        else resolve();
      });
    } catch (err) {
      reject(err);
    }
  });
}

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findTests(p));
    else if (e.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}
