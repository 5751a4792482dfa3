// The Sessions tree's node types and how each is shown (label, description, tooltip, icon, menus).
import * as vscode from 'vscode';
import type { LiveSessionSummary } from '../../runtime/session/types';
import type { ColdSessionEntry } from '../../runtime/storage/cold-sessions';
import { isSessionLocked } from '../../runtime/storage/session-lock';
import { colonyDisplayName } from '../../shared/display-names';
import { queenLabel, queenLabelWithId } from '../queen-names';
import { plainPreview } from './plain-preview';
import { formatDate, relativeTime } from './relative-time';

export interface LiveNode {
  kind: 'live';
  session: LiveSessionSummary;
  /** Preview from the index when the session already has messages on disk. */
  cold?: ColdSessionEntry;
}
export interface GroupNode {
  kind: 'group';
  key: string;
  queenId: string;
  colonyId: string | null;
  rows: ColdSessionEntry[];
  expanded: boolean;
  /** Rows of sessions live now (shown above the groups, not in this one). */
  liveCount?: number;
  /** Its rows are the matches of a history search: shown open. */
  filtered?: boolean;
}
export interface ColdNode {
  kind: 'cold';
  entry: ColdSessionEntry;
}
export interface MoreNode {
  kind: 'more';
  group: GroupNode;
  shown: number;
}
export interface NoticeNode {
  kind: 'notice';
  message: string;
  detail?: string;
}
export type SessionNode = LiveNode | GroupNode | ColdNode | MoreNode | NoticeNode;

/** The session id a command was given: an id string or a tree node. */
export function sessionIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const n = arg as Partial<SessionNode> | undefined;
  if (n?.kind === 'live') return (n as LiveNode).session.session_id;
  if (n?.kind === 'cold') return (n as ColdNode).entry.session_id;
  return undefined;
}

export function treeItemOf(node: SessionNode, now = Date.now()): vscode.TreeItem {
  switch (node.kind) {
    case 'live':
      return liveItem(node);
    case 'group':
      return groupItem(node);
    case 'cold':
      return coldItem(node.entry, now);
    case 'more': {
      const left = node.group.rows.length - node.shown;
      const item = new vscode.TreeItem(`Show more… (${left} more)`);
      item.id = `more:${node.group.key}:${node.shown}`;
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.contextValue = 'more';
      item.command = { command: 'hive.sessions.showMore', title: 'Show more', arguments: [node] };
      return item;
    }
    case 'notice': {
      const item = new vscode.TreeItem(node.message);
      item.iconPath = new vscode.ThemeIcon('info');
      item.tooltip = node.detail;
      item.contextValue = 'notice';
      return item;
    }
  }
}

function previewOf(e: ColdSessionEntry | undefined): string | undefined {
  return plainPreview(e?.last_message ?? undefined);
}

function messages(n: number): string {
  return `${n} message${n === 1 ? '' : 's'}`;
}

/** A row's title: the user's first message (Cline titles a task by its request). */
function titleOf(e: ColdSessionEntry | undefined): string | undefined {
  return plainPreview(e?.first_message ?? undefined);
}

function liveItem(node: LiveNode): vscode.TreeItem {
  const s = node.session;
  const queen = queenLabel(s.queen_id);
  const colony = s.colony_name ? colonyDisplayName(s.colony_name) : null;
  const item = new vscode.TreeItem(titleOf(node.cold) ?? `${queen}: new session`);
  item.id = `live:${s.session_id}`;
  // "replying" for a turn in progress: "working" is also the name of a phase.
  const state = s.busy ? 'replying…' : 'idle';
  item.description = ['live', state, queen, colony, previewOf(node.cold)].filter(Boolean).join(' · ');
  item.iconPath = s.busy
    ? new vscode.ThemeIcon('loading~spin')
    : new vscode.ThemeIcon('circle-filled', new vscode.ThemeColor('charts.green'));
  item.contextValue = 'session.live';
  item.command = { command: 'hive.openChat', title: 'Open Chat', arguments: [s.session_id] };
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**Live session** — ${mdEscape(queen)}\n\n`);
  const latest = previewOf(node.cold);
  if (latest) md.appendMarkdown(`${mdEscape(shorten(latest, 300))}\n\n`);
  md.appendMarkdown(`- State: ${s.busy ? 'replying' : 'idle, waiting for your message'}\n`);
  md.appendMarkdown(`- Session: \`${s.session_id}\`\n- Phase: ${mdEscape(s.phase)}\n`);
  md.appendMarkdown(`- Queen: ${mdEscape(queenLabelWithId(s.queen_id))}\n`);
  if (s.colony_name) md.appendMarkdown(`- Colony: ${mdEscape(colony ?? '')} (\`${s.colony_name}\`)\n`);
  md.appendMarkdown(`- Folder: \`${s.dir}\`\n`);
  item.tooltip = md;
  return item;
}

