// What the chat shows of a reply and what the composer does with big input: highlighted code, task
// lists, tables that wrap between words, long messages folded, a paste over the limit kept whole.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { newSession, sendMessage } from './support/hive';
import { reply, scriptModel } from './support/model';
import { chatFrame, freshWorkspace, snap, useWorkbench, waitUntil } from './support/workbench';

const REPLY = [
  'Here is the helper:',
  '',
  '```ts',
  'export function todos(text: string): string[] {',
  "  return text.split('\\n').filter((l) => l.includes('TODO'));",
  '}',
  '```',
  '',
  '| Step | Description |',
  '| --- | --- |',
  '| 1 | Read the configuration and internationalization settings of the repository |',
  '',
  '- [x] read the TODOs',
  '- [ ] write NOTES.md',
].join('\n');

// Globals of the page, for the functions run inside it (this project's tsconfig has no DOM library).
interface PageNode {
  textContent: string | null;
  firstChild: PageNode | null;
  nextSibling: PageNode | null;
}
declare const document: {
  createRange(): {
    setStart(n: PageNode, o: number): void;
    setEnd(n: PageNode, o: number): void;
    getClientRects(): { length: number };
  };
  createTreeWalker(root: PageNode, what: number): { nextNode(): PageNode | null };
};
declare function getComputedStyle(el: PageNode): { color: string };
declare class DataTransfer {
  setData(type: string, value: string): void;
}
declare class ClipboardEvent {
  constructor(type: string, init: object);
}

describe('Chat content', () => {
  const page = useWorkbench({ folder: freshWorkspace(), trust: true });

  before(async function () {
    this.timeout(120_000);
    await scriptModel({ reset: true });
    await scriptModel({
      stream: [
        { match: { lastUser: 'Show me the helper' }, step: reply.text(REPLY) },
        { match: { lastUser: 'LONG-LOG' }, step: reply.text('Read it: nothing alarming in the log.') },
      ],
    });
    await newSession(page());
  });

  it('highlights code with the theme, shows task boxes and wraps a table between words', async function () {
    // A narrow window, so the table has to wrap.
    await page().setViewportSize({ width: 760, height: 900 });
    await sendMessage(page(), 'Show me the helper');
    const chat = chatFrame(page());
    const msg = chat.locator('.msg-assistant:not(.streaming)', { hasText: 'Here is the helper' });
    await msg.waitFor({ timeout: 30_000 });
    const keyword = msg.locator('.code-block code.hljs .hljs-keyword').first();
    assert.equal(await keyword.textContent(), 'export');
    const plain = await msg
      .locator('.code-block code.hljs')
      .evaluate((el: PageNode) => getComputedStyle(el).color);
    const coloured = await keyword.evaluate((el: PageNode) => getComputedStyle(el).color);
    assert.notEqual(coloured, plain, 'keywords have their own colour');
    assert.ok((await msg.locator('.code-block .hljs-string').count()) >= 1, 'strings are marked');

    const boxes = msg.locator('li.task-item input.task-box');
    assert.equal(await boxes.count(), 2);
    assert.equal(await boxes.nth(0).isChecked(), true);
    assert.equal(await boxes.nth(1).isChecked(), false);
    assert.equal(await boxes.nth(0).isDisabled(), true, 'the boxes are read-only');
    assert.equal(await boxes.nth(1).getAttribute('aria-label'), 'write NOTES.md');

    // Every long word of the cell stays on one line (a word broken across lines has two boxes).
    const broken = await msg.locator('td', { hasText: 'internationalization' }).evaluate((td: PageNode) => {
      const out: string[] = [];
      const walker = document.createTreeWalker(td, 4);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent ?? '';
        for (const m of text.matchAll(/\S{8,}/g)) {
          const r = document.createRange();
          r.setStart(n, m.index ?? 0);
          r.setEnd(n, (m.index ?? 0) + m[0].length);
          if (r.getClientRects().length > 1) out.push(m[0]);
        }
      }
      return out;
    });
    assert.deepEqual(broken, [], 'no word of the table is broken across lines');
    await snap(page(), this, 'narrow');
    await page().setViewportSize({ width: 1400, height: 900 });
  });

  it('folds a 100 KB message and unfolds it on request', async function () {
    const long = `LONG-LOG\n${'2026-12-06 06:00:00 INFO worker heartbeat ok\n'.repeat(2_200)}`.slice(
      0,
      99_000,
    );
    const chat = chatFrame(page());
    const input = chat.locator('.composer-input');
    await input.fill(long);
    await input.press('Enter');
    const row = chat.locator('.msg-user', { hasText: 'LONG-LOG' });
    await row.waitFor({ timeout: 20_000 });
    const toggle = row.locator('button.fold-toggle');
    assert.equal((await toggle.textContent())?.trim(), 'Show all (99,000 characters)');
    const folded = (await row.boundingBox())?.height ?? 0;
    assert.ok(folded > 0 && folded < 400, `folded height ${folded}`);
    await toggle.click();
    await waitUntil('the message to unfold', async () => ((await row.boundingBox())?.height ?? 0) > 2_000);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.equal((await toggle.textContent())?.trim(), 'Show less');
    await toggle.click();
    await waitUntil('the message to fold again', async () => ((await row.boundingBox())?.height ?? 0) < 400);
    await snap(page(), this, 'folded');
  });

  it('offers to attach a paste over the limit as a file instead of cutting it', async function () {
    const chat = chatFrame(page());
    const input = chat.locator('.composer-input');
    await input.fill('Please read this: ');
    const pasted = `${'a line of a pasted build log\n'.repeat(7_000)}THE END`;
    await input.evaluate((el: PageNode, text: string) => {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      (el as unknown as { dispatchEvent(e: unknown): void }).dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      );
    }, pasted);
    const offer = chat.locator('.paste-offer');
    await offer.waitFor();
    const size = pasted.length.toLocaleString('en-US');
    assert.match((await offer.textContent()) ?? '', new RegExp(`pasted text has ${size} characters`));
    assert.equal(await input.inputValue(), 'Please read this: ', 'nothing was cut into the box');
    await snap(page(), this, 'offer');
    await offer.getByRole('button', { name: /Attach the pasted/ }).click();
    const value = await waitUntil('the reference in the draft', async () => {
      const v = await input.inputValue();
      return v.includes('saved at:') ? v : '';
    });
    const m = /\[Pasted text \(([\d,]+) characters, 7,001 lines\) saved at: (.+pasted_1\.txt)\]/.exec(value);
    assert.ok(m, value);
    assert.equal(m[1], size);
    assert.ok(m[2]!.startsWith(process.env.HIVE_UI_HIVE_HOME ?? '?'), `${m[2]} is in the Hive home`);
    assert.equal(fs.readFileSync(m[2]!, 'utf8'), pasted, 'the file holds the whole paste');
    assert.equal(await offer.isVisible(), false);
  });
});
