// The host side of `@` mentions in the real extension host: the menu's rows come from the workspace
// (findFiles, fuzzy), the selection and Problems; the context is read inside the workspace only.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { MAX_FILE_CHARS, MentionResolver } from '../../src/extension/chat/mention-resolver';
import { splitMentionContext } from '../../src/shared/mentions';

function workspaceRoot(): string {
  const f = vscode.workspace.workspaceFolders?.find((w) => w.uri.scheme === 'file');
  if (!f) throw new Error('the host test has no workspace folder');
  return f.uri.fsPath;
}

describe('@ mentions (host)', () => {
  const made: string[] = [];
  let resolver: MentionResolver;
  before(() => {
    resolver = new MentionResolver(workspaceRoot);
  });
  after(() => {
    resolver.dispose();
    for (const p of made) fs.rmSync(p, { recursive: true, force: true });
  });

  it('offers workspace files and folders by a fuzzy match, and Selection and Problems', async () => {
    const all = await resolver.suggest('');
    assert.deepEqual(
      all.slice(0, 2).map((i) => i.label),
      ['Selection', 'Problems'],
    );
    const sum = await resolver.suggest('sumts');
    assert.deepEqual(sum[0]?.ref, { kind: 'file', path: 'src/sum.ts' });
    assert.equal(sum[0]?.description, 'src');
    const src = await resolver.suggest('src');
    assert.ok(
      src.some((i) => i.ref.kind === 'folder' && i.ref.path === 'src' && i.label === 'src/'),
      JSON.stringify(src),
    );
    assert.deepEqual(
      (await resolver.suggest('prob')).map((i) => i.label),
      ['Problems'],
    );
    assert.deepEqual(await resolver.suggest('zzqqxx'), []);
  });

  it("appends the file, the folder listing, the selection and Problems in Cline's format", async () => {
    const root = workspaceRoot();
    const doc = await vscode.workspace.openTextDocument(path.join(root, 'src', 'sum.ts'));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 1, 0);
    const collection = vscode.languages.createDiagnosticCollection('hive-test');
    collection.set(doc.uri, [
      new vscode.Diagnostic(
        new vscode.Range(2, 0, 2, 4),
        'Cannot find name  foo.',
        vscode.DiagnosticSeverity.Error,
      ),
    ]);
    try {
      const out = await resolver.resolve('Explain @/src/sum.ts in @/src/ given @selection and @problems', [
        { kind: 'file', path: 'src/sum.ts' },
        { kind: 'folder', path: 'src' },
        { kind: 'selection' },
        { kind: 'problems' },
      ]);
      const { text, blocks } = splitMentionContext(out);
      assert.equal(
        text,
        "Explain 'src/sum.ts' (see below for file content) in 'src/' (see below for folder content) given 'src/sum.ts:1-2' (see below for the selection) and Workspace Problems (see below for diagnostics)",
      );
      assert.deepEqual(
        blocks.map((b) => b.tag),
        ['file_content', 'folder_content', 'selection', 'workspace_diagnostics'],
      );
      assert.equal(blocks[0]!.body, doc.getText());
      assert.match(blocks[1]!.body, /^├── greet\.ts\n└── sum\.ts$/);
      assert.equal(blocks[2]!.body, doc.getText(new vscode.Range(0, 0, 1, 0)));
      assert.match(blocks[3]!.body, /^src\/sum\.ts\n- \[Error\] Line 3: Cannot find name foo\.$/m);
    } finally {
      collection.dispose();
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('reads nothing outside the workspace, even through a symlink, and caps a big file', async () => {
    const root = workspaceRoot();
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'hive-mention-outside-'));
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'TOP SECRET');
    const link = path.join(root, 'outside-link');
    fs.symlinkSync(outside, link);
    const big = path.join(root, 'big.txt');
    fs.writeFileSync(big, 'x'.repeat(MAX_FILE_CHARS + 500));
    made.push(outside, link, big);
    const out = await resolver.resolve('@/outside-link/secret.txt @/outside-link/ @/big.txt', [
      { kind: 'file', path: 'outside-link/secret.txt' },
      { kind: 'folder', path: 'outside-link' },
      { kind: 'file', path: 'big.txt' },
    ]);
    assert.doesNotMatch(out, /TOP SECRET|secret\.txt\n/);
    const { blocks } = splitMentionContext(out);
    assert.match(blocks[0]!.body, /^Error fetching content: .*outside/);
    assert.match(blocks[1]!.body, /^Error fetching content: .*outside/);
    assert.match(blocks[2]!.body, /cut: only the first 50,000 characters/);
    assert.ok(blocks[2]!.body.length < MAX_FILE_CHARS + 200);
    const missing = await resolver.resolve('@/nope.ts', [{ kind: 'file', path: 'nope.ts' }]);
    assert.match(splitMentionContext(missing).blocks[0]!.body, /^Error fetching content: No such file/);
  });
});
