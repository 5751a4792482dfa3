/**
 * Real-host figures, measured in code-server's real extension host and Chromium:
 *
 * - extension activation: what VS Code itself reports in "Developer: Show Running Extensions"
 *   (code loading + the activate() call) when the Hive view is first opened on an idle host; one
 *   fresh extension host per sample. Goal < 50 ms. Also the time from that click until the Sessions
 *   view shows its first row (activation, loading the session index, listing the home).
 * - the chat opening a cold 5,000-message session (written in Hive's part-file format into the
 *   fixture HIVE_HOME) from the Sessions view: time until the newest message is painted in the
 *   webview (goal < 150 ms), and the webview's DOM node count at the bottom, at most while scrolling
 *   to the top, and at the top (it must stay bounded).
 *
 * Skipped, with a message, only when the host is not installed (`npm run host:install`).
 * Env: BENCH_HOST_RUNS (activation samples, default 3), BENCH_HOST_IDLE_MS (wait before activating,
 * default 8000), BENCH_HOST_MESSAGES (default 5000). Screenshots: test-output/bench/.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { launchChromium, openWorkbench, workbenchUrl } from '../scripts/host/browser';
import { type CodeServer, startCodeServer } from '../scripts/host/code-server';
import { prepareFixtures } from '../scripts/host/fixtures';
import { type HostEnv, parseHostEnv, repoRoot } from '../scripts/host/host-env';
import { installExtensionCopy } from '../scripts/host/install-extension';
import { activityBarItem, runCommand, sessionRow, viewPane } from '../test/ui/support/workbench';
import { type LongSession, writeLongSession } from './host-session';

const RUNS = Number(process.env.BENCH_HOST_RUNS ?? 3);
const IDLE_MS = Number(process.env.BENCH_HOST_IDLE_MS ?? 8000);
const MESSAGES = Number(process.env.BENCH_HOST_MESSAGES ?? 5000);
const OUT = path.join(repoRoot, 'test-output', 'bench');
// Tall enough that the Running Extensions list shows every row (it renders only visible rows).
const VIEWPORT = { width: 1400, height: 1600 };

export async function run(): Promise<void> {
  const host = installedHost();
  if (!host) return;
  build();
  fs.mkdirSync(OUT, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hive-bench-host-'));
  let cs: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    const fixtures = prepareFixtures(work);
    const t0 = Date.now();
    const session = writeLongSession(fixtures.hiveHome, MESSAGES);
    console.log(`wrote a ${MESSAGES}-message session in ${Date.now() - t0} ms (${session.sessionId})`);
    installExtensionCopy(path.join(work, 'cs', 'exts'));
    cs = await startCodeServer({
      host,
      dir: path.join(work, 'cs'),
      workspace: fixtures.workspace,
      env: fixtures.env,
    });
    browser = await launchChromium(host.chromium);
    const url = workbenchUrl(cs.url, fixtures.workspace);

    const samples: number[] = [];
    const rows: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const s = await activationSample(browser, url, i);
      samples.push(s.activation);
      rows.push(s.rows);
    }
    const median = medianOf(samples);
    console.log(
      `activation (VS Code's Running Extensions: code loading + activate()): median ${median} ms ` +
        `[${samples.join(', ')}] — goal < 50 ms${median < 50 ? '' : ' — OVER'}`,
    );
    console.log(
      `Hive view clicked → first Sessions row shown: median ${medianOf(rows)} ms [${rows.join(', ')}]`,
    );

    const chat = await longSessionFigures(browser, url, session);
    for (const line of chat) console.log(line);
  } finally {
    await browser?.close().catch(() => {});
    await cs?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function medianOf(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

/** The installed host, or undefined after saying why the bench is skipped. */
function installedHost(): HostEnv | undefined {
  const cache = process.env.HIVE_VSCODE_CACHE ?? path.join(repoRoot, '.vscode-test');
  const file = path.join(cache, 'host.env');
  try {
    return parseHostEnv(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    console.log(
      `skipped: the real VS Code host is not installed (${(err as Error).message.split('\n')[0]}); ` +
        'run `npm run host:install` first',
    );
    return undefined;
  }
}

/** The figures are of the current sources: build the extension and the webview first. */
function build(): void {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`the build failed:\n${r.stdout}\n${r.stderr}`);
}

async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  return { context, page: await context.newPage() };
}

/**
 * One activation on a fresh extension host (each workbench page gets its own): load, let the
 * built-in extensions finish starting, open the Hive view (onView activation), read VS Code's figure.
 * Also the time from the click until the Sessions tree shows its first row (activation included).
 */
