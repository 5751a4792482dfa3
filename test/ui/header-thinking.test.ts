// The chat's pickers and context: New Session asks for a queen (or lets the model pick), the header's
// model picker and context gauge, and extended thinking folded into a "Thinking…" block. Screenshots in
// Light and Dark.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sendMessage } from './support/hive';
import { modelRequests, reply, scriptModel } from './support/model';
import { chatFrame, freshWorkspace, runCommand, snap, useWorkbench, waitUntil } from './support/workbench';

const THINKING =
  'The user wants CI. A single workflow running lint and tests on every push is enough to start.';

/** Workspace settings, as a user editing .vscode/settings.json (VS Code applies them live). */
function setSettings(folder: string, settings: Record<string, unknown>): void {
  fs.mkdirSync(path.join(folder, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(folder, '.vscode', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}

describe('Queen picker, model picker, context gauge, thinking', () => {
  const folder = freshWorkspace();
  // Written before the workbench opens, so VS Code starts with them: a settings file written after the
  // load is applied when VS Code's file watcher sees it, which on a busy machine came after the first turn.
  setSettings(folder, { 'workbench.colorTheme': 'Light Modern', 'hive.thinking.budgetTokens': 2048 });
  const page = useWorkbench({ folder, trust: true });

  before(async () => {
    await scriptModel({ reset: true });
  });

  it('New Session: a queen by name, or the model picks', async function () {
    this.timeout(120_000);
    // The selector call answers with the operations queen; then her first turn thinks and answers.
    await scriptModel({
      oneShot: [reply.text('{"queen_id": "queen_operations", "reason": "CI is operations work"}')],
      stream: [
        reply.blocks(
          [
            { type: 'thinking', thinking: THINKING },
            { type: 'text', text: 'Start with one workflow: lint and tests on every push.' },
          ],
          { chunkSize: 6, delayMs: 30, usage: { input_tokens: 52_000, output_tokens: 900 } },
        ),
      ],
    });
    await runCommand(page(), 'Hive: New Session');
    const rows = page().locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.filter({ hasText: 'Let the model pick' }).first().waitFor();
    await rows.filter({ hasText: 'Alexandra · Head of Technology' }).first().waitFor();
    await snap(page(), this, 'queen picker');
    // The quick pick gives way to an input box for the first message (the widget stays open).
    await rows.filter({ hasText: 'Let the model pick' }).first().click();
    await page().locator('.quick-input-widget', { hasText: 'let the model pick the queen' }).waitFor();
    const input = page().locator('.quick-input-widget input');
    await input.fill('Set up CI for this repository');
    await input.press('Enter');

    const chat = chatFrame(page());
    await chat.locator('.queen-name', { hasText: 'Rachel' }).waitFor({ timeout: 30_000 });
    // The thinking streams into its block before the reply, folded.
    await chat.locator('.thinking-block').first().waitFor({ timeout: 30_000 });
    await chat.locator('.msg-assistant:not(.streaming)', { hasText: 'Start with one workflow' }).waitFor({
      timeout: 30_000,
    });
    const block = chat.locator('.thinking-block').first();
    assert.equal(await block.locator('.thinking-label').textContent(), 'Thought');
    assert.equal(await block.locator('.thinking-body').count(), 0, 'folded by default');
    const requests = await modelRequests();
    // The queen's own turn (offered her tools), not another call that quotes the message.
    // The latest such turn: a retried test finds its own, not the first attempt's.
    const turn = requests
      .filter((r) => r.stream && r.tools.length > 0 && r.lastUser.includes('Set up CI'))
      .at(-1);
    assert.equal(turn?.thinkingBudget, 2048, 'the setting reached the request');
  });

  it('thinking block and context gauge', async function () {
    this.timeout(60_000);
    const chat = chatFrame(page());
    const head = chat.locator('.thinking-head').first();
    await head.click();
    assert.equal(await head.getAttribute('aria-expanded'), 'true');
    assert.equal((await chat.locator('.thinking-body').first().textContent())?.trim(), THINKING);
    const gauge = chat.locator('.context-gauge');
    await gauge.waitFor();
    assert.equal((await gauge.locator('.context-text').textContent())?.trim(), '52.9k / 200k');
    assert.match((await gauge.getAttribute('title')) ?? '', /52,900 of 200,000 tokens \(26%\)/);
    await snap(page(), this, 'light');
    setSettings(folder, { 'workbench.colorTheme': 'Dark Modern', 'hive.thinking.budgetTokens': 2048 });
    await waitUntil('the dark theme', async () =>
      (await chat.locator('body').getAttribute('class'))?.split(/\s+/).includes('vscode-dark'),
    );
    await snap(page(), this, 'dark');
  });

  it('model picker', async function () {
    this.timeout(60_000);
    const chat = chatFrame(page());
    const picker = chat.locator('select.model-picker');
    await picker.waitFor();
    const offered = await picker.locator('option').allTextContents();
    assert.ok(offered.includes('claude-haiku-4-5'), `offered: ${offered.join(', ')}`);
    await picker.selectOption('claude-haiku-4-5');
    await waitUntil(
      'the picker to show the switch',
      async () => (await picker.inputValue()) === 'claude-haiku-4-5',
    );
    await scriptModel({
      stream: [reply.text('Switched.', { usage: { input_tokens: 60_000, output_tokens: 10 } })],
    });
    await sendMessage(page(), 'And now briefly?');
    await chat
      .locator('.msg-assistant:not(.streaming)', { hasText: 'Switched.' })
      .waitFor({ timeout: 30_000 });
    const last = (await modelRequests()).filter((r) => r.stream).at(-1);
    assert.equal(last?.model, 'claude-haiku-4-5');
    await waitUntil('the gauge to move', async () =>
      (await chat.locator('.context-gauge .context-text').textContent())?.includes('60'),
    );
    await snap(page(), this, 'dark');
  });
});
