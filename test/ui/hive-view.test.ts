import assert from 'node:assert/strict';
import { activityBarItem, useWorkbench, viewPane } from './support/workbench';

describe('Hive view', () => {
  // The shared sample folder, untrusted: the Sessions view must work in Restricted Mode.
  const page = useWorkbench();

  it('opens from its activity bar entry in Restricted Mode and shows the Sessions view', async () => {
    await page().locator('.part.statusbar .statusbar-item', { hasText: 'Restricted Mode' }).waitFor();
    const item = activityBarItem(page(), 'Hive');
    await item.waitFor({ state: 'visible' });
    await item.click();
    await viewPane(page(), 'Sessions').waitFor({ state: 'visible' });
    const title = await page().locator('.part.sidebar .composite.title h2').first().textContent();
    assert.match(title ?? '', /hive/i);
  });
});
