// Runs the extension-host mocha suite inside code-server's real extension host: the page opens the
// workbench in extension development mode with `extensionTestsPath` (the @vscode/test-electron
// contract); the smoke-test driver reports the suite's output and exit code back through two
// functions the page exposes.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { openWorkbench, workbenchUrl } from './browser';

export interface ExtensionSuiteOptions {
  browser: Browser;
  /** code-server's base URL, e.g. http://127.0.0.1:4312 */
  baseUrl: string;
  folder: string;
  extensionDevelopmentPath: string;
  /** The bundled suite entry, e.g. out/test/extension/suite/index.js (without .js works too). */
  extensionTestsPath: string;
  extensionEnvironment: Record<string, string>;
  timeoutMs: number;
  /** Where the host's own logs (sent with the exit code) and a screenshot are saved. */
  outputDir: string;
  log: (line: string) => void;
}

/** Must match test/extension/suite/index.ts (the driver sets HIVE_HOST_DRIVER=1 in the host). */
const outputMarker = '[hive-ext-test] ';

/** Workbench errors that every offline run has (marketplace, GitHub sign-in): not worth showing. */
const harmless = [
  'open-vsx.org',
  "authentication provider 'github'",
  'Long running operations during shutdown',
];

export interface ExtensionSuiteResult {
  code: number;
  workbenchLog: string[];
  timedOut: boolean;
}

interface HostLog {
  relativePath: string;
  contents: string;
}

export async function runExtensionSuite(opts: ExtensionSuiteOptions): Promise<ExtensionSuiteResult> {
  const authority = new URL(opts.baseUrl).host;
  const remote = (p: string) => `vscode-remote://${authority}${p}`;
  const url = workbenchUrl(opts.baseUrl, opts.folder, [
    ['extensionDevelopmentPath', remote(opts.extensionDevelopmentPath)],
    ['extensionTestsPath', remote(opts.extensionTestsPath)],
    ['extensionEnvironment', JSON.stringify({ ...opts.extensionEnvironment, HIVE_HOST_DRIVER: '1' })],
  ]);

  const context = await opts.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const workbenchLog: string[] = [];
  let finish: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => {
    finish = resolve;
  });
  await page.exposeFunction('codeAutomationLog', (level: string, message: string) => {
    const text = String(message);
    // The suite's own lines (marked by test/extension/suite) are shown live; the workbench's chatter
    // is kept in a file, and its errors are shown too when the suite fails.
    if (text.startsWith(outputMarker)) {
      opts.log(text.slice(outputMarker.length));
    } else {
      workbenchLog.push(`[${level}] ${text}`);
    }
  });
  await page.exposeFunction('codeAutomationExit', (code: number, logs?: HostLog[]) => {
    saveHostLogs(path.join(opts.outputDir, 'extension-host-logs'), logs ?? []);
    finish(Number(code));
  });

  let timedOut = false;
  let code: number;
  try {
    await openWorkbench(page, url, { log: opts.log });
    const timer = new Promise<number>((resolve) =>
      setTimeout(() => {
        timedOut = true;
        resolve(124);
      }, opts.timeoutMs).unref(),
    );
    code = await Promise.race([exited, timer]);
    if (timedOut) opts.log(`the extension-host suite did not finish within ${opts.timeoutMs / 1000} s`);
  } finally {
    await page
      .screenshot({ path: path.join(opts.outputDir, 'screenshots', 'extension-suite.png') })
      .catch(() => {});
    await context.close().catch(() => {});
    fs.mkdirSync(opts.outputDir, { recursive: true });
    fs.writeFileSync(
      path.join(opts.outputDir, 'extension-suite-workbench.log'),
      `${workbenchLog.join('\n')}\n`,
    );
  }
  if (code !== 0) {
    const errors = workbenchLog.filter(
      (l) => l.startsWith('[error]') && !harmless.some((h) => l.includes(h)),
    );
    for (const e of errors.slice(-10)) opts.log(`workbench ${e.split('\n').slice(0, 8).join('\n')}`);
  }
  return { code, workbenchLog, timedOut };
}

function saveHostLogs(dir: string, logs: HostLog[]): void {
  for (const l of logs) {
    const rel = path.normalize(l.relativePath).replace(/^(\.\.[/\\])+/, '');
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, l.contents);
  }
}