async function activationSample(
  browser: Browser,
  url: string,
  i: number,
): Promise<{ activation: number; rows: number }> {
  const { context, page } = await newPage(browser);
  try {
    await openWorkbench(page, url);
    await page.waitForTimeout(IDLE_MS);
    const clicked = Date.now();
    await activityBarItem(page, 'Hive').click();
    await viewPane(page, 'Sessions').locator('.monaco-list-row').first().waitFor({ state: 'visible' });
    const rows = Date.now() - clicked;
    await runCommand(page, 'Developer: Show Running Extensions');
    const cell = page.locator(
      '.runtime-extensions-editor .monaco-list-row[aria-label="hive-vscode"] .activation-time',
    );
    await cell.waitFor({ state: 'visible', timeout: 20_000 });
    const text = (await cell.textContent()) ?? '';
    await page.screenshot({ path: path.join(OUT, `activation-${i + 1}.png`) });
    const m = /(\d+)\s*ms/.exec(text);
    if (!m) throw new Error(`unexpected activation cell "${text}"`);
    return { activation: Number(m[1]), rows };
  } finally {
    await context.close().catch(() => {});
  }
}

// biome-ignore lint/suspicious/noExplicitAny: page-side code, and the project type-checks without the DOM lib
type Dom = any;

interface PaintTimes {
  /** In-page epoch ms of the mousedown that opened the session. */
  clickedAt?: number;
  /** When the chat panel's webview iframe first existed. */
  webviewAt?: number;
  /** The first animation frame in which the chat's document had any text (its empty shell). */
  contentAt?: number;
  /** The animation frame in which the marker text was first in the chat's document (so painted). */
  paintedAt?: number;
  /** Inside the chat's document (epoch ms): its navigation start, HTML received, dist/webview.js
   *  received, the bundle's modules loaded ('hive:boot'), `ready` posted to the extension. */
  docStartAt?: number;
  htmlAt?: number;
  scriptAt?: number;
  bootAt?: number;
  readyAt?: number;
  /** The last snapshot and history page received (epoch ms). */
  snapshotAt?: number;
  historyAt?: number;
}

/**
 * Runs in the workbench's top frame, which outlives the webview: the webview frames are same-origin
 * and render in the same animation frames, so a rAF loop here sees the frame in which the chat's
 * document first holds `marker`. Records the click, the webview's appearance and that paint.
 */
function startPaintProbe(marker: string): void {
  const w = globalThis as Dom;
  const t: PaintTimes = {};
  w.__benchPaint = t;
  const now = () => performance.timeOrigin + performance.now();
  w.addEventListener('mousedown', () => (t.clickedAt ??= now()), { capture: true, once: true });
  const chatText = (): string | undefined => {
    for (const outer of w.document.querySelectorAll('iframe.webview')) {
      t.webviewAt ??= now();
      const inner = outer.contentDocument?.querySelector('iframe#active-frame');
      const text = inner?.contentDocument?.body?.textContent;
      if (text) return text;
    }
    return undefined;
  };
  const inner = (): Dom | undefined => {
    for (const outer of w.document.querySelectorAll('iframe.webview')) {
      const win = outer.contentDocument?.querySelector('iframe#active-frame')?.contentWindow;
      if (win?.document?.body) return win;
    }
    return undefined;
  };
  /** The chat document's own timeline, converted to epoch ms. */
  const readDocTimes = () => {
    const win = inner();
    if (!win) return;
    const perf = win.performance;
    const at = (ms: number | undefined) => (ms === undefined ? undefined : perf.timeOrigin + ms);
    const nav = perf.getEntriesByType('navigation')[0];
    t.docStartAt = perf.timeOrigin;
    t.htmlAt = at(nav?.responseEnd);
    const script = perf.getEntriesByType('resource').find((e: Dom) => /webview\.js/.test(e.name));
    t.scriptAt = at(script?.responseEnd);
    t.bootAt = at(perf.getEntriesByName('hive:boot')[0]?.startTime);
    t.readyAt = at(perf.getEntriesByName('hive:ready')[0]?.startTime);
    t.snapshotAt = at(perf.getEntriesByName('hive:snapshot').at(-1)?.startTime);
    t.historyAt = at(perf.getEntriesByName('hive:history').at(-1)?.startTime);
  };
  const tick = () => {
    const text = chatText();
    if (text?.trim()) t.contentAt ??= now();
    if (text?.includes(marker)) {
      t.paintedAt = now();
      readDocTimes();
    } else w.requestAnimationFrame(tick);
  };
  w.requestAnimationFrame(tick);
}

