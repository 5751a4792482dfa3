import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { reply, type ScriptedServer, startScriptedServer } from '../support/scripted-anthropic-server';
import { hiveApi, waitFor } from './support';

// The real SDK against the scripted Anthropic server, started inside the extension host: the settings
// reach the model live, the status bar follows the turn, the key never reaches the session's files.
describe('model settings, live', () => {
  let server: ScriptedServer;
  const config = () => vscode.workspace.getConfiguration('hive');

  before(async () => {
    server = await startScriptedServer({
      responder: () => reply.text('Hello from the scripted queen.', { chunkSize: 4, delayMs: 60 }),
    });
    await config().update('apiBaseUrl', server.url, vscode.ConfigurationTarget.Global);
    await config().update('model', 'claude-host-test-a', vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await (await hiveApi()).getManager().then((m) => m.stopAll());
    await config().update('apiBaseUrl', undefined, vscode.ConfigurationTarget.Global);
    await config().update('model', undefined, vscode.ConfigurationTarget.Global);
    await server.close();
  });

  it('runs a turn with the configured model and endpoint, shows it busy, and follows a changed model', async () => {
    const api = await hiveApi();
    const id = await vscode.commands.executeCommand<string>('hive.newSession', {
      initialPrompt: 'Say hello.',
    });
    assert.ok(id, 'no session started');
    const manager = await api.getManager();
    await waitFor('the status bar spinner', () => api.statusText().includes('$(loading~spin)'));
    await waitFor('the turn to end', () => !manager.get(id)!.busy);
    assert.ok(!api.statusText().includes('$(loading~spin)'), api.statusText());
    const first = server.requests.find((r) => r.path.startsWith('/v1/messages'));
    assert.ok(first, 'the model server got no request');
    assert.equal(first.body.model, 'claude-host-test-a');
    // The key from the environment (the SDK sends it as x-api-key or a bearer token).
    const sent = first.headers['x-api-key'] ?? first.headers.authorization ?? '';
    assert.ok(sent.includes(process.env.ANTHROPIC_API_KEY!), 'the request does not carry the key');

    // A new model applies to the next turn of the running session.
    await config().update('model', 'claude-host-test-b', vscode.ConfigurationTarget.Global);
    const before = server.requests.length;
    await manager.get(id)!.send('Again.');
    const later = server.requests.slice(before).map((r) => r.body.model);
    assert.ok(later.includes('claude-host-test-b'), `models after the change: ${later.join(', ')}`);

    // The key is nowhere in the session's files.
    const dir = manager.get(id)!.dir;
    await manager.stopSession(id);
    const key = process.env.ANTHROPIC_API_KEY!;
    for (const f of fs.readdirSync(dir, { recursive: true }).map(String)) {
      const file = path.join(dir, f);
      if (fs.statSync(file).isFile())
        assert.ok(!fs.readFileSync(file, 'utf8').includes(key), `${f} holds the API key`);
    }
  });

  it('fails a turn cleanly when the key is gone, with a message that says how to set one', async () => {
    const api = await hiveApi();
    const id = await vscode.commands.executeCommand<string>('hive.newSession', {
      queenId: 'queen_technology',
    });
    const session = (await api.getManager()).get(id!)!;
    const failures: string[] = [];
    const off = session.bus.subscribe({ types: ['execution_failed'] }, (e) => {
      failures.push(String((e.data as { error?: unknown }).error));
    });
    const saved = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      const before = server.requests.length;
      await session.send('Are you there?');
      assert.equal(server.requests.length, before, 'a request went out without a key');
    } finally {
      process.env.ANTHROPIC_API_KEY = saved;
      off();
    }
    assert.equal(session.queenDead, false, "the queen's loop broke");
    assert.ok(
      failures.some((f) => f.includes('Set API Key')),
      failures.join(' | '),
    );
  });
});
