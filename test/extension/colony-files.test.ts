// Colony files edited like VS Code's own config files: JSON Schema checks in the editor, the loaders'
// problems in the Problems view, and a settings file where an empty hive.apiBaseUrl is fine.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { hiveApi, scratchDir, waitFor } from './support';

const GOOD = [
  {
    id: 'morning',
    trigger_type: 'timer',
    trigger_config: { cron: '0 9 * * 1-5' },
    task: 'Refresh the notes.',
  },
];

function colonyFile(name: string, content: string): vscode.Uri {
  const dir = path.join(scratchDir('hive-colony-files-'), 'colony', '.hive');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return vscode.Uri.file(file);
}

/** Saves the document the way the user does (File: Save on the active editor). */
async function saveActive(doc: vscode.TextDocument): Promise<void> {
  await vscode.window.showTextDocument(doc);
  await vscode.commands.executeCommand('workbench.action.files.save');
  await waitFor('the file to be saved', () => !doc.isDirty, 20_000);
}

const diagnostics = (uri: vscode.Uri, source?: string) =>
  vscode.languages.getDiagnostics(uri).filter((d) => source === undefined || d.source === source);

describe('colony files in the editor', () => {
  before(async () => {
    await hiveApi();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('puts a trigger the loader skips into Problems on save, with the reason at its field', async function () {
    // The first check loads the runtime bundle; a busy machine needs its time.
    this.timeout(90_000);
    const uri = colonyFile('triggers.json', `${JSON.stringify(GOOD, null, 2)}\n`);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const bad = { id: 'nightly', trigger_type: 'timer', trigger_config: { cron: '0 25 * * *' }, task: 'x' };
    const edit = new vscode.WorkspaceEdit();
    edit.replace(
      uri,
      new vscode.Range(0, 0, doc.lineCount, 0),
      `${JSON.stringify([...GOOD, bad], null, 2)}\n`,
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    await saveActive(doc);
    const [problem] = (await waitFor(
      'the Hive problem of the saved file',
      () => {
        const found = diagnostics(uri, 'Hive');
        return found.length > 0 ? found : undefined;
      },
      40_000,
    ))!;
    assert.match(problem!.message, /^invalid: trigger "nightly" is not loaded: trigger_config\.cron: /);
    assert.equal(problem!.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(doc.lineAt(problem!.range.start.line).text.trim(), '"cron": "0 25 * * *"');

    // Fixed and saved: the problem goes away.
    const fix = new vscode.WorkspaceEdit();
    fix.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), `${JSON.stringify(GOOD, null, 2)}\n`);
    assert.ok(await vscode.workspace.applyEdit(fix));
    await saveActive(doc);
    await waitFor('the problem to clear', () => diagnostics(uri, 'Hive').length === 0, 20_000);
  });

  it("checks colony files against Hive's JSON Schemas while typing (completion and errors)", async function () {
    this.timeout(60_000);
    const uri = colonyFile('triggers.json', '[{ "id": "a", "trigger_type": "cron", "task": "x" }]\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const found = await waitFor(
      'the JSON schema error on trigger_type',
      () => {
        const d = diagnostics(uri).filter((x) => x.source !== 'Hive');
        return d.some((x) => /timer/.test(x.message) && /webhook/.test(x.message)) ? d : undefined;
      },
      30_000,
    );
    assert.ok(found!.length >= 1);
    // Completion offers the keys of a trigger, with their descriptions.
    const worker = colonyFile('worker.json', '{\n  \n}\n');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      worker,
      new vscode.Position(1, 2),
    );
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const key of ['system_prompt', 'goal', 'tools']) {
      assert.ok(
        labels.some((l) => l.replace(/"/g, '') === key),
        `${key} offered (${labels.join(', ')})`,
      );
    }
  });

  it('accepts an empty hive.apiBaseUrl in a settings file and names what a bad one should be', async function () {
    this.timeout(90_000);
    const dir = path.join(scratchDir('hive-settings-'), '.vscode');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'settings.json');
    // hive.maxTokens as a string is wrong on purpose: its error shows the settings schema was applied.
    fs.writeFileSync(file, '{\n  "hive.apiBaseUrl": "",\n  "hive.maxTokens": "many"\n}\n');
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const found = await waitFor(
      'the settings schema to be applied',
      () => {
        const d = diagnostics(uri);
        return d.some((x) => x.range.start.line === 2) ? d : undefined;
      },
      30_000,
    );
    assert.deepEqual(
      found!.filter((d) => d.range.start.line === 1).map((d) => d.message),
      [],
      'no error on the empty hive.apiBaseUrl',
    );
    fs.writeFileSync(file, '{\n  "hive.apiBaseUrl": "localhost:8080"\n}\n');
    const doc = await vscode.workspace.openTextDocument(uri);
    await waitFor('the file to reload', () => doc.getText().includes('localhost'));
    const bad = await waitFor(
      'the error on a bad hive.apiBaseUrl',
      () => diagnostics(uri).find((d) => d.range.start.line === 1),
      30_000,
    );
    assert.match(bad!.message, /An http\(s\) URL, or empty for the default/);
  });
});
