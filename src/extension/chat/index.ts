// The chat panel's entry point for the rest of the extension: ChatController opens the panel on a
// session (live, cold → resumed, or none) and keeps one bridge between the panel and that session.
// Everything that is not about VS Code lives in chatBridge.ts / sessionFeed.ts (tested without vscode).
import * as vscode from 'vscode';
import { DEFAULT_MODEL } from '../../runtime/config/model-settings';
import type { LiveSession, SessionManager } from '../../runtime/session';
import { queenDisplayName } from '../../shared/display-names';
import { followProposals, ProposalReview } from '../review/proposal-review';
import { readSettings } from '../settings';
import { ChatBridge } from './chat-bridge';
import { ChatPanel } from './chat-panel';
import { openColdSession } from './cold-session';
import { MentionResolver } from './mention-resolver';
import { SessionFeed } from './session-feed';
import type { ChatSession } from './session-sources';

const COLONY_COMMANDS = {
  open: 'hive.openColony',
  startTriggers: 'hive.startColonyTriggers',
  stopTriggers: 'hive.stopColonyTriggers',
  runWorker: 'hive.runColonyWorker',
  reveal: 'hive.revealColony',
} as const;

export interface ChatDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  getManager(): Promise<SessionManager>;
  /** The manager if it was built already (opening a cold session must not build it). */
  peekManager(): SessionManager | undefined;
  hiveHome: () => string;
  isTrusted(): boolean;
  /** Trusted after the runtime started: its running sessions have no workspace tools yet. */
  trustPending?(): boolean;
}

export class ChatController implements vscode.Disposable {
  private panel: ChatPanel | undefined;
  private bridge: ChatBridge | undefined;
  private panelSubs: vscode.Disposable[] = [];
  private readonly subs: vscode.Disposable[] = [];
  /** One feed per live session, created as soon as the session is known (so a pending approval
   *  requested while the panel showed something else can still be shown with its details). */
  private readonly feeds = new Map<ChatSession, SessionFeed>();
  private manager: SessionManager | undefined;
  private unwatch: (() => void) | undefined;
  private readonly sessionChanged = new vscode.EventEmitter<string | undefined>();
  readonly onDidChangeSession: vscode.Event<string | undefined> = this.sessionChanged.event;
  /** The diff editors of pending file approvals, of every live session. */
  readonly review: ProposalReview;
  /** `@` mentions of workspace files, folders, the selection and Problems. */
  private readonly mentions: MentionResolver;