async function longSessionFigures(browser: Browser, url: string, s: LongSession): Promise<string[]> {
  const { context, page } = await newPage(browser);
  try {
    await openWorkbench(page, url);
    await nameShim(page.mainFrame());
    const paint = await clickAndTimePaint(page, s);
    const frame = await chatFrame(page);
    // The view must stay on the newest message once older history pages arrive.
    await page.waitForTimeout(2000);
    const stillAtNewest = await frame.getByText(s.lastMarker).isVisible();
    await page.screenshot({ path: path.join(OUT, 'long-session-bottom.png') });
    const scroll = await scrollToTop(frame, s.firstMarker);
    await page.screenshot({ path: path.join(OUT, 'long-session-top.png') });
    const switched = await reopenInOpenPanel(page, s);
    const reopened = await reopenClosedPanel(page, s);
    return [
      `chat, ${s.messages}-message cold session: click in Sessions → newest message painted ` +
        `${ms(paint.paintedAt, paint.clickedAt)} ms — goal < 150 ms (click → webview created ` +
        `${ms(paint.webviewAt, paint.clickedAt)} ms → chat page drawn ${ms(paint.contentAt, paint.webviewAt)} ms ` +
        `→ newest messages painted ${ms(paint.paintedAt, paint.contentAt)} ms)` +
        (stillAtNewest ? '' : '; 2 s later the newest message was NO LONGER in view'),
      `  inside the chat document, from the click: document started ${ms(paint.docStartAt, paint.clickedAt)} ms, ` +
        `HTML in ${ms(paint.htmlAt, paint.clickedAt)} ms, webview.js in ${ms(paint.scriptAt, paint.clickedAt)} ms, ` +
        `bundle loaded ${ms(paint.bootAt, paint.clickedAt)} ms, ready posted ${ms(paint.readyAt, paint.clickedAt)} ms, ` +
        `snapshot in ${ms(paint.snapshotAt, paint.clickedAt)} ms, newest page in ${ms(paint.historyAt, paint.clickedAt)} ms, ` +
        `newest painted ${ms(paint.paintedAt, paint.clickedAt)} ms`,
      `chat panel already open (on another session): click on the ${s.messages}-message session → newest ` +
        `message painted ${switched.map((x) => `${x}`).join(', ')} ms (median ${medianOf(switched)} ms) — goal < 150 ms`,
      `chat panel closed, then the ${s.messages}-message session clicked (a new webview; VS Code's webview ` +
        `service already started in this browser, as after any earlier webview): newest message painted ` +
        `${reopened.map((x) => x.total).join(', ')} ms (median ${medianOf(reopened.map((x) => x.total))} ms); ` +
        `of which VS Code until the chat document started ${reopened.map((x) => x.vscode).join(', ')} ms`,
      `chat DOM nodes: ${scroll.bottomNodes} at the newest message, at most ${scroll.maxNodes} while ` +
        `scrolling to the top (${scroll.steps} steps, ${scroll.ms} ms), ${scroll.topNodes} at the first message` +
        (scroll.reachedTop ? '' : ' — the first message was NOT reached'),
    ];
  } catch (err) {
    await page.screenshot({ path: path.join(OUT, 'long-session-failed.png') }).catch(() => {});
    return [`chat, ${s.messages}-message session: could not be measured: ${(err as Error).message}`];
  } finally {
    await context.close().catch(() => {});
  }
}

/** Clicks the long session in the Sessions view; resolves with the paint probe's times. */
async function clickAndTimePaint(page: Page, s: LongSession): Promise<PaintTimes> {
  // The newest session heads its queen's group: its preview is the last message.
  const row = await sessionRow(page, 'BENCH-LAST');
  await page.evaluate(startPaintProbe, s.lastMarker);
  await row.click();
  return waitFor(
    page.mainFrame(),
    () => {
      const t = (globalThis as Dom).__benchPaint as PaintTimes;
      return t.paintedAt ? t : undefined;
    },
    60_000,
  );
}

/**
 * The usual way to browse history: the chat panel is open, the user clicks one session after another.
 * Shows a short sample session, then the long one again, timing click → newest message painted (no
 * webview to create this time). Three samples.
 */
async function reopenInOpenPanel(page: Page, s: LongSession): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    const other = await sessionRow(page, /storage suite|slowest/);
    await other.click();
    await (await chatFrame(page)).getByText('Which tests are slowest in this repo?').waitFor();
    const t = await clickAndTimePaint(page, s);
    samples.push(Math.round((t.paintedAt ?? Number.NaN) - (t.clickedAt ?? Number.NaN)));
  }
  return samples;
}

