// `@` mentions in the chat's composer, as a user types them: the menu (a listbox driven by the keys),
// the chips, the message the queen gets (Cline's blocks) and the sent message with its context folded.
import assert from 'node:assert/strict';
import { chatDocumentFrame, runAxe } from './support/axe';
import { newSession } from './support/hive';
import { modelRequests, reply, scriptModel } from './support/model';
import { chatFrame, freshWorkspace, snap, useWorkbench, waitUntil } from './support/workbench';

describe('@ mentions in the composer', () => {
  const page = useWorkbench({ folder: freshWorkspace(), trust: true });

  before(async function () {
    this.timeout(120_000);
    await scriptModel({ reset: true });
    await scriptModel({
      stream: [
        { match: { lastUser: '<file_content path="src/sum.ts">' }, step: reply.text('Sum explained.') },
      ],
    });
    await newSession(page());
  });

  it('chooses mentions with the keys and sends their content', async function () {
    this.timeout(90_000);
    const chat = chatFrame(page());
    const input = chat.locator('.composer-input');
    const menu = chat.locator('.mention-menu');
    await input.click();
    await input.pressSequentially('Explain @sum');
    const first = menu.locator('[role="option"]').first();
    await first.waitFor({ timeout: 15_000 });
    assert.match((await first.textContent()) ?? '', /sum\.ts/);
    assert.equal(await first.getAttribute('aria-selected'), 'true');
    assert.equal(await input.getAttribute('aria-activedescendant'), await first.getAttribute('id'));
    await snap(page(), this, 'menu');
    // The open menu passes axe (listbox, options, the box's active descendant).
    const bad = (await runAxe(await chatDocumentFrame(page()))).filter(
      (v) => v.impact === 'serious' || v.impact === 'critical',
    );
    assert.deepEqual(
      bad.map((v) => `${v.id}: ${v.targets.join(', ')}`),
      [],
    );

    // Down and Up move the active row; Enter takes it (and does not send).
    const count = await menu.locator('[role="option"]').count();
    if (count > 1) {
      await input.press('ArrowDown');
      assert.equal(await menu.locator('[role="option"]').nth(1).getAttribute('aria-selected'), 'true');
      await input.press('ArrowUp');
    }
    await input.press('Enter');
    await waitUntil(
      'the token in the box',
      async () => (await input.inputValue()) === 'Explain @/src/sum.ts ',
    );
    assert.equal(await menu.isHidden(), true);
    assert.equal((await chat.locator('.mention-chip').textContent())?.includes('src/sum.ts'), true);

    // Escape closes the menu and keeps the text.
    await input.pressSequentially('and @pro');
    await menu.locator('[role="option"]', { hasText: 'Problems' }).waitFor();
    await input.press('Escape');
    await waitUntil('the menu to close', () => menu.isHidden());
    assert.equal(await input.inputValue(), 'Explain @/src/sum.ts and @pro');
    // Typing on reopens it; Tab chooses too.
    await input.pressSequentially('b');
    await menu.locator('[role="option"]', { hasText: 'Problems' }).waitFor();
    await input.press('Tab');
    await waitUntil(
      'the second token',
      async () => (await input.inputValue()) === 'Explain @/src/sum.ts and @problems ',
    );
    assert.equal(await chat.locator('.mention-chip').count(), 2);
    await snap(page(), this, 'chips');

    await input.press('Enter');
    const row = chat.locator('.msg-user', { hasText: 'Explain' });
    await row.waitFor({ timeout: 20_000 });
    await chat
      .locator('.msg-assistant:not(.streaming)', { hasText: 'Sum explained.' })
      .waitFor({ timeout: 30_000 });
    const sent = (await modelRequests()).map((r) => r.lastUser).find((t) => t.includes('Explain'));
    assert.ok(sent, 'the model got the message');
    assert.match(
      sent,
      /^Explain 'src\/sum\.ts' \(see below for file content\) and Workspace Problems \(see below for diagnostics\)/,
    );
    assert.match(sent, /<file_content path="src\/sum\.ts">\n\/\/ TODO: handle empty lists/);
    assert.match(sent, /<workspace_diagnostics>\n[\s\S]*\n<\/workspace_diagnostics>$/);
    // The chat shows what was typed, the context folded under it; the chips are gone.
    assert.equal(
      (await row.locator('.bubble').textContent())?.trim(),
      "Explain 'src/sum.ts' (see below for file content) and Workspace Problems (see below for diagnostics)",
    );
    const context = row.locator('details.mention-context');
    assert.equal((await context.locator('summary').textContent())?.trim(), 'Context: src/sum.ts, Problems');
    assert.equal(await chat.locator('.mention-chip').count(), 0);
    await context.locator('summary').click();
    await snap(page(), this, 'sent');
  });
});