  constructor(private readonly deps: ChatDeps) {
    this.review = new ProposalReview({ log: deps.log, isTrusted: () => deps.isTrusted() });
    // The runtime's working folder (the first local workspace folder): mentions stay inside it.
    this.mentions = new MentionResolver(
      () => vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath,
    );
    this.subs.push(
      this.review,
      this.mentions,
      this.sessionChanged,
      // Panels opened elsewhere (an older command, VS Code restoring one) get a bridge too.
      ChatPanel.onDidCreate((p) => this.wire(p)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.bridge?.resync()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('hive.models') || e.affectsConfiguration('hive.model'))
          this.bridge?.postModelChoice();
      }),
    );
    if (ChatPanel.current) this.wire(ChatPanel.current);
  }

  /** The session the panel shows, if any. */
  get sessionId(): string | undefined {
    return this.bridge?.sessionId;
  }

  /** The session shown while the panel is visible. */
  visibleSessionId(): string | undefined {
    return this.panel?.panel.visible ? this.bridge?.sessionId : undefined;
  }

  /**
   * live id → attach; cold id → show its transcript from disk (sending a message resumes it), or with
   * `resume` resume it first; undefined → reveal the panel as it is.
   */
  async open(sessionId?: string, opts: { resume?: boolean } = {}): Promise<void> {
    const panel = ChatPanel.show(this.deps.extensionUri, this.deps.log);
    if (panel !== this.panel) this.wire(panel);
    if (sessionId === undefined) return;
    const bridge = this.bridge;
    try {
      const live = this.deps.peekManager() ? (await this.watchedManager()).get(sessionId) : undefined;
      const cold = live || opts.resume ? undefined : await openColdSession(this.deps.hiveHome(), sessionId);
      if (cold) {
        if (bridge === this.bridge) bridge?.attach(cold);
        return;
      }
      const manager = await this.watchedManager();
      const session = manager.get(sessionId) ?? (await manager.resumeSession(sessionId));
      if (bridge !== this.bridge) return; // the panel was closed meanwhile
      bridge?.attach(session);
    } catch (err) {
      // The caller (a command) tells the user; the panel stays on what it showed.
      const text = err instanceof Error ? err.message : String(err);
      this.deps.log.error(`Chat: could not open session ${sessionId}: ${text}`);
      throw err;
    }
  }

  dispose(): void {
    this.unwatch?.();
    this.disposePanel();
    for (const f of this.feeds.values()) f.dispose();
    this.feeds.clear();
    for (const s of this.subs.splice(0)) s.dispose();
  }

  private wire(panel: ChatPanel): void {
    if (panel === this.panel) return;
    this.disposePanel();
    this.panel = panel;
    const bridge = new ChatBridge({
      post: (m) => panel.post(m),
      writeClipboard: async (text) => {
        await vscode.env.clipboard.writeText(text);
      },
      createSession: async (firstMessage) => {
        const manager = await this.watchedManager();
        return manager.createSession({ initialPrompt: firstMessage });
      },
      resumeSession: async (id) => (await this.watchedManager()).resumeSession(id),
      feedFor: (session) => this.feedFor(session),
      reviewProposal: async (session, approvalId) => {
        const p = this.feedFor(session)
          .pendingProposals()
          .find((x) => x.approvalId === approvalId);
        if (p) await this.review.show(session, approvalId, p.requester, p.proposal);
      },
      editedProposal: (approvalId) => this.review.edited(approvalId),
      confirmOverwrite: async (conflicts) => {
        const overwrite = 'Overwrite My Changes';
        const picked = await vscode.window.showWarningMessage(
          `You changed ${conflicts.join(', ')} after the agent did. Restore anyway and lose those changes?`,
          { modal: true },
          overwrite,
        );
        return picked === overwrite;
      },
      isTrusted: () => this.deps.isTrusted(),
      trustPending: () => this.deps.trustPending?.() === true,
      log: this.deps.log,
      onDidChangeSession: (id) => {
        this.dropStoppedFeeds();
        this.updateTitle();
        this.sessionChanged.fire(id);
      },
      models: () => {
        const s = readSettings();
        return { model: s.model || DEFAULT_MODEL, models: s.models };
      },
      newSession: () => vscode.commands.executeCommand('hive.newSession'),
      // The card's buttons run the Colonies view's commands (trust checks and all).
      colonyAction: (action, colony) => vscode.commands.executeCommand(COLONY_COMMANDS[action], colony),
      mentions: this.mentions,
    });
    this.bridge = bridge;
    this.panelSubs = [
      panel.onMessage((m) => bridge.handle(m)),
      panel.onDidDispose(() => {
        if (this.panel !== panel) return;
        this.disposePanel();
        this.sessionChanged.fire(undefined);
      }),
    ];
  }

  private disposePanel(): void {
    for (const s of this.panelSubs.splice(0)) s.dispose();
    this.bridge?.dispose();
    this.bridge = undefined;
    this.panel = undefined;
  }

  private updateTitle(): void {
    const session = this.bridge?.shown;
    if (this.panel)
      this.panel.panel.title = session
        ? `Hive: ${queenDisplayName({ id: session.queen.queen_id, name: session.queen.name, title: session.queen.title })}`
        : 'Hive Chat';
  }

  /**
   * Feeds of stopped sessions the panel no longer shows (a cold session read from disk, a live one
   * stopped meanwhile) go: nothing will happen in them, and a cold session holds its whole transcript.
   */
  private dropStoppedFeeds(): void {
    const shown = this.bridge?.shown;
    for (const [session, feed] of this.feeds) {
      if (session === shown || !session.stopped) continue;
      feed.dispose();
      this.feeds.delete(session);
    }
  }

  private feedFor(session: ChatSession): SessionFeed {
    let feed = this.feeds.get(session);
    if (!feed) {
      feed = new SessionFeed(session);
      this.feeds.set(session, feed);
      followProposals(feed, session, this.review);
    }
    return feed;
  }

  /** "Hive: Undo Agent Changes…": pick one of the files the agent changed in the chat's session, or all. */
  async undoAgentChanges(): Promise<void> {
    const bridge = this.bridge;
    if (!bridge?.shown) {
      void vscode.window.showInformationMessage('Open a session in the Hive chat first.');
      return;
    }
    const files = await bridge.changedFiles();
    if (files.length === 0) {
      void vscode.window.showInformationMessage('The agent changed no files in this session.');
      return;
    }
    const all = { label: '$(discard) All files', description: `${files.length} changed`, file: undefined };
    const picked = await vscode.window.showQuickPick(
      [all, ...files.map((f) => ({ label: f, description: '', file: f as string | undefined }))],
      { title: 'Undo Agent Changes', placeHolder: 'Restore a file (or all) to before the agent changed it' },
    );
    if (!picked) return;
    const text = await bridge.undoChanges(picked.file);
    void vscode.window.showInformationMessage(text);
  }

  /** The manager, with feeds kept in step with its live sessions from the first call on. */
  private async watchedManager(): Promise<SessionManager> {
    const manager = await this.deps.getManager();
    if (this.manager !== manager) {
      this.unwatch?.();
      this.manager = manager;
      this.unwatch = manager.onDidChange(() => this.onManagerChange(manager));
      this.onManagerChange(manager);
    }
    return manager;
  }

  private onManagerChange(manager: SessionManager): void {
    const live = new Set<LiveSession>();
    for (const s of manager.list()) {
      const session = manager.get(s.session_id);
      if (session) live.add(session);
    }
    for (const session of live) this.feedFor(session);
    this.dropStoppedFeeds();
    this.bridge?.sessionChanged();
  }
}
