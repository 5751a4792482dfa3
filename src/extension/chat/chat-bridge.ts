// Connects the chat panel to one live session (or to none: the empty state). On every `ready` the page
// gets a fresh snapshot, the newest history page and the live tail (streaming text, pending approvals
// and questions); live events follow. Older pages go out on `loadOlder`. User actions from the (already
// validated) webview become LiveSession calls. No vscode import: the host injects the panel's post,
// the clipboard and session creation, so all of this is unit-tested against a real LiveSession.
import { savePastedText } from '../../runtime/session/pasted-text';
import type { ConversationPart } from '../../runtime/storage/parts';
import type { MentionItem, MentionRef } from '../../shared/mentions';
import type {
  ApprovalOutcome,
  ChatMessage,
  HostToWebview,
  WebviewMessageOf,
  WebviewToHost,
} from '../../shared/protocol';
import { approvalHistory } from './approval-history';
import { COLD_PHASE } from './cold-session';
import { HISTORY_PAGE_SIZE, HistoryPager, historyMessages } from './history-messages';
import { initialContext, type ModelsConfig, modelChoiceOf, setSessionModel } from './model-choice';
import { placeReplayRows, replayRows, replaySessionEvents, type SessionReplay } from './session-events';
import type { FeedOutput, SessionFeed } from './session-feed';
import {
  type ChatSession,
  colonySourceOf,
  colonyView,
  errorText,
  onTriggersChange,
  queenView,
  triggerProblemViews,
  triggerSourceOf,
  triggerViews,
  usageView,
} from './session-sources';

/** Newest parts read for the first page of a session read from disk: more than a screenful (and one
 *  read batch); the pages before it come from the full read that follows. */
const FIRST_PAGE_PARTS = 64;

export interface BridgeLogger {
  warn(message: string): void;
  info(message: string): void;
}

export interface ChatBridgeDeps {
  /** The panel's post (drops messages while the page is not ready). */
  post(message: HostToWebview): unknown;
  /** Writes text to the system clipboard (webhook secrets never go to the page). */
  writeClipboard(text: string): Promise<void>;
  /** Starts a session for a message sent from the empty state; the bridge then attaches to it. */
  createSession(firstMessage: string): Promise<ChatSession>;
  /** Brings a stopped session back (sending to it resumes it in place). */
  resumeSession?(sessionId: string): Promise<ChatSession>;
  /** The feed following a session (shared, so events before the panel showed it are known). */
  feedFor(session: ChatSession): SessionFeed;
  isTrusted(): boolean;
  /** The workspace was trusted after the runtime started: running sessions still lack its tools. */
  trustPending?(): boolean;
  log: BridgeLogger;
  /** Called when the panel shows another session (or none). */
  onDidChangeSession?(sessionId: string | undefined): void;
  /** A "Colony created" card button: the same action as the Colonies view's (a VS Code command). */
  colonyAction?(action: WebviewMessageOf<'colonyAction'>['action'], colony: string): PromiseLike<unknown>;
  /** Opens the diff review of a pending file approval (the chat card's "Review diff"). */
  reviewProposal?(session: ChatSession, approvalId: string): Promise<void>;
  /** The user's edited version of a proposal under review, if its diff editor holds one. */
  editedProposal?(approvalId: string): string | undefined;
  /** Asks (modal) whether to overwrite files the user changed since the agent wrote them. */
  confirmOverwrite?(conflicts: string[]): Promise<boolean>;
  /** `@` mentions: the menu's rows, and the message with the mentioned context appended. */
  mentions?: {
    suggest(query: string): Promise<MentionItem[]>;
    resolve(text: string, refs: MentionRef[]): Promise<string>;
  };
  pageSize?: number;
  /** The configured model and choices (`hive.model`, `hive.models`) for the header's picker. */
  models?(): ModelsConfig;
  /** "New…" in the header: Hive: New Session (it asks for the queen). */
  newSession?(): PromiseLike<unknown>;
}

