import assert from 'node:assert/strict';
import { modelRequests, reply, scriptModel } from './support/model';
import { chatFrame, sessionRow, snap, useWorkbench } from './support/workbench';

describe('Cold sessions', () => {
  // The shared sample workspace in Restricted Mode: reading history needs no trust.
  const page = useWorkbench();

  it('opens a cold session from the Sessions view with its history, not running; a message resumes it', async function () {
    await scriptModel({ reset: true });
    // sample/hive-home: queen_technology's session of 2026-04-20 (one question, one answer).
    const row = await sessionRow(page(), /storage suite|slowest/);
    await row.click();
    const chat = chatFrame(page());
    await chat.locator('.msg-user', { hasText: 'Which tests are slowest in this repo?' }).waitFor();
    await chat.locator('.msg-assistant', { hasText: 'The storage suite: about 2 s' }).waitFor();
    // Browsing does not resume it: the header says so, and nothing was asked of the model.
    await chat.locator('.header .phase', { hasText: 'not running' }).waitFor();
    assert.equal((await modelRequests()).length, 0, 'opening a cold session calls no model');
    await snap(page(), this, 'cold-session');

    await scriptModel({ stream: [reply.text('Picking up where we left off: the storage suite first.')] });
    const input = chat.locator('.composer-input');
    await input.fill('Shall we speed it up?');
    await input.press('Enter');
    await chat
      .locator('.msg-assistant', { hasText: 'Picking up where we left off' })
      .waitFor({ state: 'visible', timeout: 30_000 });
    const sent = (await modelRequests()).filter((r) => r.stream);
    assert.ok(
      sent.some((r) => r.lastUser.includes('Shall we speed it up?')),
      'the resumed session sent the message to the model',
    );
    // Resumed in place: the earlier history is still shown above the new exchange.
    await chat.locator('.msg-user', { hasText: 'Which tests are slowest in this repo?' }).waitFor();
    assert.equal(await chat.locator('.header .phase', { hasText: 'not running' }).count(), 0);
  });
});
