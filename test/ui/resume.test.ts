import { chatFrame, sessionRow, useWorkbench } from './support/workbench';

describe('Cold sessions', () => {
  // The shared sample workspace in Restricted Mode: reading history needs no trust.
  const page = useWorkbench();

  it('resumes a cold session from the Sessions view and shows its history', async () => {
    // sample/hive-home: queen_technology's session of 2026-04-20 (one question, one answer).
    const row = await sessionRow(page(), /storage suite|slowest/);
    await row.click();
    const chat = chatFrame(page());
    await chat.locator('.msg-user', { hasText: 'Which tests are slowest in this repo?' }).waitFor();
    await chat.locator('.msg-assistant', { hasText: 'The storage suite: about 2 s' }).waitFor();
    await chat.locator('.composer-input').waitFor({ state: 'visible' });
  });
});
