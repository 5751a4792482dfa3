import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCommand, snap, useWorkbench, waitUntil } from './support/workbench';

// The session the consent-caller fixture extension asks Hive to delete (in the fixture HIVE_HOME).
const SESSION = 'session_20260421_141200_0f1e2d3c';

/**
 * The UI suite runs Hive as a user installs it (not in VS Code's test mode), beside a second extension
 * (test/ui/fixtures/consent-caller) that passes the consent-skipping arguments. Hive must still ask.
 */
describe('consent: commands other extensions call', () => {
  const page = useWorkbench({ trust: true });

  it('delete with confirmed: true from another extension asks; Cancel keeps it', async function () {
    const home = process.env.HIVE_UI_HIVE_HOME ?? '';
    const dir = path.join(home, 'agents', 'queens', 'queen_operations', 'sessions', SESSION);
    assert.ok(fs.existsSync(dir), `the fixture session is missing: ${dir}`);
    await runCommand(page(), 'Hive Test Caller: Delete a Session Unasked');
    const dialog = page().locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match((await dialog.textContent()) ?? '', new RegExp(`Delete session ${SESSION}\\?`));
    await snap(page(), this, 'delete-asks');
    await page().keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page().waitForTimeout(500);
    assert.ok(fs.existsSync(dir), 'the session was deleted without the user saying so');
  });

  it('setApiKey(key) from another extension opens an empty password box', async function () {
    await runCommand(page(), 'Hive Test Caller: Set the API Key Unasked');
    const widget = page().locator('.quick-input-widget');
    const input = widget.locator('input');
    await waitUntil(
      'the Set API Key box',
      async () => (await widget.isVisible()) && /Set API Key/.test((await widget.textContent()) ?? ''),
    );
    assert.equal(await input.inputValue(), '', 'the key passed in was put in the box');
    assert.equal(await input.getAttribute('type'), 'password');
    await snap(page(), this, 'set-key-asks');
    await page().keyboard.press('Escape');
    await widget.waitFor({ state: 'hidden' });
    const saved = page().locator('.notifications-toasts', { hasText: 'API key saved' });
    await page().waitForTimeout(500);
    assert.equal(await saved.count(), 0, 'a key was stored without the user typing it');
  });
});
