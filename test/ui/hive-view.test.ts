import assert from 'node:assert/strict';
import {
  activityBarItem,
  openHiveView,
  sessionRow,
  snap,
  useWorkbench,
  viewPane,
  waitUntil,
} from './support/workbench';

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

  it('filters the sessions by what was asked from the view title, and clears the filter', async function () {
    await openHiveView(page());
    // Found by its title: the header's aria-label changes once the view has a description.
    const pane = page()
      .locator('.part.sidebar .pane', { has: page().locator('.pane-header', { hasText: 'Sessions' }) })
      .first();
    const header = pane.locator('.pane-header').first();
    const row = (text: RegExp) => pane.locator('.monaco-list-row', { hasText: text });
    await header.hover();
    await header.locator('.action-label[aria-label="Filter Sessions…"]').click();
    const box = page().locator('.quick-input-widget input');
    await box.waitFor({ state: 'visible' });
    await box.fill('release');
    await box.press('Enter');
    // Only the matching session shows (its group opened), and the view says which filter is on.
    await row(/release notes/i)
      .first()
      .waitFor({ state: 'visible', timeout: 20_000 });
    await waitUntil('the filter in the view', async () =>
      /1 session matching “release”/.test((await pane.textContent()) ?? ''),
    );
    assert.match((await header.textContent()) ?? '', /Filter: release/);
    assert.equal(await row(/slowest|cut off by a cr/).count(), 0);
    await snap(page(), this, 'filtered');
    await header.hover();
    await header.locator('.action-label[aria-label="Clear Sessions Filter"]').click();
    await waitUntil(
      'every session again',
      async () => (await row(/slowest/).count()) > 0 || (await row(/Alexandra/).count()) > 0,
    );
    assert.doesNotMatch((await header.textContent()) ?? '', /Filter:/);
  });
});
