// "Hive: New Session" asks who to talk to: a queen by her display name, or "Let the model pick", which
// asks for the first message and lets the selector model choose from it, as Hive does when a session
// starts without a queen (Hive: core/framework/server/session_manager.py, select_queen on the first
// message; falls back to the default queen when the model cannot answer).
import * as vscode from 'vscode';
import { queenDisplayName } from '../shared/display-names';

export interface QueenOption {
  queen_id: string;
  name: string;
  title: string;
}

/** What the user chose: a queen (and no message yet), or the model picks from `firstMessage`. */
export type QueenPick = { queenId: string } | { firstMessage: string };

type Item = vscode.QuickPickItem & { queenId?: string };

export async function pickQueen(queens: readonly QueenOption[]): Promise<QueenPick | undefined> {
  const items: Item[] = [
    {
      label: '$(sparkle) Let the model pick',
      description: 'from your first message',
      detail: 'Write what you want done; the queen best placed for it takes the session.',
    },
    { label: 'Queens', kind: vscode.QuickPickItemKind.Separator },
    ...queens.map((q) => ({
      label: `$(person) ${queenDisplayName({ id: q.queen_id, name: q.name, title: q.title })}`,
      description: q.queen_id,
      queenId: q.queen_id,
    })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Hive: New Session',
    placeHolder: 'Who do you want to work with?',
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  if (picked.queenId) return { queenId: picked.queenId };
  const firstMessage = await vscode.window.showInputBox({
    title: 'Hive: New Session — let the model pick the queen',
    prompt: 'Your first message: the model picks the queen best placed to answer it.',
    placeHolder: 'e.g. Set up CI for this repository',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Write what you want done, so the model can choose.'),
  });
  return firstMessage?.trim() ? { firstMessage: firstMessage.trim() } : undefined;
}