export class ChatBridge {
  private session: ChatSession | undefined;
  private feed: SessionFeed | undefined;
  private detach: Array<() => void> = [];
  /** Bumped on every resync: an older resync still awaiting history gives up. */
  private epoch = 0;
  /** False while a resync is building the snapshot: live events are held, then replayed or dropped. */
  private forwarding = false;
  private held: FeedOutput[] = [];
  private pager: HistoryPager | undefined;
  /** Settles once older pages can be served (the full read after a first page cut from the tail). */
  private older: Promise<void> = Promise.resolve();
  private lastBusy: boolean | undefined;
  private lastPhase: string | undefined;
  private lastStopped: boolean | undefined;
  /** The first message of a session started from the empty state, until a snapshot shows it. */
  private firstMessage: { sessionId: string; text: string } | undefined;
  private creating = false;
  private disposed = false;
  /** The rows rebuilt from events at the last resync (older pages place them too). */
  private replayed: { session: ChatSession; rows: ReturnType<typeof replayRows> } | undefined;

  constructor(private readonly deps: ChatBridgeDeps) {}

  get sessionId(): string | undefined {
    return this.session?.id;
  }

  /** The session shown (live, or read from disk), if any. */
  get shown(): ChatSession | undefined {
    return this.session;
  }

  /** Shows `session` (or the empty state) in the panel; a no-op when it is already shown. */
  attach(session: ChatSession | undefined): void {
    if (this.disposed || session === this.session) return;
    for (const off of this.detach.splice(0)) off();
    this.session = session;
    this.feed = session ? this.deps.feedFor(session) : undefined;
    this.lastBusy = undefined;
    this.lastPhase = undefined;
    this.lastStopped = undefined;
    if (session && this.feed) {
      const feed = this.feed;
      this.detach.push(
        feed.onOutput((out) => this.onFeed(session, out)),
        onTriggersChange(session, () => this.onFeed(session, { kind: 'triggersChanged' })),
      );
    }
    this.deps.onDidChangeSession?.(session?.id);
    void this.resync();
  }

  /** The session changed state outside the event stream (busy, phase, stopped): post what moved. */
  sessionChanged(): void {
    const s = this.session;
    if (!s || !this.forwarding) return;
    const busy = s.busy && !s.stopped;
    if (busy !== this.lastBusy) {
      this.lastBusy = busy;
      this.deps.post({ type: 'busy', busy });
    }
    const phase = shownPhase(s);
    if (phase !== this.lastPhase) {
      this.lastPhase = phase;
      this.deps.post({ type: 'phase', phase });
    }
    if (s.stopped && this.lastStopped === false) {
      // Stop Session from the tree or the palette: the panel says so where the user is looking.
      this.deps.post({
        type: 'message',
        message: {
          kind: 'notice',
          id: `stopped-${Date.now().toString(36)}`,
          text: 'The session was stopped. Send a message to resume it.',
          level: 'info',
        },
      });
    }
    this.lastStopped = s.stopped;
  }

  /** Only a running session lacks the tools; a stopped one gets them when it resumes. */
  private trustPendingFor(s: ChatSession): boolean {
    return !s.stopped && this.deps.trustPending?.() === true;
  }

  /** Handles a validated message from the page. Failures become a toast and a log line. */
  async handle(message: WebviewToHost): Promise<void> {
    if (this.disposed) return;
    try {
      await this.dispatch(message);
    } catch (err) {
      this.deps.log.warn(`Chat: ${message.type} failed: ${errorText(err)}`);
      this.toast(`${describeAction(message.type)} failed: ${errorText(err)}`, 'error');
    }
  }

  dispose(): void {
    this.disposed = true;
    this.epoch++;
    for (const off of this.detach.splice(0)) off();
  }

  // ---------------------------------------------------------------- snapshot and paging

