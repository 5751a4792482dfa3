// In-memory files behind the diff review: `hive-proposal:` holds the agent's proposed content (the
// editable right side; the user's edits and saves stay here until they approve) and
// `hive-proposal-base:` the file as it was when the agent asked (the read-only left side; empty for a
// new file). Nothing touches the workspace until the approved content is written by the runtime.
// Cline and Roo Code show the same diff, original ↔ proposal, "(Editable)".
import * as vscode from 'vscode';

export const PROPOSAL_SCHEME = 'hive-proposal';
export const BASE_SCHEME = 'hive-proposal-base';

interface Entry {
  data: Uint8Array;
  mtime: number;
  ctime: number;
}

export class MemoryFiles implements vscode.FileSystemProvider {
  private readonly files = new Map<string, Entry>();
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;

  set(uri: vscode.Uri, text: string): void {
    const now = Date.now();
    this.files.set(uri.path, { data: new TextEncoder().encode(text), mtime: now, ctime: now });
    this.changed.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  get(uri: vscode.Uri): string | undefined {
    const e = this.files.get(uri.path);
    return e ? new TextDecoder().decode(e.data) : undefined;
  }

  drop(uri: vscode.Uri): void {
    if (this.files.delete(uri.path)) this.changed.fire([{ type: vscode.FileChangeType.Deleted, uri }]);
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => {});
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const e = this.files.get(uri.path);
    if (e) return { type: vscode.FileType.File, ctime: e.ctime, mtime: e.mtime, size: e.data.byteLength };
    // Parent folders of a proposal exist implicitly (the editor stats them for breadcrumbs).
    const prefix = uri.path.endsWith('/') ? uri.path : `${uri.path}/`;
    for (const key of this.files.keys())
      if (key.startsWith(prefix)) return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    throw vscode.FileSystemError.FileNotFound(uri);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  readFile(uri: vscode.Uri): Uint8Array {
    const e = this.files.get(uri.path);
    if (!e) throw vscode.FileSystemError.FileNotFound(uri);
    return e.data;
  }

  /** A save of the proposal editor: kept, it is what Approve writes. Only proposals under review exist. */
  writeFile(uri: vscode.Uri, content: Uint8Array): void {
    const e = this.files.get(uri.path);
    if (!e) throw vscode.FileSystemError.NoPermissions('This proposal is no longer under review.');
    this.files.set(uri.path, { data: content, mtime: Date.now(), ctime: e.ctime });
    this.changed.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
