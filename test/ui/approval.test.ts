import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadWorkspaceColony, newSession, sendMessage } from './support/hive';
import { reply, scriptModel } from './support/model';
import { chatFrame, freshWorkspace, snap, useWorkbench, waitUntil } from './support/workbench';

describe('Approvals', () => {
  // A trusted copy of the sample workspace: its .hive/ colony (one notes worker) can be loaded.
  const folder = freshWorkspace();
  const page = useWorkbench({ folder, trust: true });

  // The queen is the request offering run_parallel_workers; the worker's system prompt is worker.json's.
  const queen = { tool: 'run_parallel_workers' };
  const worker = { system: 'notes worker' };

  before(async () => {
    await scriptModel({ reset: true });
  });

  it('loads the workspace colony into a new session', async () => {
    await newSession(page());
    await loadWorkspaceColony(page(), folder);
  });

  it("approves a worker's file write in the panel, and the write happens", async function () {
    await scriptModel({
      stream: [
        {
          match: { ...queen, lastUser: 'Add a line to NOTES.md' },
          step: reply.toolUse(
            'run_parallel_workers',
            { tasks: [{ task: 'Write approved.txt' }] },
            { text: 'I will ask the notes worker.' },
          ),
        },
        {
          match: worker,
          step: reply.toolUse('write_file', { path: 'approved.txt', content: 'written after approval\n' }),
        },
        { match: { ...worker, lastUser: 'approved.txt' }, step: reply.text('Wrote approved.txt.') },
        // The queen's turn goes on once the workers started, and again when the report arrives.
        { match: { ...queen, lastUser: 'worker_count' }, step: reply.text('The notes worker is on it.') },
        {
          match: { ...queen, lastUser: 'WORKER_REPORT' },
          step: reply.text('The worker wrote approved.txt.'),
        },
      ],
    });
    const chat = chatFrame(page());
    await sendMessage(page(), 'Add a line to NOTES.md');

    const card = chat.locator('.tool-card.needs-approval', { hasText: 'write_file' });
    await card.waitFor({ state: 'visible', timeout: 30_000 });
    await snap(page(), this, 'asking');
    // The worker's proposal opens in VS Code's diff editor (a new file against empty), with Approve and
    // Deny in the editor title; the card names the worker and the file.
    await page().locator('.monaco-diff-editor').first().waitFor({ state: 'visible', timeout: 30_000 });
    await page().locator('.tab', { hasText: 'approved.txt' }).first().waitFor({ timeout: 10_000 });
    assert.match(
      (await card.locator('.approval-text').textContent()) ?? '',
      /Worker \S+ wants to create approved\.txt/,
    );
    await snap(page(), this, 'diff-review');
    const file = path.join(folder, 'approved.txt');
    assert.equal(fs.existsSync(file), false, 'nothing is written before the approval');
    await card.locator('.approval').getByText('Approve', { exact: true }).click();
    await waitUntil('approved.txt to be written', async () => fs.existsSync(file), 30_000);
    assert.equal(fs.readFileSync(file, 'utf8'), 'written after approval\n');
    await chat.locator('.tool-card.needs-approval').first().waitFor({ state: 'detached' });
    await chat.locator('.msg-assistant', { hasText: 'The worker wrote approved.txt.' }).waitFor();
    // The worker's steps are in its lane, folded once it reported; the diff closed with the answer.
    const lane = chat.locator('.lane');
    await lane.waitFor({ timeout: 30_000 });
    await waitUntil(
      'the diff to close',
      async () => (await page().locator('.monaco-diff-editor').count()) === 0,
      15_000,
    );
    await lane.locator('.lane-head').click();
    await lane.locator('.lane-tool', { hasText: 'write_file' }).waitFor();
    await snap(page(), this, 'worker-lane');

    // The worker's turn has its own row of changed files, and its Restore puts them back.
    const row = chat.locator('.changes-row', { hasText: 'approved.txt' });
    await row.waitFor({ timeout: 15_000 });
    await row.scrollIntoViewIfNeeded();
    await snap(page(), this, 'worker-changes');
    await row.getByText('Restore files to before this turn').click();
    await waitUntil('approved.txt to be removed', async () => !fs.existsSync(file), 30_000);
    await chat.locator('.notice', { hasText: 'Restored approved.txt to before this turn' }).waitFor();
    await snap(page(), this, 'worker-restored');
  });
});