  /** Fresh snapshot + newest page + live tail. Called on attach and on every `ready`. */
  async resync(): Promise<void> {
    const epoch = ++this.epoch;
    this.forwarding = false;
    this.held = [];
    this.pager = undefined;
    this.older = Promise.resolve();
    const session = this.session;
    if (!session) {
      this.deps.post({ type: 'snapshot', session: null });
      this.forwarding = true;
      return;
    }
    const feed = this.feed as SessionFeed;
    const [{ parts, earlier }, replay, approvals, context] = await Promise.all([
      this.readHistory(session),
      this.replay(session),
      approvalHistory(session, this.deps.log),
      initialContext(session, feed.context),
    ]);
    if (epoch !== this.epoch || this.disposed) return;
    // From here to the end nothing awaits: the snapshot, the page and the tail describe one instant.
    // While a turn runs, the newest assistant part's unanswered calls are in progress, even if this
    // feed started after they did.
    const lastAssistant = session.busy ? parts.findLast((p) => p.role === 'assistant') : undefined;
    const answered = new Set(
      parts.flatMap((p) => (p.role === 'tool' && p.tool_use_id ? [p.tool_use_id] : [])),
    );
    const inFlight = (lastAssistant?.tool_calls ?? []).map((c) => c.id).filter((id) => !answered.has(id));
    const rows = replayRows(replay, feed);
    const messages = placeReplayRows(
      historyMessages(parts, {
        isRunning: (id) => feed.isRunning(id) || inFlight.includes(id),
        questionFor: (id) => feed.questionFor(id),
        approvalOf: (id) => feed.approvalOutcome(id) ?? approvals.get(id),
      }),
      rows,
    );
    this.replayed = { session, rows };
    const first = this.firstMessage;
    if (first && first.sessionId === session.id) {
      if (messages.some((m) => m.kind === 'user' && m.text === first.text)) this.firstMessage = undefined;
      // Sent before the panel could listen and not in the transcript yet: show it anyway.
      else messages.push({ kind: 'user', id: 'first-message', text: first.text, origin: 'user' });
    }
    // Only the whole transcript knows the session's first message.
    const title = earlier ? undefined : messages.find((m) => m.kind === 'user' && m.origin === 'user');
    this.lastBusy = session.busy && !session.stopped;
    this.lastPhase = shownPhase(session);
    this.lastStopped = session.stopped;
    this.deps.post({
      type: 'snapshot',
      session: {
        sessionId: session.id,
        title: title?.kind === 'user' ? title.text.slice(0, 120) : null,
        queen: queenView(session),
        phase: shownPhase(session),
        colony: colonyView(session, this.deps.log),
        triggers: triggerViews(session, this.deps.log),
        triggerProblems: triggerProblemViews(session),
        usage: usageView(session),
        busy: session.busy && !session.stopped,
        trusted: this.deps.isTrusted() && !this.trustPendingFor(session),
        ...(this.deps.isTrusted() && this.trustPendingFor(session) ? { trustPending: true } : {}),
        ...(this.deps.models ? { modelChoice: modelChoiceOf(session, this.deps.models()) } : {}),
        ...(context ? { context } : {}),
      },
    });
    this.pager = new HistoryPager(session.id, messages, this.pageSize);
    const firstPage = this.postNextPage(false, earlier);
    if (earlier && firstPage)
      this.older = this.pageOlderFromFullHistory(session, epoch, firstPage, approvals);
    const tail = feed.overlay(messages, inFlight[0] ?? null);
    for (const m of tail) this.deps.post(m);
    const tailIds = new Set(tail.flatMap((m) => (m.type === 'message' ? [m.message.id] : [])));
    // Events that arrived while the history was read: the snapshot already holds their effect for
    // streamed text (the tail has the whole text) and for the user's own message (in the transcript).
    const held = this.held;
    this.held = [];
    this.forwarding = true;
    const recentUser = new Set(messages.slice(-20).flatMap((m) => (m.kind === 'user' ? [m.text] : [])));
    for (const out of held) {
      if (out.kind === 'message') {
        const m = out.message;
        if (m.type === 'textDelta') continue;
        // A turn that ended before the snapshot: its text is in the page under its transcript id.
        if (m.type === 'turnComplete' && !tailIds.has(m.messageId)) continue;
        if (m.type === 'message' && m.message.kind === 'user' && recentUser.has(m.message.text)) continue;
      }
      this.onFeed(session, out);
    }
  }

