import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { ChatBridge } from '../../src/extension/chat/chat-bridge';
import { SessionFeed } from '../../src/extension/chat/session-feed';
import { followProposals, ProposalReview } from '../../src/extension/review/proposal-review';
import {
  closeStaleProposalTabs,
  watchStaleProposalTabs,
} from '../../src/extension/review/stale-proposal-tabs';
import { type LiveSession, SessionManager } from '../../src/runtime/session';
import type { HostToWebview } from '../../src/shared/protocol';
import { providerFor } from '../support/provider-fixture';
import { reply, type ScriptedServer, startScriptedServer } from '../support/scripted-anthropic-server';
import { contributes, hiveApi, hiveExtension, waitFor } from './support';

// The diff review in the real VS Code: a real queen (the real SDK against the scripted model server)
// with the coder tools over a scratch folder asks to write; the proposal opens in VS Code's diff editor,
// the test edits its right side like a user and approves or denies through the same call the editor
// title's buttons make. The host tests' workspace is in Restricted Mode (queens get no tools there), so
// this session comes from a manager of its own and the review's trust check is answered "trusted"; the
// UI suite runs the whole flow in a trusted window, through the extension's own chat and menus.
// The review uses schemes of its own here: the extension's chat may have registered hive-proposal.
const schemes = { proposal: 'hive-proposal-test', base: 'hive-proposal-test-base' };

