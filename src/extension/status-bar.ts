// Status bar: the active session's queen, with a spinner while she works; a click opens the chat.
// A request waiting for the user (approval, question) takes over: warning colours, a click shows it.
import * as vscode from 'vscode';
import { queenDisplayName } from '../shared/display-names';
import type { Attention } from './attention/attention';
import type { RuntimeHost } from './runtime-host';

export class SessionStatusBar implements vscode.Disposable {
  /** Created when there is first something to show (no live session at activation). */
  private item: vscode.StatusBarItem | undefined;
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly runtime: RuntimeHost,
    private readonly active: () => string | undefined,
    private readonly attention?: Attention,
  ) {
    this.subs.push(runtime.onDidChangeLive(() => this.update()));
    if (attention) this.subs.push(attention.onDidChange(() => this.update()));
    this.update();
  }

  /** The session shown: the chat's, else the only (or first) live one. */
  activeSession() {
    const live = this.runtime.peekManager()?.list() ?? [];
    const id = this.active();
    return live.find((s) => s.session_id === id) ?? live[0];
  }

  update(): void {
    const s = this.activeSession();
    if (!s) {
      this.item?.hide();
      return;
    }
    if (!this.item) {
      this.item = vscode.window.createStatusBarItem('hive.session', vscode.StatusBarAlignment.Left, 50);
      this.item.name = 'Hive Session';
      this.item.command = 'hive.openChat';
    }
    const count = this.runtime.peekManager()?.list().length ?? 0;
    const queen = this.runtime.peekManager()?.get(s.session_id)?.queen;
    const name = queen
      ? queenDisplayName({ id: queen.queen_id, name: queen.name, title: queen.title })
      : s.queen_name;
    const waiting = this.attention?.first();
    if (waiting) {
      const what = waiting.kind === 'approval' ? 'needs approval' : 'has a question';
      const more = (this.attention?.count ?? 1) > 1 ? ` (${this.attention?.count})` : '';
      this.item.text = `$(bell-dot) ${waiting.queen}: ${what}${more}`;
      this.item.tooltip = `Hive: ${waiting.queen} ${what}\nSession ${waiting.sessionId}\nClick to show it`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      this.item.command = { title: 'Show', command: 'hive.openChat', arguments: [waiting.sessionId] };
      this.item.accessibilityInformation = { label: `Hive: ${waiting.queen} ${what}` };
      this.item.show();
      return;
    }
    this.item.backgroundColor = undefined;
    this.item.command = 'hive.openChat';
    this.item.text = `${s.busy ? '$(loading~spin)' : '$(hubot)'} ${name}${count > 1 ? ` +${count - 1}` : ''}`;
    this.item.tooltip = `Hive: ${name} (${s.busy ? 'working' : s.phase})${
      s.colony_name ? ` · colony ${s.colony_name}` : ''
    }\nSession ${s.session_id}\nClick to open the chat`;
    this.item.accessibilityInformation = {
      label: `Hive session with ${name}, ${s.busy ? 'working' : 'idle'}`,
    };
    this.item.show();
  }

  /** What the status bar shows ('' when hidden). */
  get text(): string {
    return this.activeSession() ? (this.item?.text ?? '') : '';
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.item?.dispose();
  }
}