  /**
   * The transcript, or just its newest parts when the session can read those alone (a cold session
   * from disk): the panel shows the end at once, older pages follow from the full read.
   */
  private async readHistory(session: ChatSession): Promise<{ parts: ConversationPart[]; earlier: boolean }> {
    try {
      if (session.historyTail)
        return await session.historyTail(Math.min(FIRST_PAGE_PARTS, 2 * this.pageSize));
      return { parts: await session.history(), earlier: false };
    } catch (err) {
      this.deps.log.warn(`Chat: reading the history of ${session.id} failed: ${errorText(err)}`);
      return { parts: [], earlier: false };
    }
  }

  /** Workers' lanes and changed files from events.jsonl (empty when the session has no folder). */
  private async replay(session: ChatSession): Promise<SessionReplay | null> {
    if (!session.dir) return null;
    try {
      return await replaySessionEvents(session.dir);
    } catch (err) {
      this.deps.log.warn(`Chat: reading the events of ${session.id} failed: ${errorText(err)}`);
      return null;
    }
  }

  private get pageSize(): number {
    return this.deps.pageSize ?? HISTORY_PAGE_SIZE;
  }

  /**
   * After a first page cut from the newest parts: reads the whole transcript and pages on from the
   * oldest message already shown. Tool cards whose call lay before the cut are whole again here.
   */
  private async pageOlderFromFullHistory(
    session: ChatSession,
    epoch: number,
    shown: ChatMessage[],
    approvals: ReadonlyMap<string, ApprovalOutcome>,
  ): Promise<void> {
    let parts: ConversationPart[];
    try {
      parts = await session.history();
    } catch (err) {
      this.deps.log.warn(`Chat: reading the older history of ${session.id} failed: ${errorText(err)}`);
      parts = [];
    }
    if (epoch !== this.epoch || this.disposed) return;
    const feed = this.feed as SessionFeed;
    const all = placeReplayRows(
      historyMessages(parts, {
        isRunning: (id) => feed.isRunning(id),
        questionFor: (id) => feed.questionFor(id),
        approvalOf: (id) => feed.approvalOutcome(id) ?? approvals.get(id),
      }),
      this.replayed?.session === session ? this.replayed.rows : [],
    );
    const firstShown = shown[0]?.id;
    const at = all.findIndex((m) => m.id === firstShown);
    // Everything before the oldest message shown (all of it, if that message is not found any more).
    this.pager = new HistoryPager(
      session.id,
      all.slice(0, at < 0 ? all.length - shown.length : at),
      this.pageSize,
    );
  }

  /** Posts the next page going back in time; returns its messages (undefined when none was left). */
  private postNextPage(prepend: boolean, earlier = false): ChatMessage[] | undefined {
    const pager = this.pager;
    const page = pager?.next();
    if (!pager || !page) return undefined;
    this.deps.post({
      type: 'history',
      sessionId: pager.sessionId,
      messages: page.messages,
      prepend,
      done: page.done && !earlier,
    });
    return page.messages;
  }

  private onFeed(session: ChatSession, out: FeedOutput): void {
    if (session !== this.session || this.disposed) return;
    if (!this.forwarding) {
      this.held.push(out);
      return;
    }
    if (out.kind === 'message') {
      this.deps.post(out.message);
      // Busy flips around turns; the event stream is the earliest place to notice.
      this.sessionChanged();
    } else if (out.kind === 'colonyChanged') {
      this.deps.post({ type: 'colony', colony: colonyView(session, this.deps.log) });
    } else if (out.kind === 'triggersChanged') {
      this.deps.post({
        type: 'triggers',
        triggers: triggerViews(session, this.deps.log),
        problems: triggerProblemViews(session),
      });
    }
  }

  // ---------------------------------------------------------------- actions

