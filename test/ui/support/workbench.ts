// What a UI test needs: a page on code-server's workbench (opened once per describe block), a
// screenshot after every test (test-output/screenshots/<file>--<test>.png, failures included) and
// small helpers for VS Code's own widgets. Run through scripts/host-tests.sh, which starts code-server
// and passes its URL in HIVE_UI_* variables.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import { launchChromium, openWorkbench, workbenchUrl } from '../../../scripts/host/browser';

export interface UiHost {
  baseUrl: string;
  workspace: string;
  chromium: string;
  outputDir: string;
}

export function uiHost(): UiHost {
  const need = (key: string): string => {
    const v = process.env[key];
    if (!v) throw new Error(`${key} is not set: run the UI suite through scripts/host-tests.sh --only ui`);
    return v;
  };
  return {
    baseUrl: need('HIVE_UI_BASE_URL'),
    workspace: need('HIVE_UI_WORKSPACE'),
    chromium: need('HIVE_UI_CHROMIUM'),
    outputDir: need('HIVE_UI_OUTPUT'),
  };
}

/**
 * A private copy of the sample workspace (beside the shared one, removed with it by the driver), for
 * tests that change the folder or its trust.
 */
export function freshWorkspace(): string {
  const shared = uiHost().workspace;
  const copy = fs.mkdtempSync(`${shared}-`);
  fs.cpSync(shared, copy, { recursive: true });
  return copy;
}

let browser: Promise<Browser> | undefined;

function sharedBrowser(): Promise<Browser> {
  browser ??= launchChromium(uiHost().chromium);
  return browser;
}

export async function closeBrowser(): Promise<void> {
  if (browser) await (await browser).close().catch(() => {});
  browser = undefined;
}

/**
 * Opens the sample workspace (or `folder`) in a fresh browser context before the tests of the
 * enclosing describe block, screenshots each test and closes the page after. The folder starts in
 * Restricted Mode; `trust: true` trusts it first. Returns an accessor for the page.
 */
export function useWorkbench(opts: { folder?: string; trust?: boolean } = {}): () => Page {
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  before(async function () {
    // A busy machine (several suites at once) takes up to ~100 s to draw the workbench.
    this.timeout(300_000);
    const host = uiHost();
    context = await (await sharedBrowser()).newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    const t0 = Date.now();
    try {
      await openWorkbench(page, workbenchUrl(host.baseUrl, opts.folder ?? host.workspace), {
        log: (m) => console.log(`      ${m}`),
      });
      if (opts.trust) await trustWorkspace(page);
    } catch (err) {
      await screenshot(page, this.test?.parent?.file, 'workbench-setup');
      throw err;
    }
    console.log(`      (workbench ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  });
  afterEach(async function () {
    const test = this.currentTest;
    if (page && test) await screenshot(page, test.file, test.title);
    // A failed attempt (mocha leaves a retried one's state unset): what showed, in the log, since a CI
    // log is read without the screenshots.
    if (page && test && test.state !== 'passed') await printWhatShows(page);
  });
  after(async () => {
    await context?.close().catch(() => {});
  });
  return () => {
    if (!page) throw new Error('the workbench page is not open yet');
    return page;
  };
}

/** The text of the chat (its end) and of the workbench's toasts, printed as a failed attempt left them. */
async function printWhatShows(page: Page): Promise<void> {
  const text = async (l: Locator) => {
    try {
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText(), not the DOM property
      return (await l.innerText({ timeout: 2_000 })).replace(/\s*\n\s*/g, ' | ');
    } catch {
      return '(not shown)';
    }
  };
  const chat = await text(chatFrame(page).locator('body'));
  const toasts = await text(page.locator('.notifications-toasts'));
  console.log(`      what showed: chat …${chat.slice(-1500)}\n      toasts: ${toasts.slice(0, 500)}`);
}

/** A screenshot in the middle of a test (e.g. while a reply streams), named like the others. */
export async function snap(page: Page, test: Mocha.Context, name: string): Promise<void> {
  await screenshot(page, test.test?.file, `${test.test?.title ?? 'ui'} ${name}`);
}

/** Saves test-output/screenshots/<test file>--<title>.png; a failed screenshot never fails a test. */
async function screenshot(page: Page, file: string | undefined, title: string): Promise<void> {
  const name = `${slug(path.basename(file ?? 'ui', '.test.ts'))}--${slug(title)}.png`;
  await page.screenshot({ path: path.join(uiHost().outputDir, 'screenshots', name) }).catch(() => {});
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
}

/**
 * Runs a palette command by its visible "Category: Title" label: F1, type, wait for the row, Enter.
 * Retried once: right after load the palette may open before every command is registered.
 */
export async function runCommand(page: Page, label: string, attempts = 2): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  for (let i = 1; ; i++) {
    await focusWorkbench(page);
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${label}`);
    try {
      await row.waitFor({ state: 'visible', timeout: 10_000 });
      break;
    } catch (err) {
      await page.keyboard.press('Escape');
      if (i >= attempts)
        throw new Error(`no palette entry "${label}": ${(err as Error).message.split('\n')[0]}`);
    }
  }
  await input.press('Enter');
  // The palette closes, or the command asks its own question in the same widget.
  await waitUntil(`"${label}" to run`, async () => {
    if (!(await widget.isVisible())) return true;
    return (
      (await input.inputValue()) !== `>${label}` && !(await widget.getAttribute('class'))?.includes('closing')
    );
  });
}

/**
 * Gives the keyboard to the workbench itself: a click on empty activity bar space (the editor area
 * may be covered by a webview, whose frame would keep the keys).
 */
async function focusWorkbench(page: Page): Promise<void> {
  const bar = page.locator('.part.activitybar');
  const box = await bar.boundingBox();
  if (box) await bar.click({ position: { x: box.width / 2, y: box.height * 0.6 } });
}

/** Picks the row of the open quick pick (a command's own question) that contains `text`. */
export async function pickQuickInput(page: Page, text: string, timeoutMs?: number): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const row = widget.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
  await row.waitFor({ state: 'visible', ...(timeoutMs ? { timeout: timeoutMs } : {}) });
  await row.click();
  await widget.waitFor({ state: 'hidden' });
}

