// Quick picks used by the commands when no argument names the session, folder or trigger.
import path from 'node:path';
import * as vscode from 'vscode';
import type { LiveSessionSummary } from '../runtime/session/types';
import type { ColdSessionEntry } from '../runtime/storage/cold-sessions';
import { colonyDisplayName } from '../shared/display-names';
import { queenLabel } from './queen-names';
import { plainPreview } from './tree/plain-preview';
import { relativeTime } from './tree/relative-time';

/** Cold sessions offered in one quick pick (the newest; the tree pages the rest). */
const COLD_PICK_LIMIT = 1000;

export async function pickLiveSession(
  live: LiveSessionSummary[],
  title: string,
): Promise<string | undefined> {
  if (live.length === 0) {
    void vscode.window.showInformationMessage('Hive: no session is running.');
    return undefined;
  }
  if (live.length === 1) return live[0]!.session_id;
  const picked = await vscode.window.showQuickPick(
    live.map((s) => ({
      label: `$(${s.busy ? 'loading~spin' : 'circle-filled'}) ${queenLabel(s.queen_id)}`,
      description: [s.phase, s.colony_name && colonyDisplayName(s.colony_name)].filter(Boolean).join(' · '),
      detail: s.session_id,
      id: s.session_id,
    })),
    { title, placeHolder: 'Pick a running session' },
  );
  return picked?.id;
}

export async function pickColdSession(
  rows: ColdSessionEntry[],
  title: string,
  opts: { includeDamaged?: boolean } = {},
): Promise<string | undefined> {
  const usable = rows.filter((r) => opts.includeDamaged || !r.damaged).slice(0, COLD_PICK_LIMIT);
  if (usable.length === 0) {
    void vscode.window.showInformationMessage('Hive: there are no past sessions in this Hive home.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    usable.map((r) => {
      // Titled by what the user asked; the latest reply and the id below (both searchable).
      const title = plainPreview(r.first_message ?? undefined);
      const reply = plainPreview(r.last_message ?? undefined);
      return {
        label: `$(${r.damaged ? 'warning' : 'history'}) ${oneLine(title ?? reply ?? '') || r.session_id}`,
        description: [
          relativeTime(r.last_active_at),
          `${r.message_count} msg`,
          r.queen_id && queenLabel(r.queen_id),
          r.colony_id && colonyDisplayName(r.colony_id),
        ]
          .filter(Boolean)
          .join(' · '),
        detail: r.damaged
          ? `damaged: ${r.damaged.reason}`
          : [title ? reply : undefined, r.session_id].filter(Boolean).join(' · '),
        id: r.session_id,
      };
    }),
    {
      title,
      placeHolder:
        'Pick a session (type to search what was asked, the replies, the queen or colony, or the id)',
      matchOnDescription: true,
      matchOnDetail: true,
    },
  );
  return picked?.id;
}

export interface FolderChoice {
  uri: vscode.Uri;
  name: string;
  /** Where its colony definition is, when it has one. */
  colonyDir?: string;
}

export async function pickFolder(
  choices: FolderChoice[],
  title: string,
  opts: { browseLabel: string },
): Promise<vscode.Uri | undefined> {
  const browse = { label: `$(folder-opened) ${opts.browseLabel}`, uri: undefined as vscode.Uri | undefined };
  const items = [
    ...choices.map((c) => ({
      label: `$(${c.colonyDir ? 'organization' : 'folder'}) ${c.name}`,
      description: c.colonyDir
        ? `colony in ${path.relative(c.uri.fsPath, c.colonyDir) || 'the folder root'}`
        : 'no colony yet',
      detail: c.uri.fsPath,
      uri: c.uri as vscode.Uri | undefined,
    })),
    browse,
  ];
  const picked = await vscode.window.showQuickPick(items, { title });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const chosen = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Select Folder',
    title,
  });
  return chosen?.[0];
}

function oneLine(text: string | null): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}
