import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { reply, type ScriptedServer, startScriptedServer } from '../support/scripted-anthropic-server';
import { hiveApi, note, waitFor } from './support';

// A question the chat does not show is announced: notification, badge on the Sessions view, status bar.
describe('attention for waiting requests', () => {
  let server: ScriptedServer;
  const config = () => vscode.workspace.getConfiguration('hive');

  before(async () => {
    server = await startScriptedServer();
    await config().update('apiBaseUrl', server.url, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await (await hiveApi()).getManager().then((m) => m.stopAll());
    await config().update('apiBaseUrl', undefined, vscode.ConfigurationTarget.Global);
    await server.close();
  });

  it('a question while the chat is closed raises a notification, a badge and a status-bar state', async () => {
    const api = await hiveApi();
    // No chat panel shows this session.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const manager = await api.getManager();
    const before = api.attention().notifications.length;
    server.enqueue(reply.toolUse('ask_user', { question: 'Which colour should the logo be?' }));
    const session = await manager.createSession({
      queenId: 'queen_technology',
      initialPrompt: 'Design a logo.',
    });
    await waitFor('the question to wait', () => session.pendingQuestions.length === 1);
    await waitFor('the badge', () => api.attention().badge === 1);
    const state = api.attention();
    assert.equal(state.pending, 1);
    const notices = state.notifications.slice(before);
    assert.deepEqual(notices, [
      'Hive: Alexandra · Head of Technology asks: Which colour should the logo be?',
    ]);
    await waitFor('the status bar state', () => api.statusText().includes('has a question'));
    note(`status bar: ${api.statusText()}`);
    assert.match(api.statusText(), /^\$\(bell-dot\) Alexandra · Head of Technology: has a question$/);

    // Answered: the badge and the status-bar state go away.
    server.enqueue(reply.text('Blue it is.'));
    session.answerQuestion(session.pendingQuestions[0] as string, 'Blue');
    await waitFor('the badge to clear', () => api.attention().badge === 0);
    await waitFor('the status bar to calm down', () => !api.statusText().includes('has a question'));
    assert.equal(api.attention().notifications.length, before + 1, 'announced once');
    await manager.stopSession(session.id);
  });
});