/**
 * Trusts the open folder the way a user does (status bar "Restricted Mode", then Trust). code-server
 * keeps the decision on the server, so it holds for every later page on the same folder.
 */
export async function trustWorkspace(page: Page): Promise<void> {
  const restricted = page.locator('.part.statusbar .statusbar-item', { hasText: 'Restricted Mode' });
  // On a busy machine the item comes long after the workbench is drawn.
  await restricted.waitFor({ state: 'visible', timeout: 90_000 });
  await restricted.click();
  await page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).click();
  await page.locator('.workspace-trust-editor.trusted').waitFor({ state: 'visible' });
  await restricted.waitFor({ state: 'hidden' });
  // The trust editor opens as a modal editor: close it so the workbench takes input again.
  const modal = page.locator('.modal-editor-part');
  await modal.locator('a.action-label[aria-label^="Close Modal Editor"]').click();
  await modal.waitFor({ state: 'hidden' });
}

/** The activity bar entry of a view container, by its title (e.g. "Hive"). */
export function activityBarItem(page: Page, title: string): Locator {
  return page.locator(`.part.activitybar .action-item a.action-label[aria-label^="${title}"]`).first();
}

/**
 * A view in the side bar, by its name (e.g. "Sessions"). Its header is hidden while it is the only
 * view of its container, so the pane is found through the header's label.
 */
export function viewPane(page: Page, name: string): Locator {
  return page.locator(`.part.sidebar .pane:has(> .pane-header[aria-label="${name} Section"])`).first();
}

/** A row of a tree or list view in the side bar (e.g. a session in "Sessions"), by its text. */
export function treeItem(page: Page, viewName: string, text: string | RegExp): Locator {
  return viewPane(page, viewName).locator('.monaco-list-row', { hasText: text }).first();
}

/** The content frame of the focused webview (e.g. the chat panel): VS Code nests it in two iframes. */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/** The chat panel's page (the only webview the Hive UI opens). */
export const chatFrame = webviewFrame;

/** Opens the Hive view from its activity bar entry and returns the Sessions pane. */
export async function openHiveView(page: Page): Promise<Locator> {
  const pane = viewPane(page, 'Sessions');
  if (!(await pane.isVisible())) await activityBarItem(page, 'Hive').click();
  await pane.waitFor({ state: 'visible' });
  return pane;
}

/**
 * A session's row in the Sessions tree, expanding collapsed group rows (queens, colonies) until it
 * shows: the tree groups sessions by queen and may start with groups collapsed.
 */
export async function sessionRow(page: Page, text: string | RegExp, timeoutMs = 20_000): Promise<Locator> {
  const pane = await openHiveView(page);
  const row = pane.locator('.monaco-list-row', { hasText: text }).first();
  const collapsed = pane.locator('.monaco-list-row[aria-expanded="false"]');
  await waitUntil(
    `a row "${text}" in the Sessions view`,
    async () => {
      if (await row.isVisible()) return true;
      if ((await collapsed.count()) > 0) await collapsed.first().click();
      else {
        // The tree only renders the rows in view: earlier tests' sessions can push a row below the fold.
        await pane.locator('.monaco-list').first().hover();
        await page.mouse.wheel(0, 120);
      }
      return false;
    },
    timeoutMs,
  );
  return row;
}

/** Error notifications currently shown (toasts). */
export function errorToasts(page: Page): Locator {
  return page.locator('.notifications-toasts .notification-toast:has(.codicon-error)');
}

/** Polls `probe` until it returns a truthy value (UI state settles a moment after an action). */
export async function waitUntil<T>(what: string, probe: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