function groupItem(node: GroupNode): vscode.TreeItem {
  const queen = queenLabel(node.queenId);
  const colony = node.colonyId ? colonyDisplayName(node.colonyId) : null;
  const label = colony ? `${colony} · ${queen}` : queen;
  const item = new vscode.TreeItem(
    label,
    node.expanded || node.filtered
      ? vscode.TreeItemCollapsibleState.Expanded
      : vscode.TreeItemCollapsibleState.Collapsed,
  );
  // Its own id while filtered, so VS Code opens it instead of restoring the unfiltered group's state.
  item.id = node.filtered ? `group-match:${node.key}` : `group:${node.key}`;
  // The rows shown: a session running now is listed above, not in its group.
  const shown = node.rows.length - (node.liveCount ?? 0);
  item.description = `${shown} session${shown === 1 ? '' : 's'}`;
  item.iconPath = new vscode.ThemeIcon(node.colonyId ? 'organization' : 'account');
  item.contextValue = node.colonyId ? 'group.colony' : 'group.queen';
  item.tooltip = node.colonyId
    ? `Sessions of ${queenLabelWithId(node.queenId)} in colony ${colony} (${node.colonyId})`
    : `Sessions with ${queenLabelWithId(node.queenId)}`;
  return item;
}

function coldItem(e: ColdSessionEntry, now: number): vscode.TreeItem {
  const damaged = e.damaged;
  const item = new vscode.TreeItem(
    titleOf(e) ?? previewOf(e) ?? (e.has_messages ? e.session_id : 'Empty session'),
  );
  item.id = `cold:${e.key}`;
  const when = relativeTime(e.last_active_at, now);
  // Listed as past but its lock is held: another VS Code window or a `hive chat` is running it.
  const elsewhere = !damaged && isSessionLocked(e.dir);
  item.description = damaged
    ? `damaged · ${shorten(damaged.reason, 60)}`
    : [
        when,
        messages(e.message_count),
        elsewhere ? 'open in another process' : '',
        titleOf(e) && previewOf(e),
      ]
        .filter(Boolean)
        .join(' · ');
  const colonyId = e.colony_id ?? (e.agent_path ? e.agent_name || 'colony' : null);
  const colony = e.colony_id ? colonyDisplayName(e.colony_id) : colonyId;
  item.iconPath = damaged
    ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
    : new vscode.ThemeIcon(colony ? 'organization' : 'history');
  item.contextValue = damaged ? 'session.cold.damaged' : 'session.cold';
  // A click shows the transcript (browsing); the inline action and the context menu resume it.
  if (!damaged) item.command = { command: 'hive.openChat', title: 'Open Chat', arguments: [e.session_id] };
  const md = new vscode.MarkdownString();
  md.appendMarkdown(damaged ? '**Damaged session**\n\n' : '**Session**\n\n');
  if (damaged) md.appendMarkdown(`> ${mdEscape(damaged.reason)}\n\n`);
  if (elsewhere)
    md.appendMarkdown('Running in another process (a VS Code window or `hive chat`): continue it there.\n\n');
  const title = titleOf(e);
  if (title) md.appendMarkdown(`**${mdEscape(shorten(title, 200))}**\n\n`);
  const preview = previewOf(e);
  if (preview) md.appendMarkdown(`${mdEscape(shorten(preview, 300))}\n\n`);
  md.appendMarkdown(`- Session: \`${e.session_id}\`\n`);
  if (e.queen_id) md.appendMarkdown(`- Queen: ${mdEscape(queenLabelWithId(e.queen_id))}\n`);
  if (colony) md.appendMarkdown(`- Colony: ${mdEscape(colony)}\n`);
  md.appendMarkdown(`- Created: ${formatDate(e.created_at)}\n`);
  md.appendMarkdown(`- Last activity: ${formatDate(e.last_active_at)} (${when})\n`);
  md.appendMarkdown(`- ${messages(e.message_count)}\n`);
  if (e.layout === 'seed') md.appendMarkdown('- Layout: seed-era (agents/queens)\n');
  md.appendMarkdown(`- Folder: \`${e.dir}\`\n`);
  item.tooltip = md;
  return item;
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Markdown-escapes text from files (no links, no HTML, no emphasis). */
function mdEscape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}
