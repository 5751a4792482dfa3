import assert from 'node:assert/strict';
import { useWorkbench } from './support/workbench';

describe('workbench', () => {
  const page = useWorkbench();

  it('loads with the sample workspace open in the Explorer', async () => {
    const explorer = page().locator('.explorer-folders-view');
    await explorer.locator('.monaco-list-row', { hasText: 'NOTES.md' }).waitFor({ state: 'visible' });
    await explorer.locator('.monaco-list-row', { hasText: '.hive' }).waitFor({ state: 'visible' });
    assert.match(await page().title(), /workspace/i);
  });
});
