// Renders the built chat webview in headless Chromium under its real CSP, plays scripted protocol
// messages, screenshots it in light, dark and high-contrast themes into test-output/webview/, drives
// the controls and checks what the page posts back, and measures a 5,000-message session.
//   npm run build && npx tsx test/ui/webview-harness/run.ts      (CHROMIUM=/path/to/chromium to override)
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startHarnessServer } from './server';

const ROOT = path.resolve(__dirname, '../../..');
const OUT = path.join(ROOT, 'test-output', 'webview');
const CHROMIUM = process.env.CHROMIUM ?? process.env.HIVE_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

type Posted = { type: string; [k: string]: unknown };

async function main(): Promise<void> {
  if (!existsSync(path.join(ROOT, 'dist', 'webview.js')))
    throw new Error('dist/webview.js missing: run npm run build');
  mkdirSync(OUT, { recursive: true });
  const server = await startHarnessServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  const problems: string[] = [];
  const results: Record<string, unknown> = {};
  try {
    for (const theme of ['light', 'dark', 'hc', 'hcLight']) {
      const page = await open(browser, server.origin, theme, { width: 820, height: 1180 });
      await page.evaluate(() => (globalThis as unknown as Harness).hiveScenarios.full());
      await settle(page);
      await page.screenshot({ path: path.join(OUT, `chat-${theme}.png`) });
      await page.evaluate(() => {
        (globalThis as unknown as Harness).document.querySelector('.scroller')!.scrollTop = 0;
      });
      await settle(page);
      await page.screenshot({ path: path.join(OUT, `chat-${theme}-top.png`) });
      problems.push(...(await pageProblems(page, theme)));
      await page.close();
    }

    const narrow = await open(browser, server.origin, 'dark', { width: 420, height: 900 });
    await narrow.evaluate(() => (globalThis as unknown as Harness).hiveScenarios.full());
    await settle(narrow);
    await narrow.screenshot({ path: path.join(OUT, 'chat-narrow-dark.png') });
    await narrow.close();

    const empty = await open(browser, server.origin, 'light', { width: 820, height: 500 });
    await settle(empty);
    assert.match((await empty.locator('.empty-state').textContent()) ?? '', /No session yet/);
    assert.deepEqual(await posted(empty), [{ type: 'ready' }]);
    await empty.screenshot({ path: path.join(OUT, 'empty-light.png') });
    // Sending from the empty state asks the host for a new session with that first message.
    await empty.locator('textarea.composer-input').fill('Plan the migration');
    await empty.locator('textarea.composer-input').press('Enter');
    assert.deepEqual((await posted(empty)).at(-1), { type: 'sendMessage', text: 'Plan the migration' });
    problems.push(...(await pageProblems(empty, 'empty')));
    await empty.close();

    results.interactions = await interactions(browser, server.origin);
    results.longSession = await longSession(browser, server.origin);
    results.pagedSession = await pagedSession(browser, server.origin);
    results.pagedAnchor = await pagedAnchor(browser, server.origin);
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(JSON.stringify(results, null, 2));
  console.log(`screenshots: ${OUT}`);
  if (problems.length > 0) {
    console.error(`problems:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  }
}

/** What the callbacks passed to page.evaluate use in the page (the Node program has no DOM types). */
interface Harness {
  document: {
    querySelector(selector: string): { scrollTop: number; scrollHeight: number; clientHeight: number } | null;
    querySelectorAll(selector: string): { length: number };
    activeElement: { tagName: string; blur(): void } | null;
  };
  requestAnimationFrame(callback: () => void): number;
  hiveScenarios: {
    full(): Promise<void>;
    long(n?: number): Promise<void>;
    paged(n?: number, pageSize?: number): Promise<void>;
  };
  harnessLoadOlderCount: number;
  harnessPosted: Posted[];
  harnessCspViolations: string[];
  harnessErrors: string[];
  hiveChat: { renderedRowCount: number };
}

async function open(
  browser: Browser,
  origin: string,
  theme: string,
  viewport: { width: number; height: number },
): Promise<Page> {
  const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.error(`[console ${m.type()}] ${m.text()}`);
  });
  await page.goto(`${origin}/?theme=${theme}`);
  await page.waitForFunction(() => 'hiveChat' in globalThis);
  return page;
}

/** Lets animation frames and resize observers run so the list is measured and laid out. */
async function settle(page: Page): Promise<void> {
  for (let i = 0; i < 4; i++)
    await page.evaluate(
      () => new Promise((r) => (globalThis as unknown as Harness).requestAnimationFrame(() => r(null))),
    );
  await page.waitForTimeout(150);
}

async function posted(page: Page): Promise<Posted[]> {
  return page.evaluate(() => (globalThis as unknown as Harness).harnessPosted);
}

async function pageProblems(page: Page, label: string): Promise<string[]> {
  const { csp, errors } = await page.evaluate(() => ({
    csp: (globalThis as unknown as Harness).harnessCspViolations,
    errors: (globalThis as unknown as Harness).harnessErrors,
  }));
  return [...csp.map((c) => `${label}: CSP violation ${c}`), ...errors.map((e) => `${label}: error ${e}`)];
}

async function interactions(browser: Browser, origin: string): Promise<string[]> {
  const page = await open(browser, origin, 'dark', { width: 820, height: 1180 });
  await page.evaluate(() => (globalThis as unknown as Harness).hiveScenarios.full());
  await settle(page);
  const checked: string[] = [];
  const expectPosted = async (what: string, expected: Posted) => {
    const all = await posted(page);
    assert.deepEqual(all[all.length - 1], expected, what);
    checked.push(what);
  };

  await page.click('vscode-button[data-action="approve"]');
  await expectPosted('approve a tool call', { type: 'approvalAnswer', id: 'appr_1', approve: true });
  await settle(page);
  assert.equal(await page.locator('vscode-button[data-action="approve"][disabled]').count(), 1);

  // The worker's file approval names the worker and the file, and opens the diff review.
  const workerCard = page.locator('.tool-card', { hasText: 'reports/release-notes.md' });
  assert.match(
    (await workerCard.locator('.approval-text').textContent()) ?? '',
    /Worker worker_\S+ wants to create reports\/release-notes.md/,
  );
  await workerCard.locator('vscode-button[data-action="review-proposal"]').click();
  await expectPosted('open the diff review of a file approval', { type: 'reviewProposal', id: 'appr_2' });
  // The command card shows the command and its folder.
  assert.match(
    (await page.locator('.approval-cwd').first().textContent()) ?? '',
    /in \/home\/dev\/projects\/acme-api/,
  );
  checked.push('a command card shows its folder');
  // A running worker's lane is open; its head folds it.
  const laneHead = page.locator('.lane-head');
  assert.equal(await laneHead.getAttribute('aria-expanded'), 'true');
  await laneHead.click();
  await settle(page);
  assert.equal(await page.locator('.lane-head').getAttribute('aria-expanded'), 'false');
  checked.push('a lane folds');

  const restoreIn = (file: string) =>
    page.locator('.changes-row', { hasText: file }).locator('vscode-button[data-action="restore-turn"]');
  await restoreIn('reports/week-16.md').click();
  await expectPosted('restore the files of a turn', { type: 'restoreTurn', turnId: '4' });
  await settle(page);
  assert.equal(await page.locator('vscode-button[data-action="restore-turn"][disabled]').count(), 1);
  // A worker's turn has its own Restore, which names the worker (its turns count in its own conversation).
  await restoreIn('reports/changelog-digest.md').click();
  await expectPosted("restore the files of a worker's turn", {
    type: 'restoreTurn',
    turnId: '2',
    requester: 'worker_20260421_090455_c01d',
  });
  await settle(page);
  assert.equal(await page.locator('vscode-button[data-action="restore-turn"][disabled]').count(), 2);

  await page.click('vscode-button[data-action="answer-option"] >> text=Summaries only');
  await expectPosted('answer a question with an option', {
    type: 'askUserAnswer',
    id: 'q_1',
    answer: 'Summaries only',
  });

  const titleField = page.locator('vscode-text-field[data-answer-for="q_2"] input');
  await titleField.fill('Week 17 engineering report');
  await titleField.press('Enter');
  await expectPosted('answer a question in words with Enter', {
    type: 'askUserAnswer',
    id: 'q_2',
    answer: 'Week 17 engineering report',
  });

  await page.locator('vscode-text-field[data-reply-for] input').fill('Use acme/api');
  await page.locator('vscode-text-field[data-reply-for] input').press('Enter');
  await expectPosted('reply to an escalation with Enter', {
    type: 'escalationReply',
    requestId: '9f2c4e1ab3d84d2f',
    workerId: 'worker_20260421_090455_c01d',
    text: 'Use acme/api',
  });

  await page.click('li[data-trigger-id="weekday-report"] vscode-button[data-action="trigger-run"]');
  await expectPosted('run a trigger now', {
    type: 'triggerAction',
    triggerId: 'weekday-report',
    action: 'runNow',
  });
  await page.click('li[data-trigger-id="github-push"] vscode-checkbox');
  await expectPosted('activate a trigger', {
    type: 'triggerAction',
    triggerId: 'github-push',
    action: 'activate',
  });
  await page.click('vscode-button[data-action="copy-secret"]');
  await expectPosted('copy a webhook secret', { type: 'copyWebhookSecret', triggerId: 'github-push' });

  // The schedule in words and the next fire times come from the host; the panel parses no cron.
  const schedule = page.locator('li[data-trigger-id="weekday-report"] .schedule');
  assert.equal(await schedule.textContent(), 'at 09:00 on Mon–Fri (UTC)');
  assert.match((await schedule.getAttribute('title')) ?? '', /^Next: .+, .+/);
  assert.equal(await page.locator('li[data-trigger-id="github-push"] .schedule').getAttribute('title'), '');
  checked.push('schedule text and next fire times from the host');

  const countdown = page.locator('li[data-trigger-id="ci-poll"] [data-next-fire]');
  const before = await countdown.textContent();
  await page.waitForTimeout(2100);
  const after = await countdown.textContent();
  assert.notEqual(before, after, 'the countdown ticks');
  checked.push(`countdown ticks (${before} → ${after})`);

  const input = page.locator('textarea.composer-input');
  await input.click();
  await page.keyboard.type('hello');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('world');
  await page.keyboard.press('Enter');
  await expectPosted('Enter sends, Shift+Enter adds a line', { type: 'sendMessage', text: 'hello\nworld' });
  assert.equal(await input.inputValue(), '');

  await page.keyboard.press('Escape');
  await expectPosted('Escape stops a running turn', { type: 'stop' });
  const stopsBefore = (await posted(page)).filter((m) => m.type === 'stop').length;
  await page.evaluate(() => (globalThis as unknown as Harness).document.activeElement?.blur());
  await page.keyboard.press('Escape');
  const stopsAfter = (await posted(page)).filter((m) => m.type === 'stop').length;
  assert.equal(stopsAfter, stopsBefore + 1, 'Escape stops once, also with nothing focused');
  checked.push('Escape stops with nothing focused (one stop per press)');

  await page.click('vscode-button[data-action="retry"]');
  await expectPosted('retry after an error', { type: 'retry', errorId: 'err_1' });

  await page.click('vscode-button[data-action="copy-code"]');
  const copy = (await posted(page)).at(-1);
  assert.equal(copy?.type, 'copyText');
  assert.match(String(copy?.text), /new LruCache/);
  checked.push('copy a code block');

  await page.click('.md a[href^="https://example.com"]');
  await expectPosted('links open through the host', {
    type: 'openLink',
    url: 'https://example.com/postmortems',
  });

  await page.keyboard.press('Tab');
  const focused = await page.evaluate(
    () => (globalThis as unknown as Harness).document.activeElement?.tagName ?? '',
  );
  assert.ok(focused.length > 0, 'keyboard focus moves');
  checked.push(`Tab moves focus (to ${focused})`);

  const problems = await pageProblems(page, 'interactions');
  assert.deepEqual(problems, []);
  await page.screenshot({ path: path.join(OUT, 'after-interactions-dark.png') });
  await page.close();
  return checked;
}

async function longSession(browser: Browser, origin: string): Promise<Record<string, unknown>> {
  const page = await open(browser, origin, 'dark', { width: 820, height: 1000 });
  const openMs = await page.evaluate(async () => {
    const t0 = performance.now();
    const g = globalThis as unknown as Harness;
    await g.hiveScenarios.long(5000);
    await new Promise((r) => g.requestAnimationFrame(() => g.requestAnimationFrame(() => r(null))));
    return Math.round(performance.now() - t0);
  });
  await settle(page);
  const rows = await page.locator('.row').count();
  assert.ok(rows > 0 && rows < 80, `only visible rows are in the DOM (found ${rows})`);
  const lastVisible = await page.locator('.row[data-row-id="m4999"]').count();
  assert.equal(lastVisible, 1, 'opens at the newest message');
  await page.screenshot({ path: path.join(OUT, 'long-session-bottom.png') });

  // Wheel-like scrolling: 40 px per frame upwards, frame-to-frame times.
  const wheel = await page.evaluate(async () => {
    const g = globalThis as unknown as Harness;
    const el = g.document.querySelector('.scroller')!;
    const frames: number[] = [];
    let last = performance.now();
    for (let i = 0; i < 300; i++) {
      el.scrollTop -= 40;
      await new Promise((r) => g.requestAnimationFrame(() => r(null)));
      const t = performance.now();
      frames.push(t - last);
      last = t;
    }
    frames.sort((a, b) => a - b);
    return { wheelFrameP50Ms: Math.round(frames[150]!), wheelFrameP95Ms: Math.round(frames[285]!) };
  });
  // Jump through the whole list in 60 steps (like dragging the scrollbar) and time each step.
  const scroll = await page.evaluate(async () => {
    const g = globalThis as unknown as Harness;
    const el = g.document.querySelector('.scroller')!;
    const frames: number[] = [];
    const steps = 60;
    for (let i = steps; i >= 0; i--) {
      const t0 = performance.now();
      el.scrollTop = (el.scrollHeight - el.clientHeight) * (i / steps);
      await new Promise((r) => g.requestAnimationFrame(() => g.requestAnimationFrame(() => r(null))));
      frames.push(performance.now() - t0);
    }
    frames.sort((a, b) => a - b);
    return {
      jumpMedianStepMs: Math.round(frames[Math.floor(frames.length / 2)]!),
      jumpWorstStepMs: Math.round(frames[frames.length - 1]!),
      maxRows: g.document.querySelectorAll('.row').length,
    };
  });
  await settle(page);
  const firstVisible = await page.locator('.row[data-row-id="m0"]').count();
  assert.equal(firstVisible, 1, 'scrolling reaches the first message');
  await page.screenshot({ path: path.join(OUT, 'long-session-top.png') });
  const problems = await pageProblems(page, 'long');
  assert.deepEqual(problems, []);
  await page.close();
  return { messages: 5000, openMs, rowsInDom: rows, ...wheel, ...scroll };
}

/**
 * The bridge's way: the newest 100 messages first, older pages only on `loadOlder` while the user
 * scrolls up. Checks that scrolling to the top pulls in every page, once each, with a bounded DOM.
 */
async function pagedSession(browser: Browser, origin: string): Promise<Record<string, unknown>> {
  const page = await open(browser, origin, 'dark', { width: 820, height: 1000 });
  // The newest message is drawn in the first frames after the page arrives, not after the list has
  // scrolled its way down (that took 6-9 frames, 200-500 ms on this machine). On a loaded machine
  // the page's own setup takes a frame or two more, hence 5 rather than 3.
  const framesToNewest = await page.evaluate(async () => {
    const g = globalThis as unknown as Harness;
    void g.hiveScenarios.paged(5000, 100);
    for (let frame = 1; frame <= 30; frame++) {
      await new Promise((r) => g.requestAnimationFrame(() => r(null)));
      if (g.document.querySelector('.row[data-row-id="m4999"]')) return frame;
    }
    return -1;
  });
  assert.ok(framesToNewest > 0 && framesToNewest <= 5, `newest message drawn in frame ${framesToNewest}`);
  await settle(page);
  assert.equal(await page.locator('.row[data-row-id="m4999"]').count(), 1, 'opens at the newest message');
  const initialRequests = await page.evaluate(() => (globalThis as unknown as Harness).harnessLoadOlderCount);
  const walk = await page.evaluate(async () => {
    const g = globalThis as unknown as Harness;
    const el = g.document.querySelector('.scroller')!;
    let maxRows = 0;
    let steps = 0;
    const t0 = performance.now();
    for (; steps < 2000; steps++) {
      el.scrollTop = Math.max(0, el.scrollTop - 3000);
      await new Promise((r) => g.requestAnimationFrame(() => g.requestAnimationFrame(() => r(null))));
      maxRows = Math.max(maxRows, g.document.querySelectorAll('.row').length);
      if (g.document.querySelectorAll('.row[data-row-id="m0"]').length === 1) break;
    }
    return { steps, maxRows, toTopMs: Math.round(performance.now() - t0), requests: g.harnessLoadOlderCount };
  });
  await settle(page);
  assert.equal(
    await page.locator('.row[data-row-id="m0"]').count(),
    1,
    'scrolling up reaches the first message',
  );
  assert.equal(walk.requests, 49, 'each older page is asked for exactly once');
  assert.ok(walk.maxRows < 80, `only visible rows are in the DOM (max ${walk.maxRows})`);
  const status = await page.locator('.history-status').isHidden();
  assert.ok(status, 'no loading line once everything is in');
  const problems = await pageProblems(page, 'paged');
  assert.deepEqual(problems, []);
  await page.screenshot({ path: path.join(OUT, 'paged-session-top.png') });
  await page.close();
  return {
    messages: 5000,
    pageSize: 100,
    framesToNewest,
    initialRequests,
    loadOlderRequests: walk.requests,
    ...walk,
  };
}

/** Distance from the bottom of the list, and where a row sits on screen (null: not in the DOM). */
const VIEW_PROBE = `(id) => {
  const el = document.querySelector('.scroller');
  const row = id ? document.querySelector('.row[data-row-id="' + id + '"]') : null;
  const first = [...document.querySelectorAll('.row')]
    .filter((r) => r.getBoundingClientRect().bottom > el.getBoundingClientRect().top + 1)
    .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)[0];
  return {
    fromEnd: el.scrollHeight - el.scrollTop - el.clientHeight,
    rowTop: row ? row.getBoundingClientRect().top : null,
    firstVisible: first ? first.dataset.rowId : null,
  };
}`;
type ViewProbe = { fromEnd: number; rowTop: number | null; firstVisible: string | null };

async function probe(page: Page, id: string | null = null): Promise<ViewProbe> {
  return page.evaluate(`(${VIEW_PROBE})(${JSON.stringify(id)})`) as Promise<ViewProbe>;
}

/**
 * A tall panel on a paged session: the first open stays at the newest message even when the first
 * page is too short to fill it and older pages arrive at once; while reading older messages, a
 * prepended page leaves the first visible row where it was on screen.
 */
async function pagedAnchor(browser: Browser, origin: string): Promise<Record<string, unknown>> {
  const page = await open(browser, origin, 'dark', { width: 820, height: 2400 });
  await page.evaluate(() => (globalThis as unknown as Harness).hiveScenarios.paged(5000, 100));
  await settle(page);
  await settle(page);
  const atOpen = await probe(page, 'm4999');
  assert.ok(atOpen.fromEnd < 48, `opens at the bottom (${Math.round(atOpen.fromEnd)}px above it)`);
  assert.ok(atOpen.rowTop !== null, 'the newest message is on screen');
  const requestsAtOpen = await page.evaluate(() => (globalThis as unknown as Harness).harnessLoadOlderCount);
  // Scroll up a little at a time; each older page is held until the view is read, then lands:
  // the first visible row must stay where it was on screen.
  await page.evaluate('window.harnessHoldOlder = true');
  let worstJump = 0;
  let prepends = 0;
  for (let i = 0; i < 400 && prepends < 3; i++) {
    const requests = await page.evaluate(() => (globalThis as unknown as Harness).harnessLoadOlderCount);
    await page.evaluate(() => {
      const el = (globalThis as unknown as Harness).document.querySelector('.scroller')!;
      el.scrollTop = Math.max(0, el.scrollTop - 150);
    });
    await settle(page);
    if ((await page.evaluate(() => (globalThis as unknown as Harness).harnessLoadOlderCount)) === requests)
      continue;
    prepends++;
    const before = await probe(page);
    const atBefore = await probe(page, before.firstVisible);
    await page.evaluate('window.harnessReleaseOlder()');
    await settle(page);
    const after = await probe(page, before.firstVisible);
    assert.ok(after.rowTop !== null, 'the row read before the page came is still shown');
    worstJump = Math.max(worstJump, Math.abs((after.rowTop ?? 0) - (atBefore.rowTop ?? 0)));
  }
  // Rows above are measured as they render (estimates → real heights): a small settle is left.
  assert.ok(worstJump <= 40, `a prepended page does not move the rows being read (moved ${worstJump}px)`);
  assert.ok(prepends > 0, 'older pages were loaded while scrolling up');
  assert.deepEqual(await pageProblems(page, 'paged-anchor'), []);
  await page.close();
  return { viewportHeight: 2400, requestsAtOpen, prepends, worstJumpPx: worstJump };
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
