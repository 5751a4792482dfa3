import assert from 'node:assert/strict';
import { loadWorkspaceColony, newSession, sendMessage } from './support/hive';
import { reply, scriptModel } from './support/model';
import { chatFrame, freshWorkspace, runCommand, snap, useWorkbench, waitUntil } from './support/workbench';

// What the runtime tells the queen (colony loaded, phase, trigger fires) shows as compact rows, live
// and after the panel is redrawn, never as raw "[SYSTEM] …" / "[TRIGGER: …]" messages.
describe('System rows in the chat', () => {
  const folder = freshWorkspace();
  const page = useWorkbench({ folder, trust: true });
  const RAW = /\[(SYSTEM|PHASE CHANGE|TRIGGER: |WORKER_REPORT)/;

  before(async () => {
    await scriptModel({ reset: true });
    await scriptModel({
      stream: [
        // Loading the colony into this chat wakes the queen (loadWorkspaceColony scripts her reply).
        { match: { lastUser: '[TRIGGER: timer/morning_notes]' }, step: reply.text('NOTES.md refreshed.') },
        { match: { lastUser: 'hello there' }, step: reply.text('Hello! What shall we work on?') },
      ],
    });
  });

  it('colony load and a trigger fire show as compact rows', async function () {
    const chat = await newSession(page());
    await sendMessage(page(), 'hello there');
    await chat.locator('.msg-assistant', { hasText: 'What shall we work on?' }).waitFor({ timeout: 30_000 });
    await loadWorkspaceColony(page(), folder);
    await chat
      .locator('.sys-row', { hasText: /^.*Colony .+ loaded/ })
      .first()
      .waitFor({ timeout: 20_000 });
    // Loaded, nothing run yet: not "reviewing".
    await chat.locator('.header .phase', { hasText: 'ready' }).waitFor();

    const head = chat.locator('.section-head[data-action="toggle-triggers"]');
    if ((await head.getAttribute('aria-expanded')) !== 'true') await head.click();
    const item = chat.locator('li.trigger[data-trigger-id="morning_notes"]');
    await item.getByRole('button', { name: /Run now: trigger / }).click();
    await chat
      .locator('.sys-row', { hasText: 'Timer morning_notes fired' })
      .first()
      .waitFor({ timeout: 20_000 });
    await chat.locator('.msg-assistant', { hasText: 'NOTES.md refreshed.' }).waitFor({ timeout: 30_000 });
    assert.equal(
      await chat.locator('.sys-row', { hasText: 'Phase: reviewing' }).count(),
      0,
      'one row for the load',
    );
    await snap(page(), this, 'live');

    // Redraw: another editor takes the panel's place, then "Open Chat" brings it back (rebuilt).
    await runCommand(page(), 'File: New Untitled Text File');
    await runCommand(page(), 'Hive: Open Chat');
    const again = chatFrame(page());
    await again.locator('.sys-row', { hasText: 'Timer morning_notes fired' }).waitFor({ timeout: 20_000 });
    const titles = await again.locator('.sys-row .sys-title').allTextContents();
    assert.ok(
      titles.some((t) => /^Colony .+ loaded$/.test(t)),
      `colony row after the redraw: ${titles.join(' | ')}`,
    );
    assert.ok(titles.includes('Timer morning_notes fired'), titles.join(' | '));
    const bubbles = await again.locator('.msg-user .bubble').allTextContents();
    assert.deepEqual(
      bubbles.filter((b) => RAW.test(b)),
      [],
      'no internal text shown raw',
    );
    assert.deepEqual(bubbles, ['hello there']);
    // "Open Chat" gave the composer the focus: typing goes to the message box.
    await waitUntil(
      'the composer to have focus',
      async () => (await again.locator('.composer-input:focus').count()) === 1,
    );

    // The fire's details fold open under its row.
    await again
      .locator('.sys-row', { hasText: 'Timer morning_notes fired' })
      .locator('button.sys-toggle')
      .click();
    const detail = again.locator('.sys-row', { hasText: 'Timer morning_notes fired' }).locator('.sys-detail');
    await detail.waitFor();
    assert.match((await detail.textContent()) ?? '', /forced/);
    await snap(page(), this, 'after-redraw');
  });
});
