// Every write_file / edit_file approval is reviewed in VS Code's diff editor: the file as it is on the
// left (empty for a new file), the agent's proposal on the right, editable. Approve / Deny sit in the
// editor title (and in the chat card); what the right side holds when the user approves, unsaved
// edits included, is what the runtime writes. Closing the diff decides nothing: the request stays
// pending and the card can open it again. Like Cline, the diff opens without taking focus
// (preserveFocus), so a user typing in the chat composer keeps typing.
import path from 'node:path';
import * as vscode from 'vscode';
import type { Proposal, SessionFeed } from '../chat/session-feed';
import type { ChatSession } from '../chat/session-sources';
import { BASE_SCHEME, MemoryFiles, PROPOSAL_SCHEME } from './proposal-fs';

interface UnderReview {
  session: ChatSession;
  approvalId: string;
  requester: string;
  proposal: Proposal;
  right: vscode.Uri;
  left: vscode.Uri;
}

export interface ProposalReviewDeps {
  log: { warn(message: string): void };
  /** Workspace Trust: in Restricted Mode an approval from the editor title is turned into a denial. */
  isTrusted(): boolean;
  /** The URI schemes of both sides (the editor-title menus name PROPOSAL_SCHEME). */
  schemes?: { proposal: string; base: string };
}

export class ProposalReview implements vscode.Disposable {
  private readonly proposals = new MemoryFiles();
  private readonly bases = new MemoryFiles();
  private readonly open = new Map<string, UnderReview>();
  private readonly subs: vscode.Disposable[];
  private readonly schemes: { proposal: string; base: string };
  private readonly log: ProposalReviewDeps['log'];

  constructor(private readonly deps: ProposalReviewDeps) {
    this.log = deps.log;
    this.schemes = deps.schemes ?? { proposal: PROPOSAL_SCHEME, base: BASE_SCHEME };
    this.subs = [
      vscode.workspace.registerFileSystemProvider(this.schemes.proposal, this.proposals, {
        isCaseSensitive: true,
      }),
      vscode.workspace.registerFileSystemProvider(this.schemes.base, this.bases, {
        isCaseSensitive: true,
        isReadonly: true,
      }),
      this.proposals,
      this.bases,
    ];
  }

  /** Shows the proposal `approvalId` in a diff editor (again, if it was closed). */
  async show(session: ChatSession, approvalId: string, requester: string, proposal: Proposal): Promise<void> {
    let item = this.open.get(approvalId);
    if (!item) {
      // The relative path keeps the file name (tab title, language) and tells apart two files of one name.
      const rel = `/${approvalId}/${proposal.path.replace(/^[/\\]+/, '').replace(/\\/g, '/')}`;
      item = {
        session,
        approvalId,
        requester,
        proposal,
        right: vscode.Uri.from({ scheme: this.schemes.proposal, path: rel }),
        left: vscode.Uri.from({ scheme: this.schemes.base, path: rel }),
      };
      this.proposals.set(item.right, proposal.after);
      this.bases.set(item.left, proposal.before ?? '');
      this.open.set(approvalId, item);
    }
    const name = path.basename(proposal.path);
    const who = requester === 'queen' ? session.queen.name : `worker ${requester}`;
    const title =
      proposal.before === null
        ? `${name}: new file from ${who} (editable)`
        : `${name}: current ↔ ${who}'s proposal (editable)`;
    // Beside the active editor: the chat panel is an editor too, and must stay visible with its card.
    await vscode.commands.executeCommand('vscode.diff', item.left, item.right, title, {
      preview: false,
      preserveFocus: true,
      viewColumn: vscode.ViewColumn.Beside,
    });
  }

  /** The right side's text now (unsaved edits included), if `approvalId` is under review. */
  edited(approvalId: string): string | undefined {
    const item = this.open.get(approvalId);
    if (!item) return undefined;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === item.right.toString());
    return doc ? doc.getText() : this.proposals.get(item.right);
  }

  /** Which review an editor URI belongs to (either side). */
  approvalOf(uri: vscode.Uri | undefined): string | undefined {
    if (!uri || (uri.scheme !== this.schemes.proposal && uri.scheme !== this.schemes.base)) return undefined;
    const id = uri.path.split('/')[1];
    return id && this.open.has(id) ? id : undefined;
  }

  /** The editor title's Approve / Deny: answers the request (the chat card's state follows the events). */
  answer(uri: vscode.Uri | undefined, approve: boolean): boolean {
    const id = this.approvalOf(uri ?? vscode.window.activeTextEditor?.document.uri);
    const item = id ? this.open.get(id) : undefined;
    if (!id || !item?.session.pendingApprovals.includes(id)) {
      void vscode.window.showWarningMessage('This proposal is no longer waiting for an answer.');
      return false;
    }
    if (approve && !this.deps.isTrusted()) {
      item.session.answerApproval(item.approvalId, 'deny');
      void vscode.window.showWarningMessage('Tools cannot run in Restricted Mode: the change was denied.');
      return false;
    }
    if (!approve) item.session.answerApproval(item.approvalId, 'deny');
    else item.session.answerApproval(item.approvalId, 'approve', { content: this.edited(item.approvalId) });
    return true;
  }

  /** The request was answered or cancelled: its diff closes (edits are not asked to be saved). */
  async close(approvalId: string): Promise<void> {
    const item = this.open.get(approvalId);
    if (!item) return;
    this.open.delete(approvalId);
    const key = item.right.toString();
    const tabs = () =>
      vscode.window.tabGroups.all.flatMap((g) =>
        g.tabs.filter(
          (t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === key,
        ),
      );
    try {
      // The user's unsaved edits were already taken (or the request was denied): revert them, or closing
      // would ask "save changes?". Revert acts on the active editor, so the diff is made active first.
      const dirty = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key && d.isDirty);
      if (dirty && tabs().length) {
        await vscode.commands.executeCommand('vscode.diff', item.left, item.right, undefined, {
          preserveFocus: true,
          preview: false,
        });
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
      const open = tabs();
      if (open.length && !dirty?.isDirty) await vscode.window.tabGroups.close(open, true);
    } catch (err) {
      this.log.warn(`Review: closing the diff of ${item.proposal.path} failed: ${String(err)}`);
    } finally {
      this.proposals.drop(item.right);
      this.bases.drop(item.left);
    }
  }

  warn(message: string): void {
    this.log.warn(`Review: ${message}`);
  }

  /** Approval ids under review (tests and the editor-title commands). */
  get pending(): string[] {
    return [...this.open.keys()];
  }

  uriOf(approvalId: string): vscode.Uri | undefined {
    return this.open.get(approvalId)?.right;
  }

  dispose(): void {
    for (const s of this.subs.splice(0)) s.dispose();
    this.open.clear();
  }
}

/**
 * Opens a session's file proposals in the diff review as they are asked (those already waiting at once),
 * and closes them once answered or cancelled. Returns the unsubscribe.
 */
export function followProposals(feed: SessionFeed, session: ChatSession, review: ProposalReview): () => void {
  const show = (p: { approvalId: string; requester: string; proposal: Proposal }) =>
    review.show(session, p.approvalId, p.requester, p.proposal).catch((err: unknown) => {
      review.warn(`could not open the diff of ${p.proposal.path}: ${String(err)}`);
    });
  const off = feed.onOutput((out) => {
    if (out.kind === 'proposal') show(out);
    else if (out.kind === 'approvalClosed') void review.close(out.approvalId);
  });
  // Those asked before the feed existed (the chat was not open yet) open now.
  for (const p of feed.pendingProposals()) show(p);
  return off;
}