describe('diff review of file changes', () => {
  let server: ScriptedServer;
  let home: string;
  let work: string;
  let manager: SessionManager;
  let session: LiveSession;
  let feed: SessionFeed;
  let review: ProposalReview;
  let off: () => void;
  const warnings: string[] = [];

  before(async () => {
    server = await startScriptedServer();
  });
  after(async () => {
    await server.close();
  });

  beforeEach(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'hive-review-home-'));
    work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hive-review-work-')));
    manager = new SessionManager({
      hiveHome: home,
      provider: async () => providerFor(server).provider,
      logger: { warn: (m) => warnings.push(m), info() {} },
      reflection: false,
      workingDir: work,
    });
    session = await manager.createSession({ queenId: 'queen_technology' });
    feed = new SessionFeed(session);
    review = new ProposalReview({ log: { warn: (m) => warnings.push(m) }, isTrusted: () => true, schemes });
    off = followProposals(feed, session, review);
  });

  afterEach(async () => {
    off();
    feed.dispose();
    await manager.stopAll();
    review.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  /** The open diff tab of a proposal under review. */
  /** The proposal's diff tab; `other`: not that (earlier) proposal's, whose tab may still be closing. */
  const diffTab = (other?: vscode.Uri) =>
    vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .find(
        (t) =>
          t.input instanceof vscode.TabInputTextDiff &&
          t.input.modified.scheme === schemes.proposal &&
          t.input.modified.toString() !== other?.toString(),
      );

  it('opens a new file against empty, and writes what the user edited on the right before approving', async function () {
    this.timeout(45_000);
    server.enqueue(
      reply.toolUse('write_file', { path: 'notes/todo.md', content: '- proposed line\n' }),
      reply.text('Written.'),
    );
    const turn = session.send('Write the todo list.');
    const tab = (await waitFor('the diff editor', diffTab, 15_000))!;
    const input = tab.input as vscode.TabInputTextDiff;
    assert.match(tab.label, /todo\.md/);
    const right = await vscode.workspace.openTextDocument(input.modified);
    const left = await vscode.workspace.openTextDocument(input.original);
    assert.equal(right.getText(), '- proposed line\n', 'the proposal on the right');
    assert.equal(left.getText(), '', 'a new file is compared with nothing');
    assert.equal(fs.existsSync(path.join(work, 'notes/todo.md')), false, 'nothing written before the answer');

    // The user changes the proposal (unsaved) and approves from the editor title.
    const edit = new vscode.WorkspaceEdit();
    edit.replace(input.modified, new vscode.Range(0, 0, right.lineCount, 0), '- the user’s line\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(right.isDirty);
    assert.equal(review.answer(input.modified, true), true);
    await turn;

    assert.equal(fs.readFileSync(path.join(work, 'notes/todo.md'), 'utf8'), '- the user’s line\n');
    await waitFor('the diff to close', () => !diffTab());
    const told = JSON.stringify(server.requests.at(-1)?.body.messages);
    assert.match(told, /The user edited your proposal before approving/);
    assert.deepEqual(review.pending, []);
  });

  it('shows an edit against the current file; Deny leaves the file untouched', async () => {
    const file = path.join(work, 'a.txt');
    fs.writeFileSync(file, 'hello wrold\n');
    server.enqueue(
      reply.toolUse('edit_file', { path: 'a.txt', old_text: 'wrold', new_text: 'world' }),
      reply.text('Left it.'),
    );
    const turn = session.send('Fix the typo.');
    const tab = (await waitFor('the diff editor', diffTab, 15_000))!;
    const input = tab.input as vscode.TabInputTextDiff;
    assert.equal((await vscode.workspace.openTextDocument(input.original)).getText(), 'hello wrold\n');
    assert.equal((await vscode.workspace.openTextDocument(input.modified)).getText(), 'hello world\n');
    assert.equal(review.answer(input.original, false), true, 'either side answers');
    await turn;
    assert.equal(fs.readFileSync(file, 'utf8'), 'hello wrold\n');
    await waitFor('the diff to close', () => !diffTab());
    assert.match(JSON.stringify(server.requests.at(-1)?.body.messages), /denied/);
  });

  it('closing the diff decides nothing; the chat card opens it again and its Approve writes the proposal', async () => {
    const posts: HostToWebview[] = [];
    const bridge = new ChatBridge({
      post: (m) => posts.push(m),
      writeClipboard: async () => {},
      createSession: async () => session,
      feedFor: () => feed,
      isTrusted: () => true,
      log: { warn: (m) => warnings.push(m), info() {} },
      reviewProposal: async (s, id) => {
        const p = feed.pendingProposals().find((x) => x.approvalId === id);
        if (p) await review.show(s, id, p.requester, p.proposal);
      },
      editedProposal: (id) => review.edited(id),
    });
    bridge.attach(session);
    server.enqueue(reply.toolUse('write_file', { path: 'b.txt', content: 'bee\n' }), reply.text('ok'));
    const turn = session.send('Write b.');
    const tab = (await waitFor('the diff editor', diffTab, 15_000))!;
    await vscode.window.tabGroups.close(tab);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(session.pendingApprovals.length, 1, 'still pending');
    const id = session.pendingApprovals[0]!;
    const card = posts.find((m) => m.type === 'approvalRequest');
    assert.deepEqual(card?.type === 'approvalRequest' && [card.requester, card.detail], [
      'queen',
      { kind: 'file', path: 'b.txt', isNew: true },
    ]);

    await bridge.handle({ type: 'reviewProposal', id });
    await waitFor('the diff editor again', diffTab);
    await bridge.handle({ type: 'approvalAnswer', id, approve: true });
    await turn;
    assert.equal(fs.readFileSync(path.join(work, 'b.txt'), 'utf8'), 'bee\n');
    bridge.dispose();
  });

  it('a proposal asked before any chat followed the session opens its diff, and its card is whole, once one does', async () => {
    // No feed yet: what a session started before the chat was ever opened looks like.
    off();
    feed.dispose();
    server.enqueue(
      reply.toolUse('write_file', { path: 'early.txt', content: 'asked early\n' }),
      reply.text('ok'),
    );
    const turn = session.send('Write early.');
    await waitFor('the approval to wait', () => session.pendingApprovals.length === 1, 15_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(diffTab(), undefined, 'nobody followed the session: no diff yet');

    // The chat opens on it (the notification's Show): its feed starts, and the waiting proposal opens.
    feed = new SessionFeed(session);
    off = followProposals(feed, session, review);
    const tab = (await waitFor('the diff editor', diffTab, 15_000))!;
    const input = tab.input as vscode.TabInputTextDiff;
    assert.equal((await vscode.workspace.openTextDocument(input.modified)).getText(), 'asked early\n');
    const card = feed.overlay([]).find((m) => m.type === 'approvalRequest');
    assert.deepEqual(card?.type === 'approvalRequest' && [card.tool, card.category, card.detail], [
      'write_file',
      'write',
      { kind: 'file', path: 'early.txt', isNew: true },
    ]);
    assert.equal(review.answer(input.modified, true), true);
    await turn;
    assert.equal(fs.readFileSync(path.join(work, 'early.txt'), 'utf8'), 'asked early\n');
  });

  it('after a reload, proposal tabs no review owns are closed; those under review stay', async () => {
    server.enqueue(reply.toolUse('write_file', { path: 'kept.txt', content: 'kept\n' }), reply.text('ok'));
    const turn = session.send('Write kept.');
    const tab = (await waitFor('the diff editor', diffTab, 15_000))!;
    const live = (tab.input as vscode.TabInputTextDiff).modified;
    const isUnderReview = (uri: vscode.Uri) => review.approvalOf(uri) !== undefined;
    assert.equal(await closeStaleProposalTabs({ isUnderReview, schemes }), 0, 'a pending proposal stays');
    assert.ok(diffTab(), 'its tab is still open');

    // A tab restored by a reload: same schemes, a request the new extension host never saw.
    const watcher = watchStaleProposalTabs({
      isUnderReview,
      schemes,
      log: { warn: (m) => warnings.push(m) },
    });
    try {
      const stale = vscode.Uri.from({ scheme: schemes.proposal, path: '/0123abcd/old.txt' });
      const staleBase = vscode.Uri.from({ scheme: schemes.base, path: '/0123abcd/old.txt' });
      await vscode.commands.executeCommand('vscode.diff', staleBase, stale, 'old.txt (restored)', {
        preview: false,
      });
      await waitFor(
        'the restored tab to be closed',
        () =>
          !vscode.window.tabGroups.all
            .flatMap((g) => g.tabs)
            .some(
              (t) =>
                t.input instanceof vscode.TabInputTextDiff &&
                t.input.modified.toString() === stale.toString(),
            ),
        10_000,
      );
      assert.ok(diffTab(), 'the pending proposal’s tab is left open');
    } finally {
      watcher.dispose();
    }
    assert.equal(review.answer(live, false), true);
    await turn;
  });

  it('activates on the proposal schemes, so a restored proposal tab wakes the extension to close it', () => {
    const events = (hiveExtension().packageJSON.activationEvents ?? []) as string[];
    assert.ok(events.includes('onFileSystem:hive-proposal'));
    assert.ok(events.includes('onFileSystem:hive-proposal-base'));
  });

  it('restores the files of a turn, asking before it overwrites the user’s own change', async function () {
    this.timeout(90_000); // three model turns
    const file = path.join(work, 'c.txt');
    fs.writeFileSync(file, 'original\n');
    const posts: HostToWebview[] = [];
    const asked: string[][] = [];
    const bridge = new ChatBridge({
      post: (m) => posts.push(m),
      writeClipboard: async () => {},
      createSession: async () => session,
      feedFor: () => feed,
      isTrusted: () => true,
      log: { warn: (m) => warnings.push(m), info() {} },
      // The modal's answer: the user agrees to overwrite.
      confirmOverwrite: async (conflicts) => {
        asked.push(conflicts);
        return true;
      },
    });
    bridge.attach(session);
    server.enqueue(
      reply.toolUse('write_file', { path: 'c.txt', content: 'by the agent\n' }),
      reply.text('ok'),
    );
    const turn = session.send('Change c.');
    const tab = (await waitFor('the diff editor', diffTab, 15_000))!;
    review.answer((tab.input as vscode.TabInputTextDiff).modified, true);
    await turn;
    assert.equal(fs.readFileSync(file, 'utf8'), 'by the agent\n');
    const row = await waitFor('the changed-files row', () =>
      posts.find((m) => m.type === 'message' && m.message.kind === 'changes'),
    );
    const turnId = row?.type === 'message' && row.message.kind === 'changes' ? row.message.turnId : '';
    assert.match(turnId, /^\d+$/);

    fs.writeFileSync(file, 'the user’s edit\n');
    await bridge.handle({ type: 'restoreTurn', turnId });
    assert.deepEqual(asked, [['c.txt']], 'the user is asked about their own change');
    assert.equal(fs.readFileSync(file, 'utf8'), 'original\n');
    const notice = posts.findLast((m) => m.type === 'message' && m.message.kind === 'notice');
    assert.match(JSON.stringify(notice), /Restored c\.txt to before this turn/);

    // Undo Agent Changes on the same file: the agent's version was already undone; nothing is lost.
    server.enqueue(reply.toolUse('write_file', { path: 'c.txt', content: 'again\n' }), reply.text('ok'));
    const again = session.send('Change c again.');
    const first = (tab.input as vscode.TabInputTextDiff).modified;
    const tab2 = (await waitFor('the second diff editor', () => diffTab(first), 15_000))!;
    review.answer((tab2.input as vscode.TabInputTextDiff).modified, true);
    await again;
    assert.deepEqual(await bridge.changedFiles(), ['c.txt']);
    const text = await bridge.undoChanges('c.txt');
    assert.match(text, /Restored c\.txt/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'original\n');
    bridge.dispose();
  });

  it('contributes Approve / Deny to the title of proposal editors, and Undo Agent Changes to the palette', async () => {
    await hiveApi();
    const menus = (hiveExtension().packageJSON.contributes.menus ?? {}) as Record<
      string,
      { command: string; when?: string }[]
    >;
    const title = menus['editor/title'] ?? [];
    for (const cmd of ['hive.approveProposal', 'hive.denyProposal']) {
      const item = title.find((m) => m.command === cmd);
      assert.match(item?.when ?? '', /^resourceScheme == '?hive-proposal'?$/, cmd);
    }
    const commands = (contributes().commands ?? []).map((c) => c.command);
    assert.ok(commands.includes('hive.undoAgentChanges'));
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const cmd of ['hive.approveProposal', 'hive.denyProposal', 'hive.undoAgentChanges'])
      assert.ok(registered.has(cmd), `${cmd} is not registered`);
  });
});
