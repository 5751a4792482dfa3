// Status bar: the active session's queen, with a spinner while she works; a click opens the chat.
import * as vscode from 'vscode';
import type { RuntimeHost } from './runtimeHost';

export class SessionStatusBar implements vscode.Disposable {
  /** Created when there is first something to show (no live session at activation). */
  private item: vscode.StatusBarItem | undefined;
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly runtime: RuntimeHost,
    private readonly active: () => string | undefined,
  ) {
    this.subs.push(runtime.onDidChangeLive(() => this.update()));
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
    this.item.text = `${s.busy ? '$(loading~spin)' : '$(hubot)'} ${s.queen_name}${count > 1 ? ` +${count - 1}` : ''}`;
    this.item.tooltip = `Hive: ${s.queen_name} (${s.busy ? 'working' : s.phase})${
      s.colony_name ? ` · colony ${s.colony_name}` : ''
    }\nSession ${s.session_id}\nClick to open the chat`;
    this.item.accessibilityInformation = {
      label: `Hive session with ${s.queen_name}, ${s.busy ? 'working' : 'idle'}`,
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
