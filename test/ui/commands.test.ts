import assert from 'node:assert/strict';
import { errorToasts, freshWorkspace, runCommand, useWorkbench, viewPane } from './support/workbench';

describe('Hive commands', () => {
  const page = useWorkbench({ folder: freshWorkspace(), trust: true });

  it('runs "Hive: Refresh Sessions" from the command palette without an error', async () => {
    await runCommand(page(), 'Hive: Refresh Sessions');
    // A failing command shows an error toast a moment later: give it the chance to appear.
    await page().waitForTimeout(1000);
    assert.equal(await errorToasts(page()).count(), 0, 'an error notification appeared');
  });

  it('opens the Hive view from the palette', async () => {
    await runCommand(page(), 'View: Show Hive');
    await viewPane(page(), 'Sessions').waitFor({ state: 'visible' });
  });
});
