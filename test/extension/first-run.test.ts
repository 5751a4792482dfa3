// First run: the Sessions view's welcome content and the Getting Started walkthrough.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { hiveApi, hiveExtension, waitFor } from './support';

interface Manifest {
  viewsWelcome: { view: string; contents: string; when?: string }[];
  walkthroughs: { id: string; steps: { id: string; completionEvents: string[] }[] }[];
}
const manifest = () => hiveExtension().packageJSON.contributes as Manifest;

/** The command links of a welcome text: `[Title](command:id)`. */
const links = (contents: string) =>
  [...contents.matchAll(/\[([^\]]+)\]\(command:([\w.]+)\)/g)].map((m) => [m[1], m[2]]);

describe('first run', () => {
  before(async () => {
    await hiveApi();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('welcomes with Set API Key, New Session and Load Colony, and says what Restricted Mode keeps off', async () => {
    const welcome = manifest().viewsWelcome.filter((w) => w.view === 'hive.sessions');
    const noKey = welcome.find((w) => w.when === '!hive.hasApiKey')!;
    assert.deepEqual(
      links(noKey.contents).map(([, id]) => id),
      ['hive.setApiKey', 'hive.newSession', 'hive.loadWorkspaceColony', 'hive.gettingStarted'],
    );
    const restricted = welcome.find((w) => w.when === '!isWorkspaceTrusted')!;
    assert.match(restricted.contents, /Restricted Mode/);
    assert.match(restricted.contents, /Load Colony is refused/);
    // Every linked command exists in this host (a typo would be a dead button).
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const w of welcome)
      for (const [title, id] of links(w.contents))
        assert.ok(registered.has(id!), `${title}: ${id} is not a command`);
  });

  it('opens the Getting Started walkthrough from the palette command', async () => {
    const walkthroughs = manifest().walkthroughs;
    assert.deepEqual(
      walkthroughs[0]!.steps.map((s) => s.id),
      ['hive.setKey', 'hive.firstReply', 'hive.firstColony'],
    );
    await vscode.commands.executeCommand('hive.gettingStarted');
    await waitFor('the walkthrough tab', () =>
      vscode.window.tabGroups.all.some((g) =>
        g.tabs.some((t) => /Walkthrough|Welcome|Get Started/i.test(t.label)),
      ),
    );
  });
});