  private async dispatch(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        await this.resync();
        return;
      case 'loadOlder': {
        const epoch = this.epoch;
        await this.older;
        if (epoch !== this.epoch) return;
        if (this.pager && message.sessionId === this.pager.sessionId) this.postNextPage(true);
        return;
      }
      case 'sendMessage': {
        const refs = message.mentions ?? [];
        const text =
          refs.length && this.deps.mentions
            ? await this.deps.mentions.resolve(message.text, refs)
            : message.text;
        await this.send(text);
        return;
      }
      case 'mentionQuery': {
        const items = (await this.deps.mentions?.suggest(message.query)) ?? [];
        this.deps.post({ type: 'mentionResults', requestId: message.requestId, items });
        return;
      }
      case 'copyText':
      case 'openLink':
        return; // the panel handles these itself
      case 'colonyAction':
        // Also from a past session's card: no live session needed.
        await this.deps.colonyAction?.(message.action, message.colony);
        return;
      case 'newSession':
        await this.deps.newSession?.();
        return;
    }
    const s = this.session;
    if (!s) {
      this.toast('No session is open.', 'warning');
      return;
    }
    switch (message.type) {
      case 'stop':
        s.stopTurn();
        return;
      case 'retry':
        this.retry(s);
        return;
      case 'approvalAnswer':
        this.answerApproval(s, message);
        return;
      case 'reviewProposal':
        if (!s.pendingApprovals.includes(message.id)) {
          this.toast('That approval is no longer pending.', 'warning');
          return;
        }
        if (!this.feed?.proposalOf(message.id) || !this.deps.reviewProposal) {
          this.toast('This request has no proposed file content to review.', 'warning');
          return;
        }
        await this.deps.reviewProposal(s, message.id);
        return;
      case 'restoreTurn':
        await this.restoreTurn(s, message.turnId, message.requester);
        return;
      case 'askUserAnswer':
        if (!s.pendingQuestions.includes(message.id)) {
          this.toast('That question is no longer waiting for an answer.', 'warning');
          return;
        }
        s.answerQuestion(message.id, message.answer);
        return;
      case 'escalationReply': {
        const colony = colonySourceOf(s);
        if (!colony) throw new Error('this session has no colony');
        await colony.replyToEscalation(message.requestId, message.text);
        this.deps.post({ type: 'colony', colony: colonyView(s, this.deps.log) });
        return;
      }
      case 'triggerAction':
        await this.triggerAction(s, message);
        return;
      case 'copyWebhookSecret':
        await this.copySecret(s, message.triggerId);
        return;
      case 'attachText':
        await this.attachText(s, message.text);
        return;
      case 'setModel':
        await setSessionModel(s, message.model);
        this.postModelChoice();
        return;
    }
  }

  /** The header's picker after a switch or a settings change. */
  postModelChoice(): void {
    const s = this.session;
    if (!s || !this.deps.models || !this.forwarding) return;
    this.deps.post({ type: 'modelChoice', modelChoice: modelChoiceOf(s, this.deps.models()) });
  }

  /** Keeps a paste too long for a message in the session's data folder; the draft gets its reference. */
  private async attachText(s: ChatSession, text: string): Promise<void> {
    const dir = (s as { dir?: unknown }).dir;
    if (typeof dir !== 'string') throw new Error('this session has no folder to keep the text in');
    const saved = await savePastedText(dir, text);
    this.deps.post({ type: 'attached', reference: saved.reference });
  }

  private async send(text: string): Promise<void> {
    const s = this.session;
    if (s && !s.stopped) {
      this.run(s, 'send', () => s.send(text));
      return;
    }
    if (s?.stopped && this.deps.resumeSession) {
      const resumed = await this.deps.resumeSession(s.id);
      this.attach(resumed);
      this.run(resumed, 'send', () => resumed.send(text));
      return;
    }
    if (this.creating) {
      this.toast('A session is starting; wait a moment.', 'info');
      return;
    }
    this.creating = true;
    this.toast('Starting a new session…', 'info');
    try {
      const created = await this.deps.createSession(text);
      this.firstMessage = { sessionId: created.id, text };
      this.attach(created);
    } finally {
      this.creating = false;
    }
  }

  private retry(s: ChatSession): void {
    if (s.busy) {
      this.toast('The queen is still working; stop the turn first.', 'info');
      return;
    }
    this.feed?.retried();
    this.run(s, 'retry', () => s.retry());
  }

  private answerApproval(s: ChatSession, m: WebviewMessageOf<'approvalAnswer'>): void {
    if (!s.pendingApprovals.includes(m.id)) {
      this.toast('That approval is no longer pending.', 'warning');
      return;
    }
    if (m.approve && !this.deps.isTrusted()) {
      // Workspace Trust: tools cannot run in Restricted Mode, whatever the page sends.
      s.answerApproval(m.id, 'deny');
      this.toast('Tools cannot run in Restricted Mode: the call was denied.', 'warning');
      return;
    }
    if (!m.approve) {
      s.answerApproval(m.id, 'deny');
      return;
    }
    // The diff editor may hold the user's edits of the proposal: those are what gets written.
    const content = this.feed?.proposalOf(m.id) ? this.deps.editedProposal?.(m.id) : undefined;
    s.answerApproval(m.id, 'approve', {
      always: m.alwaysForCategory === true,
      ...(content !== undefined ? { content } : {}),
    });
  }

  /** Every file the agent changed in the session shown, from its checkpoint journal. */
  async changedFiles(): Promise<string[]> {
    const journal = this.session?.checkpoints;
    if (!journal) return [];
    const entries = await journal.entries();
    return [...new Set(entries.flatMap((e) => (e.kind === 'change' ? [e.path] : [])))].sort();
  }

  /**
   * Undoes the agent's changes to `file` (all files when undefined), as the model's undo_changes does;
   * files the user changed since are kept unless they confirm. Returns the notice posted to the chat.
   */
  async undoChanges(file: string | undefined): Promise<string> {
    let s = this.session;
    if (!s) throw new Error('no session is shown in the chat');
    if ((s.stopped || !s.checkpoints) && this.deps.resumeSession) {
      s = await this.deps.resumeSession(s.id);
      this.attach(s);
    }
    const journal = s.checkpoints;
    if (!journal) throw new Error('this session cannot undo changes');
    const chosen = async () =>
      (await journal.entries()).filter((e) => e.kind === 'change' && (file === undefined || e.path === file));
    let result = await journal.restore(await chosen(), false);
    if (result.conflicts.length > 0 && (await this.deps.confirmOverwrite?.(result.conflicts))) {
      const again = await journal.restore(
        (await chosen()).filter((e) => result.conflicts.includes(e.path)),
        true,
      );
      result = {
        restored: [...new Set([...result.restored, ...again.restored])],
        conflicts: again.conflicts,
      };
    }
    const notice = restoreNotice(result, this.nextNoticeId(), 'to before the agent changed them');
    this.deps.post({ type: 'message', message: notice });
    return notice.text;
  }

  /** Restores a turn's files; on conflicts the user decides (modal) whether to overwrite their edits. */
  async restoreTurn(s: ChatSession, turnId: string, requester = 'queen'): Promise<void> {
    const known = [...(this.feed?.changes.rows() ?? []), ...(this.replayed?.rows ?? [])];
    const row = known.find(
      (r) => r.message.kind === 'changes' && r.message.requester === requester && r.message.turnId === turnId,
    )?.message;
    try {
      // The turn is the seq of the assistant part that made the change (a number), in the queen's
      // conversation or the worker's.
      if (!/^\d+$/.test(turnId)) throw new Error(`"${turnId}" is not a turn of this session`);
      const turn = Number(turnId);
      let target = s;
      if ((s.stopped || !s.restoreFilesBeforeTurn) && this.deps.resumeSession) {
        target = await this.deps.resumeSession(s.id);
        this.attach(target);
      }
      if (!target.restoreFilesBeforeTurn) throw new Error('this session cannot restore files');
      let result = await target.restoreFilesBeforeTurn(turn, { requester });
      let forced: string[] = [];
      if (result.conflicts.length > 0 && (await this.deps.confirmOverwrite?.(result.conflicts))) {
        const again = await target.restoreFilesBeforeTurn(turn, { force: true, requester });
        forced = again.restored.filter((f) => !result.restored.includes(f));
        result = { restored: [...result.restored, ...forced], conflicts: again.conflicts };
      }
      this.deps.post({ type: 'message', message: restoreNotice(result, this.nextNoticeId()) });
    } finally {
      // The row's button works again (the page marked it "Restoring…").
      if (row) this.deps.post({ type: 'message', message: row });
    }
  }

  private noticeCounter = 0;
  private nextNoticeId(): string {
    return `restore-${Date.now().toString(36)}-${++this.noticeCounter}`;
  }

  private async triggerAction(s: ChatSession, m: WebviewMessageOf<'triggerAction'>): Promise<void> {
    const triggers = triggerSourceOf(s);
    if (!triggers) throw new Error('this session has no triggers');
    if (m.action === 'activate') await triggers.activate(m.triggerId);
    else if (m.action === 'deactivate') await triggers.deactivate(m.triggerId);
    else {
      await triggers.runNow(m.triggerId);
      this.toast('Trigger fired.', 'info');
    }
    this.deps.post({
      type: 'triggers',
      triggers: triggerViews(s, this.deps.log),
      problems: triggerProblemViews(s),
    });
  }

  private async copySecret(s: ChatSession, triggerId: string): Promise<void> {
    const triggers = triggerSourceOf(s);
    if (!triggers) throw new Error('this session has no triggers');
    const secret = await triggers.webhookSecret(triggerId);
    if (!secret) {
      this.toast('This trigger has no webhook secret.', 'warning');
      return;
    }
    await this.deps.writeClipboard(secret);
    this.toast('Webhook secret copied to the clipboard.', 'info');
  }

  /** A session call that runs a turn: not awaited (it lasts the whole turn), failures reported. */
  private run(s: ChatSession, what: string, call: () => Promise<void>): void {
    let p: Promise<void>;
    try {
      p = call();
    } catch (err) {
      p = Promise.reject(err);
    }
    this.sessionChanged();
    p.then(
      () => this.sessionChanged(),
      (err: unknown) => {
        this.deps.log.warn(`Chat: ${what} on ${s.id} failed: ${errorText(err)}`);
        if (s === this.session) this.toast(`Could not ${what}: ${errorText(err)}`, 'error');
        this.sessionChanged();
      },
    );
  }

  private toast(text: string, level: 'info' | 'warning' | 'error'): void {
    this.deps.post({ type: 'toast', text, level });
  }
}

