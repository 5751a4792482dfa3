// Hive steps several UI tests share, done the way a user does them (palette, quick picks, panel).
import path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { reply, scriptModel } from './model';
import { chatFrame, pickQuickInput, runCommand } from './workbench';

/** "Hive: New Session" with `queen` picked by her display name, then the chat panel is ready for input. */
export async function newSession(
  page: Page,
  queen = 'Alexandra · Head of Technology',
): Promise<FrameLocator> {
  await runCommand(page, 'Hive: New Session');
  await pickQuickInput(page, queen);
  const chat = chatFrame(page);
  await chat.locator('.composer-input').waitFor({ state: 'visible' });
  return chat;
}

/**
 * "Hive: Load Workspace Folder as Colony" on `folder` (trusted), until the chat shows the colony. Loaded
 * into the running chat, the note wakes the queen (Hive's load_colony): her reply is scripted.
 */
export async function loadWorkspaceColony(page: Page, folder: string): Promise<void> {
  await scriptModel({
    stream: [{ match: { lastUser: '[SYSTEM] Colony loaded.' }, step: reply.text('The colony is loaded.') }],
  });
  // A quick pick closes when something else takes focus as it opens (a chat or toast of the previous
  // step): the command is asked once more before that counts as a failure.
  for (let attempt = 1; ; attempt++) {
    await runCommand(page, 'Hive: Load Workspace Folder as Colony');
    try {
      await pickQuickInput(page, path.basename(folder), 15_000);
      break;
    } catch (err) {
      if (attempt >= 2) throw err;
      await page.keyboard.press('Escape');
    }
  }
  await chatFrame(page).locator('.colony-name').waitFor({ state: 'visible', timeout: 20_000 });
}

/** Sends `text` from the chat's composer. */
export async function sendMessage(page: Page, text: string): Promise<void> {
  const input = chatFrame(page).locator('.composer-input');
  await input.fill(text);
  await input.press('Enter');
}
