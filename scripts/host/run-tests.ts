// The real-host test driver (run by scripts/host-tests.sh after the installer and the builds):
// starts code-server with the smoke-test driver on a free port, runs the extension-host suite
// (test/extension) through the extensionTestsPath contract, then the playwright UI suite (test/ui)
// against the installed extension, and always stops code-server. Exit code 0 only if both pass.
//
// Usage: tsx scripts/host/run-tests.ts [--only ext|ui]
// The extension's model is the scripted Anthropic server (scripts/host/model-server.ts), started here
// before code-server; UI tests script its replies through its control URL (HIVE_UI_MODEL_CONTROL).
// Env: HIVE_HOST_SUITE_TIMEOUT (s, default 600), HIVE_EXT_TEST_GREP, HIVE_UI_GREP,
// HIVE_TEST_MODEL_URL (use that model server instead of starting one).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchChromium } from './browser';
import { type CodeServer, outboundAttempts, startCodeServer, tail, vscodeLogs } from './code-server';
import { runExtensionSuite } from './extension-suite';
import { type HostFixtures, prepareFixtures } from './fixtures';
import { type HostEnv, parseHostEnv, repoRoot } from './host-env';
import { installConsentCaller, installExtensionCopy, installExtensionVsix } from './install-extension';
import { type HostModelServer, startHostModelServer } from './model-server';

const outputDir = path.join(repoRoot, 'test-output');
const log = (line: string) => process.stdout.write(`${line}\n`);
/** Each suite's printed output, kept so its failures can be repeated after the (long) logs. */
const suiteOutput = new Map<string, string[]>();
const record = (suite: string) => {
  const lines: string[] = [];
  suiteOutput.set(suite, lines);
  return (line: string) => {
    lines.push(line);
    log(line);
  };
};
const section = (title: string) => log(`\n--- ${title}`);

async function main(): Promise<number> {
  const only = argValue('--only');
  if (only !== undefined && only !== 'ext' && only !== 'ui')
    throw new Error(`--only takes ext or ui, not "${only}"`);
  const suiteTimeoutMs = Number(process.env.HIVE_HOST_SUITE_TIMEOUT ?? 600) * 1000;
  const host = loadHostEnv();
  fs.rmSync(path.join(outputDir, 'screenshots'), { recursive: true, force: true });
  fs.rmSync(path.join(outputDir, 'extension-host-logs'), { recursive: true, force: true });
  fs.mkdirSync(path.join(outputDir, 'screenshots'), { recursive: true });

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hive-host-tests-'));
  onSignal(() => fs.rmSync(work, { recursive: true, force: true }));
  // The extension's model is the scripted server (HIVE_TEST_MODEL_URL points it elsewhere instead).
  let model: HostModelServer | undefined;
  if (!process.env.HIVE_TEST_MODEL_URL) {
    model = await startHostModelServer();
    onSignal(() => model?.close());
    log(`scripted model server on ${model.url} (control ${model.controlUrl})`);
  }
  const fixtures = prepareFixtures(work, { modelUrl: model?.url });
  const csDir = path.join(work, 'code-server');
  // --vsix: the UI suite runs the packaged extension, installed by code-server itself.
  const vsix = argValue('--vsix');
  if (vsix) {
    installExtensionVsix(host, path.join(csDir, 'exts'), path.resolve(vsix), path.join(csDir, 'ud'));
    log(`installed ${path.basename(vsix)} with code-server --install-extension`);
  } else installExtensionCopy(path.join(csDir, 'exts'));
  installConsentCaller(host, path.join(csDir, 'exts'), path.join(csDir, 'ud'), work, !!vsix);

  const t0 = Date.now();
  let cs: CodeServer | undefined;
  const failed: string[] = [];
  try {
    onSignal(() => cs?.stop());
    cs = await startCodeServer({
      host,
      dir: csDir,
      workspace: fixtures.workspace,
      smokeTestDriver: true,
      env: fixtures.env,
    });
    log(`code-server ${host.codeServerVersion} on ${cs.url} (log: ${cs.logFile})`);

    if (only !== 'ui') {
      section('extension-host suite (test/extension, in the real extension host)');
      const browser = await launchChromium(host.chromium);
      try {
        const r = await runExtensionSuite({
          browser,
          baseUrl: cs.url,
          folder: fixtures.workspace,
          extensionDevelopmentPath: repoRoot,
          extensionTestsPath: path.join(repoRoot, 'out', 'test', 'extension', 'suite', 'index.js'),
          extensionEnvironment: fixtures.env,
          timeoutMs: suiteTimeoutMs,
          outputDir,
          log: record('extension-host suite'),
        });
        if (r.code !== 0) failed.push(`extension-host suite (exit ${r.timedOut ? 'timeout' : r.code})`);
      } finally {
        await browser.close().catch(() => {});
      }
    }

    if (only !== 'ext') {
      section('UI suite (test/ui, playwright + Chromium against code-server)');
      const code = await runUiSuite(host, cs, fixtures, model, suiteTimeoutMs);
      if (code !== 0) failed.push(`UI suite (exit ${code})`);
    }
  } catch (err) {
    failed.push(`harness: ${(err as Error).message}`);
  } finally {
    await cs?.stop();
    await model?.close();
  }

  // The tests run offline: code-server must not try to reach the network.
  const outbound = cs ? outboundAttempts(cs.logFile) : [];
  if (outbound.length > 0)
    failed.push(`code-server made ${outbound.length} outbound request(s):\n  ${outbound.join('\n  ')}`);
  else if (cs) log('code-server made no outbound request');
  if (cs && failed.length > 0) printLogs(cs);
  if (cs) fs.copyFileSync(cs.logFile, path.join(outputDir, 'code-server.log'));
  fs.rmSync(work, { recursive: true, force: true });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (failed.length > 0) {
    printFailures();
    log(`\nreal-host tests FAILED in ${secs} s: ${failed.join('; ')}`);
    log(`screenshots and logs: ${path.relative(process.cwd(), outputDir)}/`);
    return 1;
  }
  log(
    `\nreal-host tests passed in ${secs} s (screenshots: ${path.relative(process.cwd(), outputDir)}/screenshots)`,
  );
  return 0;
}