/** A stopped session's badge says so (its last phase would suggest it still works). */
function shownPhase(s: ChatSession): string {
  return s.stopped ? COLD_PHASE : s.phase;
}

function restoreNotice(
  r: { restored: string[]; conflicts: string[] },
  id: string,
  when = 'to before this turn',
): Extract<ChatMessage, { kind: 'notice' }> {
  const parts: string[] = [];
  if (r.restored.length) parts.push(`Restored ${r.restored.join(', ')} ${when}.`);
  else parts.push('No file was restored.');
  if (r.conflicts.length)
    parts.push(`Kept your own changes to ${r.conflicts.join(', ')} (changed after the agent wrote them).`);
  return { kind: 'notice', id, text: parts.join(' '), level: r.conflicts.length ? 'warning' : 'info' };
}

function describeAction(type: WebviewToHost['type']): string {
  const names: Partial<Record<WebviewToHost['type'], string>> = {
    restoreTurn: 'Restoring the files',
    reviewProposal: 'Opening the diff',
    sendMessage: 'Sending',
    mentionQuery: 'Looking up files to mention',
    attachText: 'Attaching the pasted text',
    escalationReply: 'Replying to the worker',
    triggerAction: 'The trigger action',
    copyWebhookSecret: 'Copying the webhook secret',
  };
  return names[type] ?? type;
}
