// The chat panel host: owns the WebviewPanel, serves the HTML under a strict CSP, validates every
// message from the (untrusted) webview, and gives the session bridge a typed `post` / `onMessage`.
//
// retainContextWhenHidden is off: a hidden panel costs no memory, and VS Code rebuilds the page when
// it is shown again. The page then sends `ready` once more; whoever listens (the bridge) answers with a
// fresh `snapshot` and history pages. Posts made while the page is not ready are dropped (post
// resolves false), never queued, so a rebuilt page cannot receive events twice.
import * as vscode from 'vscode';
import {
  type HostToWebview,
  parseWebviewMessage,
  type WebviewMessageOf,
  type WebviewToHost,
} from '../../shared/protocol';
import { chatHtml, newNonce } from './chat-html';

export type ChatMessageHandler = (message: WebviewToHost) => void | Promise<void>;

/** Logs the first few invalid messages, then one in a hundred (a broken page must not flood the log). */
const LOG_FIRST_INVALID = 20;

export class ChatPanel implements vscode.Disposable {
  static readonly viewType = 'hive.chat';
  private static currentPanel: ChatPanel | undefined;
  private static readonly created = new vscode.EventEmitter<ChatPanel>();
  /** Fires for every new panel, so the bridge can attach to panels opened from anywhere. */
  static readonly onDidCreate: vscode.Event<ChatPanel> = ChatPanel.created.event;

  private readonly handlers = new Set<ChatMessageHandler>();
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose: vscode.Event<void> = this.disposed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private ready = false;
  private invalidCount = 0;
  private isDisposed = false;

  /** The open panel, if any. */
  static get current(): ChatPanel | undefined {
    return ChatPanel.currentPanel;
  }

  /** Reveals the open panel, or creates one (empty state until the bridge posts a snapshot). */
  static show(extensionUri: vscode.Uri, log: vscode.LogOutputChannel, column?: vscode.ViewColumn): ChatPanel {
    const existing = ChatPanel.currentPanel;
    if (existing) {
      existing.panel.reveal(column);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      ChatPanel.viewType,
      'Hive Chat',
      column ?? vscode.ViewColumn.Active,
      {
        enableScripts: true,
        enableForms: false,
        enableCommandUris: false,
        retainContextWhenHidden: false,
        localResourceRoots: [
          vscode.Uri.joinPath(extensionUri, 'dist'),
          vscode.Uri.joinPath(extensionUri, 'media'),
        ],
      },
    );
    const chat = new ChatPanel(panel, extensionUri, log);
    ChatPanel.currentPanel = chat;
    ChatPanel.created.fire(chat);
    return chat;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'hive.svg');
    const webview = panel.webview;
    webview.html = chatHtml({
      cspSource: webview.cspSource,
      bootUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview-boot.js')).toString(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.css')).toString(),
      nonce: newNonce(),
    });
    this.subscriptions.push(
      webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState(() => {
        // Hidden without retained context = the page is gone; it says `ready` again when rebuilt.
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** True between the page's `ready` and the moment it is hidden or closed. */
  get isReady(): boolean {
    return this.ready;
  }

  /** Sends a message to the page. Resolves false (message dropped) while the page is not ready. */
  async post(message: HostToWebview): Promise<boolean> {
    if (this.isDisposed || !this.ready) return false;
    try {
      return await this.panel.webview.postMessage(message);
    } catch (err) {
      this.log.warn(`Chat panel: could not post "${message.type}": ${errorText(err)}`);
      return false;
    }
  }

  /**
   * Every valid message from the page, `ready` included. Invalid ones are logged and dropped.
   * `copyText` and `openLink` are already handled by the panel itself; the bridge can ignore them.
   */
  onMessage(handler: ChatMessageHandler): vscode.Disposable {
    this.handlers.add(handler);
    return new vscode.Disposable(() => this.handlers.delete(handler));
  }

  reveal(column?: vscode.ViewColumn): void {
    this.panel.reveal(column);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.ready = false;
    if (ChatPanel.currentPanel === this) ChatPanel.currentPanel = undefined;
    this.disposed.fire();
    this.disposed.dispose();
    this.handlers.clear();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.panel.dispose();
  }

  private receive(raw: unknown): void {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.invalidCount++;
      if (this.invalidCount <= LOG_FIRST_INVALID || this.invalidCount % 100 === 0) {
        this.log.warn(`Chat panel: dropped a message (${this.invalidCount} so far): ${parsed.error}`);
      }
      return;
    }
    const message = parsed.message;
    if (message.type === 'ready') this.ready = true;
    else if (message.type === 'copyText' || message.type === 'openLink') void this.handleLocally(message);
    for (const handler of this.handlers) {
      try {
        const result = handler(message);
        if (result instanceof Promise) {
          result.catch((err: unknown) => this.handlerFailed(message.type, err));
        }
      } catch (err) {
        this.handlerFailed(message.type, err);
      }
    }
  }

  /** Copying code and opening links are the panel's own business: no session needed. */
  private async handleLocally(message: WebviewMessageOf<'copyText' | 'openLink'>): Promise<void> {
    try {
      if (message.type === 'copyText') await vscode.env.clipboard.writeText(message.text);
      // The URL was checked to be http(s)/mailto; VS Code still asks before opening untrusted domains.
      else await vscode.env.openExternal(vscode.Uri.parse(message.url, true));
    } catch (err) {
      this.log.warn(`Chat panel: ${message.type} failed: ${errorText(err)}`);
    }
  }

  private handlerFailed(type: string, err: unknown): void {
    this.log.error(`Chat panel: handler for "${type}" failed: ${errorText(err)}`);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
