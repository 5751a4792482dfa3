import assert from 'node:assert/strict';
import { activityBarItem, sessionRow, useWorkbench, viewPane } from './support/workbench';

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

  it("lists the fixture Hive home's sessions by queen, the damaged one marked", async () => {
    // sample/hive-home: queen_technology has a normal and a damaged session, queen_operations one;
    // groups show each queen's display name.
    await sessionRow(page(), 'Alexandra · Head of Technology');
    await sessionRow(page(), 'Rachel · Head of Operations');
    const cold = await sessionRow(page(), /storage suite|slowest/);
    assert.equal(await cold.locator('.codicon-warning').count(), 0, 'a readable session is not marked');
    // The damaged session (session_20260419_080000_deadbeef) is titled by its first message, like the others.
    const damaged = await sessionRow(page(), /cut off by a cr/);
    await damaged.locator('.codicon-warning').waitFor({ state: 'visible' });
    const release = await sessionRow(page(), /release notes|0\.1\.0/i);
    assert.ok(await release.isVisible(), 'the queen_operations session is listed');
  });
});
