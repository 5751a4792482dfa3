// A loaded colony's files: the extension's own writes (Run now, a trigger toggle) never ask to reload;
// the user's edit does, and a trigger the loader skips is shown as "invalid: …" in the Triggers section
// and in the Problems view.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadWorkspaceColony, newSession } from './support/hive';
import { reply, scriptModel } from './support/model';
import { chatFrame, freshWorkspace, runCommand, snap, useWorkbench, waitUntil } from './support/workbench';

describe('Colony files', () => {
  const folder = freshWorkspace();
  const triggersFile = path.join(folder, '.hive', 'triggers.json');
  const page = useWorkbench({ folder, trust: true });
  const reloadToast = () =>
    page().locator('.notifications-toasts .notification-toast', { hasText: 'Reload the colony?' });

  before(async () => {
    await scriptModel({ reset: true });
    await scriptModel({ stream: [{ match: { lastUser: 'push' }, step: reply.text('Checked NOTES.md.') }] });
  });

  it('runs and toggles triggers without asking to reload the colony', async function () {
    this.timeout(120_000);
    await newSession(page());
    await loadWorkspaceColony(page(), folder);
    const chat = chatFrame(page());
    const head = chat.locator('.section-head[data-action="toggle-triggers"]');
    await head.waitFor({ state: 'visible', timeout: 20_000 });
    if ((await head.getAttribute('aria-expanded')) !== 'true') await head.click();
    const hook = chat.locator('li.trigger[data-trigger-id="on_push"]');
    await hook.getByRole('button', { name: /Run now: trigger / }).click();
    await waitUntil('the fire to be counted', async () =>
      /fired 1×/.test((await hook.locator('.fire-stats').textContent()) ?? ''),
    );
    const before = fs.readFileSync(triggersFile, 'utf8');
    // Off and on again: both are written to triggers.json by the extension.
    await hook.locator('vscode-checkbox').click();
    await waitUntil('the trigger to be off', async () =>
      (await hook.getAttribute('class'))?.includes('disabled'),
    );
    await hook.locator('vscode-checkbox').click();
    await waitUntil(
      'the trigger to be on',
      async () => !(await hook.getAttribute('class'))?.includes('disabled'),
    );
    await waitUntil(
      'the file to be written',
      async () => fs.readFileSync(triggersFile, 'utf8') !== before,
      10_000,
    ).catch(() => undefined);
    await chat.locator('.msg-assistant', { hasText: 'Checked NOTES.md.' }).waitFor({ timeout: 30_000 });
    // The watch waits 500 ms after a change before it asks: give it four times that. A toast may have
    // gone to the notification center meanwhile: look there too.
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal(await reloadToast().count(), 0, 'our own writes asked to reload the colony');
    await runCommand(page(), 'Notifications: Show Notifications');
    const center = page().locator('.notifications-center');
    await center.waitFor({ state: 'visible' });
    assert.equal(await center.getByText('Reload the colony?').count(), 0, 'a reload prompt is in the center');
    await snap(page(), this, 'notifications');
    await runCommand(page(), 'Notifications: Hide Notifications');
  });

  it("asks on the user's edit, then shows a skipped trigger as invalid in the chat and in Problems", async function () {
    this.timeout(120_000);
    // Without a 'broken' left by an earlier attempt of this test (a retry would list it twice).
    const list = (JSON.parse(fs.readFileSync(triggersFile, 'utf8')) as Record<string, unknown>[]).filter(
      (t) => t.id !== 'broken',
    );
    // A task of its own per attempt, so a retry's write is a change too.
    list.push({
      id: 'broken',
      trigger_type: 'timer',
      trigger_config: { cron: '0 25 * * *' },
      task: `never (${Date.now()})`,
    });
    fs.writeFileSync(triggersFile, `${JSON.stringify(list, null, 2)}\n`);
    // The prompt is a toast; one that waited unanswered goes to the notification center.
    const prompt = page().locator('.notification-list-item', { hasText: 'Reload the colony?' }).first();
    const found = await reloadToast()
      .waitFor({ timeout: 20_000 })
      .then(() => true)
      .catch(() => false);
    if (!found) await runCommand(page(), 'Notifications: Show Notifications');
    await prompt.waitFor({ timeout: 10_000 });
    await prompt.getByRole('button', { name: 'Reload' }).click();
    const chat = chatFrame(page());
    const invalid = chat.locator('li.trigger.invalid', { hasText: 'broken' });
    await invalid.waitFor({ timeout: 20_000 });
    assert.match(
      (await invalid.locator('.trigger-problem').textContent()) ?? '',
      /^invalid: trigger_config\.cron: /,
    );
    assert.match((await chat.locator('.section-count').textContent()) ?? '', /1 invalid/);
    await snap(page(), this, 'chat');
    await runCommand(page(), 'View: Focus Problems (Errors, Warnings, Infos)');
    const problem = page().locator('.markers-panel .monaco-list-row', {
      hasText: 'trigger "broken" is not loaded',
    });
    await problem.waitFor({ timeout: 20_000 });
    assert.match((await problem.textContent()) ?? '', /trigger_config\.cron/);
  });
});
