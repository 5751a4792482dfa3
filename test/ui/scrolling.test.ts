// Reading further up while the queen replies: "↓ Latest" shows and jumps to the end, sending follows
// to the end from wherever the view was, and Escape stops the reply without moving the view.
import assert from 'node:assert/strict';
import { newSession, sendMessage } from './support/hive';
import { reply, scriptModel } from './support/model';
import { chatFrame, freshWorkspace, snap, useWorkbench, waitUntil } from './support/workbench';

// The page's globals, for the functions run inside it (this project's tsconfig has no DOM library).
interface PageScroller {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
  dispatchEvent(e: unknown): void;
}
declare class Event {
  constructor(type: string);
}

const lines = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${tag} line ${i + 1}: the notes worker keeps the TODO list.`).join(
    '\n\n',
  );

describe('Chat scrolling', () => {
  const page = useWorkbench({ folder: freshWorkspace(), trust: true });

  before(async function () {
    this.timeout(120_000);
    await scriptModel({ reset: true });
    await scriptModel({
      stream: [
        { match: { lastUser: 'First long answer' }, step: reply.text(lines('First', 60)) },
        { match: { lastUser: 'Second long answer' }, step: reply.text(lines('Second', 60)) },
        // Slow enough to be stopped mid-way.
        {
          match: { lastUser: 'Slow answer' },
          step: reply.text(lines('Slow', 200), { chunkSize: 8, delayMs: 60 }),
        },
      ],
    });
    await newSession(page());
    const chat = chatFrame(page());
    await sendMessage(page(), 'First long answer');
    await chat
      .locator('.msg-assistant:not(.streaming)', { hasText: 'First line 60' })
      .waitFor({ timeout: 30_000 });
    await sendMessage(page(), 'Second long answer');
    await chat
      .locator('.msg-assistant:not(.streaming)', { hasText: 'Second line 60' })
      .waitFor({ timeout: 30_000 });
  });

  const scroller = () => chatFrame(page()).locator('.scroller');
  const scrollTo = (top: number) =>
    scroller().evaluate((el: PageScroller, t: number) => {
      el.scrollTop = t;
      el.dispatchEvent(new Event('scroll'));
    }, top);
  const position = () =>
    scroller().evaluate((el: PageScroller) => ({
      top: el.scrollTop,
      fromEnd: el.scrollHeight - el.clientHeight - el.scrollTop,
    }));

  it('shows "↓ Latest" while reading further up, and it jumps to the end', async function () {
    const chat = chatFrame(page());
    const jump = chat.locator('button.jump-latest');
    // At the end there is no jump button (the view may still be settling at the end after the set-up).
    await jump.waitFor({ state: 'hidden', timeout: 10_000 });
    await scrollTo(200);
    await jump.waitFor({ state: 'visible' });
    await snap(page(), this, 'scrolled-up');
    await jump.click();
    await waitUntil('the view at the end', async () => (await position()).fromEnd < 50);
    await jump.waitFor({ state: 'hidden' });
  });

  it('follows a sent message to the end, then Escape stops the reply without moving the view', async function () {
    this.timeout(90_000);
    const chat = chatFrame(page());
    await scrollTo(200);
    await chat.locator('button.jump-latest').waitFor({ state: 'visible' });
    await sendMessage(page(), 'Slow answer');
    // The reply streams; the view went down with the message the user sent.
    await chat.locator('.msg-assistant.streaming', { hasText: 'Slow line 1' }).waitFor({ timeout: 30_000 });
    await waitUntil('the view to follow the sent message', async () => (await position()).fromEnd < 50);

    // Read further up while it streams, then stop it with Escape.
    await scrollTo(300);
    await waitUntil('the view to stay up', async () => (await position()).top === 300);
    await chat.locator('.composer .stop').waitFor({ state: 'visible' });
    await page().keyboard.press('Escape');
    await chat.locator('.composer .stop').waitFor({ state: 'hidden', timeout: 20_000 });
    // Give the panel a few frames to settle the stopped reply and its "Stopped." row.
    await page().waitForTimeout(1_000);
    const after = await position();
    assert.ok(Math.abs(after.top - 300) < 2, `Escape moved the view from 300 to ${after.top}`);
    await snap(page(), this, 'stopped-still-up');
    await chat.locator('button.jump-latest').click();
    await chat.locator('.notice', { hasText: 'Stopped.' }).waitFor({ timeout: 10_000 });
  });
});