/** The UI suite is a plain mocha run (test/ui/mocharc.json) told where code-server and Chromium are. */
function runUiSuite(
  host: HostEnv,
  cs: CodeServer,
  fixtures: HostFixtures,
  model: HostModelServer | undefined,
  timeoutMs: number,
): Promise<number> {
  const mocha = path.join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js');
  const args = [mocha, '--config', path.join(repoRoot, 'test', 'ui', 'mocharc.json')];
  if (process.env.HIVE_UI_GREP) args.push('--grep', process.env.HIVE_UI_GREP);
  // A whole workbench driven through Chromium on a 2-core machine has timing the tests cannot fully
  // control (a view or setting that settles late): a failed UI test is run once more before it counts.
  // The UI reporter prints each retried attempt's error, so a flaky test stays visible.
  args.push('--retries', '1');
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      HIVE_UI_BASE_URL: cs.url,
      HIVE_UI_WORKSPACE: fixtures.workspace,
      HIVE_UI_HIVE_HOME: fixtures.hiveHome,
      HIVE_UI_MODEL_CONTROL: model?.controlUrl ?? '',
      HIVE_UI_CHROMIUM: host.chromium,
      HIVE_UI_OUTPUT: outputDir,
    },
  });
  onSignal(() => child.kill('SIGKILL'));
  const out = record('UI suite');
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) out(l);
  });
  child.stdout.on('end', () => partial && out(partial));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      log(`the UI suite did not finish within ${timeoutMs / 1000} s`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const cleanups: (() => unknown)[] = [];
let signalled = false;

/** Runs the cleanups, last registered first, if the driver is interrupted (Ctrl+C, CI's SIGTERM); exits 130. */
function onSignal(cleanup: () => unknown): void {
  cleanups.push(cleanup);
  if (cleanups.length > 1) return;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (signalled) return;
      signalled = true;
      log(`\n${sig}: stopping the real-host tests`);
      void (async () => {
        for (const c of [...cleanups].reverse())
          await Promise.resolve()
            .then(c)
            .catch(() => {});
        process.exit(130);
      })();
    });
  }
}

/** Mocha's failure report of each suite, repeated last so the end of a CI log says what failed. */
function printFailures(): void {
  for (const [suite, lines] of suiteOutput) {
    const start = lines.findLastIndex((l) => /^\s*\d+ failing\b/.test(l));
    if (start < 0) continue;
    section(`${suite}: failures (repeated from above)`);
    // A failed test's earlier attempt (the UI reporter prints it as "↻ retrying …", up to a blank line)
    // often failed for another reason than its last one, and is the one to read first.
    // The UI suite also prints what the chat and the toasts showed when an attempt failed.
    for (let i = 0; i < start; i++) {
      const line = lines[i] ?? '';
      if (/^\s*(what showed:|toasts:)/.test(line)) log(line);
      if (!line.includes('↻ retrying')) continue;
      const end = lines.indexOf('', i);
      log(lines.slice(i, Math.min(end < 0 ? lines.length : end, i + 12)).join('\n'));
    }
    const report = lines.slice(start);
    log(report.slice(0, 150).join('\n'));
    if (report.length > 150) log(`… ${report.length - 150} more lines above`);
  }
}

function printLogs(cs: CodeServer): void {
  section(`code-server log (${cs.logFile}), last 80 lines`);
  log(tail(cs.logFile, 80));
  // The server's and the extension host's own logs, and whatever our extension logged.
  const wanted = (f: string) =>
    /^(remoteagent|remoteexthost|exthost)\.log$/.test(path.basename(f)) || f.includes('hive-vscode');
  for (const file of vscodeLogs(cs.userDataDir).filter(wanted)) {
    section(`${path.relative(cs.userDataDir, file)}, last 40 lines`);
    log(tail(file, 40));
  }
}

function loadHostEnv(): HostEnv {
  const cache = process.env.HIVE_VSCODE_CACHE ?? path.join(repoRoot, '.vscode-test');
  const file = path.join(cache, 'host.env');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run scripts/vscode-host.sh first`);
  return parseHostEnv(fs.readFileSync(file, 'utf8'));
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(`real-host tests could not run: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
