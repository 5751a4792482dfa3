import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadWorkspaceColony, newSession } from './support/hive';
import { modelRequests, reply, scriptModel } from './support/model';
import { chatFrame, freshWorkspace, snap, useWorkbench, waitUntil } from './support/workbench';

describe('Triggers', () => {
  // The sample colony's webhook trigger and, instead of its weekday-morning cron (hours away), a
  // 5-minute timer whose countdown visibly ticks.
  const folder = freshWorkspace();
  const triggersFile = path.join(folder, '.hive', 'triggers.json');
  const triggers = JSON.parse(fs.readFileSync(triggersFile, 'utf8')) as Array<Record<string, unknown>>;
  fs.writeFileSync(
    triggersFile,
    JSON.stringify(
      triggers.map((t) =>
        t.trigger_type === 'timer' ? { ...t, trigger_config: { interval_minutes: 5 } } : t,
      ),
      null,
      2,
    ),
  );
  const timer = triggers.find((t) => t.trigger_type === 'timer')!;
  const page = useWorkbench({ folder, trust: true });

  before(async () => {
    await scriptModel({ reset: true });
  });

  it("shows the colony's triggers with a live countdown", async () => {
    await newSession(page());
    await loadWorkspaceColony(page(), folder);
    const chat = chatFrame(page());
    const head = chat.locator('.section-head[data-action="toggle-triggers"]');
    await head.waitFor({ state: 'visible', timeout: 20_000 });
    if ((await head.getAttribute('aria-expanded')) !== 'true') await head.click();
    const item = chat.locator(`li.trigger[data-trigger-id="${timer.id}"]`);
    await item.waitFor({ state: 'visible' });
    assert.equal(await chat.locator('li.trigger').count(), triggers.length, 'every trigger is listed');
    const countdown = item.locator('.countdown');
    const first = (await countdown.textContent()) ?? '';
    assert.match(first, /^next in \d+m \d\ds$/);
    const later = await waitUntil('the countdown to tick', async () => {
      const t = (await countdown.textContent()) ?? '';
      return t !== first ? t : '';
    });
    assert.match(later, /^next in \d+m \d\ds$/);
  });

  it('runs a trigger now: the queen gets its task and answers', async function () {
    const task = String(timer.task);
    await scriptModel({
      stream: [
        { match: { lastUser: task.slice(0, 30) }, step: reply.text('Trigger handled: NOTES.md is current.') },
      ],
    });
    const chat = chatFrame(page());
    const item = chat.locator(`li.trigger[data-trigger-id="${timer.id}"]`);
    assert.equal((await item.locator('.fire-stats').textContent())?.trim(), 'never fired');
    await item.getByRole('button', { name: /Run now: trigger / }).click();
    await waitUntil('the fire to be counted', async () =>
      /fired 1×/.test((await item.locator('.fire-stats').textContent()) ?? ''),
    );
    await chat.locator('.msg-assistant', { hasText: 'Trigger handled: NOTES.md is current.' }).waitFor({
      timeout: 30_000,
    });
    await snap(page(), this, 'answered');
    // The colony-loaded note lists the task too (its load woke her): count the trigger's own turns.
    const asked = (await modelRequests()).filter(
      (r) => r.stream && r.lastUser.includes('[TRIGGER: ') && r.lastUser.includes(task.slice(0, 30)),
    );
    assert.equal(asked.length, 1, 'the queen was woken once with the trigger task');
  });
});
