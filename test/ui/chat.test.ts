import assert from 'node:assert/strict';
import { modelRequests, reply, scriptModel } from './support/model';
import {
  chatFrame,
  freshWorkspace,
  pickQuickInput,
  runCommand,
  snap,
  useWorkbench,
  waitUntil,
} from './support/workbench';

describe('Chat', () => {
  // Trusted, like a user's own project: the queen may use the workspace tools.
  const page = useWorkbench({ folder: freshWorkspace(), trust: true });

  before(async () => {
    await scriptModel({ reset: true });
  });

  it('runs "Hive: New Session" from the palette and opens the chat on the new session', async () => {
    await runCommand(page(), 'Hive: New Session');
    // It asks for the queen by display name.
    await pickQuickInput(page(), 'Alexandra · Head of Technology');
    const chat = chatFrame(page());
    await chat.locator('.composer-input').waitFor({ state: 'visible' });
    // The header names the queen the session was started with (the sample home's default queen).
    await chat.locator('header, .header').first().waitFor({ state: 'visible' });
    const header = (await chat.locator('header, .header').first().textContent()) ?? '';
    assert.ok(header.trim().length > 0, 'the chat header names the queen');
    assert.equal(await chat.locator('.msg').count(), 0, 'a new session has no messages');
  });

  it('sends a message typed in the chat and streams the reply from the model', async function () {
    const answer =
      'Streaming works: this answer reaches the panel four characters at a time, slowly enough to watch.';
    await scriptModel({ stream: [reply.text(answer, { chunkSize: 4, delayMs: 60 })] });
    const chat = chatFrame(page());
    const input = chat.locator('.composer-input');
    await input.fill('Hello queen, are you there?');
    await input.press('Enter');
    await chat.locator('.msg-user', { hasText: 'Hello queen, are you there?' }).waitFor();

    // While the model streams, the reply is shown growing in a streaming row.
    const streaming = chat.locator('.msg-assistant.streaming');
    await streaming.waitFor({ state: 'visible' });
    const partial: string = await waitUntil<string>('part of the reply', async () => {
      const text = (await streaming.locator('.md').textContent()) ?? '';
      return text.length > 0 && text.length < answer.length ? text : '';
    });
    await snap(page(), this, 'mid-stream');
    assert.ok(answer.startsWith(partial.trim()), `"${partial}" is the start of the answer`);

    const done = chat.locator('.msg-assistant:not(.streaming)', { hasText: answer });
    await done.waitFor({ state: 'visible', timeout: 20_000 });
    const sent = (await modelRequests()).filter((r) => r.stream);
    assert.ok(
      sent.some((r) => r.lastUser.includes('Hello queen, are you there?')),
      'the model received the message',
    );
  });
});
