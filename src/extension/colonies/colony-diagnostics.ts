// Problems of colony files (src/runtime/colony/colony-problems.ts) in VS Code's Problems view: checked
// when a colony loads or is offered, when its files change on disk, and when one is saved in the editor.
import * as vscode from 'vscode';
import { sessionsModule } from '../bundles';

const COLONY_JSON = /[/\\]\.hive[/\\](metadata|worker|triggers|tools)\.json$/;

export class ColonyDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('hive');
  private readonly subs: vscode.Disposable[] = [this.collection];

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.subs.push(
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (doc.uri.scheme === 'file' && COLONY_JSON.test(doc.uri.fsPath))
          void this.check(vscode.Uri.joinPath(doc.uri, '..').fsPath);
      }),
    );
  }

  /** Re-checks every colony file of `colonyDir` and replaces their entries in the Problems view. */
  async check(colonyDir: string): Promise<void> {
    try {
      const results = await sessionsModule().checkColonyFiles(colonyDir);
      for (const [file, problems] of results) {
        this.collection.set(
          vscode.Uri.file(file),
          problems.map((p) => {
            const range = new vscode.Range(p.start.line, p.start.character, p.end.line, p.end.character);
            const d = new vscode.Diagnostic(
              range,
              p.message,
              p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
            );
            d.source = 'Hive';
            return d;
          }),
        );
      }
    } catch (err) {
      this.log.warn(`checking the colony files of ${colonyDir}: ${String(err)}`);
    }
  }

  /** Whether a changed file is one the check covers. */
  covers(file: string): boolean {
    return sessionsModule().isCheckedColonyFile(file);
  }

  /** The entries for `file` now (tests read them). */
  problemsOf(file: string): readonly vscode.Diagnostic[] {
    return this.collection.get(vscode.Uri.file(file)) ?? [];
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