/**
 * The panel closed and opened again by a click: a new webview each time, but the browser has run
 * VS Code's webview service before (the first webview of a fresh browser profile also installs it).
 */
async function reopenClosedPanel(
  page: Page,
  s: LongSession,
): Promise<Array<{ total: number; vscode: number }>> {
  const samples: Array<{ total: number; vscode: number }> = [];
  for (let i = 0; i < 3; i++) {
    await runCommand(page, 'View: Close All Editors');
    await page.locator('iframe.webview').first().waitFor({ state: 'detached', timeout: 10_000 });
    const t = await clickAndTimePaint(page, s);
    const from = (x: number | undefined) => Math.round((x ?? Number.NaN) - (t.clickedAt ?? Number.NaN));
    samples.push({ total: from(t.paintedAt), vscode: from(t.docStartAt) });
    console.log(
      `  reopen ${i + 1}: document ${from(t.docStartAt)}, HTML ${from(t.htmlAt)}, webview.js ${from(t.scriptAt)}, ` +
        `loaded ${from(t.bootAt)}, ready ${from(t.readyAt)}, snapshot ${from(t.snapshotAt)}, page ${from(t.historyAt)}, ` +
        `painted ${from(t.paintedAt)} ms`,
    );
  }
  return samples;
}

/** tsx (esbuild keepNames) wraps local functions in __name(): page-side code needs it defined. */
async function nameShim(frame: Frame): Promise<void> {
  await frame.evaluate('globalThis.__name ??= (f) => f');
}

function ms(to: number | undefined, from: number | undefined): string {
  return to === undefined || from === undefined ? '?' : String(Math.round(to - from));
}

/** The chat webview's content frame (VS Code nests it: iframe.webview → iframe#active-frame). */
async function chatFrame(page: Page): Promise<Frame> {
  const outer = await (await page.waitForSelector('iframe.webview.ready')).contentFrame();
  const inner = await (await outer?.waitForSelector('iframe#active-frame'))?.contentFrame();
  if (!inner) throw new Error('the chat webview has no content frame');
  return inner;
}

async function waitFor<T>(frame: Frame, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const handle = await frame.waitForFunction(probe, undefined, { timeout: timeoutMs, polling: 50 });
  return (await handle.jsonValue()) as T;
}

interface ScrollFigures {
  bottomNodes: number;
  maxNodes: number;
  topNodes: number;
  steps: number;
  ms: number;
  reachedTop: boolean;
}

/**
 * Scrolls the chat's scroller to the top again and again (older history pages load as the top is
 * reached) until the first message is shown, counting DOM nodes after every step.
 */
async function scrollToTop(frame: Frame, firstMarker: string): Promise<ScrollFigures> {
  await nameShim(frame);
  return frame.evaluate(async (marker) => {
    const w = globalThis as Dom;
    const document = w.document;
    const requestAnimationFrame = (f: () => void) => w.requestAnimationFrame(f);
    const nodes = () => document.getElementsByTagName('*').length;
    const frames = (n: number) =>
      new Promise<void>((resolve) => {
        const step = (left: number) => (left <= 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
        step(n);
      });
    // The scroller is the element with the most content scrolled out of view.
    const scrollers: Dom[] = [...document.querySelectorAll('*')].filter(
      (e: Dom) => e.scrollHeight > e.clientHeight + 10 && w.getComputedStyle(e).overflowY !== 'visible',
    );
    scrollers.sort((a: Dom, b: Dom) => b.scrollHeight - a.scrollHeight);
    const el = scrollers[0] ?? document.scrollingElement;
    const bottomNodes = nodes();
    let maxNodes = bottomNodes;
    const t0 = performance.now();
    let steps = 0;
    let reachedTop = false;
    for (; steps < 400; steps++) {
      if (document.body.textContent?.includes(marker) && el && el.scrollTop === 0) {
        reachedTop = true;
        break;
      }
      if (el) el.scrollTop = Math.max(0, el.scrollTop - el.clientHeight * 3);
      await frames(2);
      maxNodes = Math.max(maxNodes, nodes());
    }
    await new Promise((r) => setTimeout(r, 300));
    return {
      bottomNodes,
      maxNodes: Math.max(maxNodes, nodes()),
      topNodes: nodes(),
      steps,
      ms: Math.round(performance.now() - t0),
      reachedTop,
    };
  }, firstMarker);
}
