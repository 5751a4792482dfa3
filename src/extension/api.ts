// What activate() returns: a small surface for the extension-host tests (and other extensions) to
// observe the extension without UI. Nothing here exposes the API key.
import type { SessionManager } from '../runtime/session';
import type { ColoniesTreeProvider } from './colonies/colonies-tree';
import type { SessionsTreeProvider } from './tree/sessions-tree';

export interface HiveExtensionApi {
  readonly sessionsTree: SessionsTreeProvider;
  readonly coloniesTree: ColoniesTreeProvider;
  hiveHome(): string;
  getManager(): Promise<SessionManager>;
  /** Where the API key comes from now ('secret-storage', 'env:ANTHROPIC_API_KEY', … or 'none'). */
  keySource(): Promise<string>;
  /** The status bar text ('' when hidden). */
  statusText(): string;
  /** Workspace folders and where their colony definition is (undefined: none). */
  workspaceColonies(): Promise<{ name: string; folder: string; colonyDir?: string }[]>;
  /** The session the chat shows. */
  activeSessionId(): string | undefined;
  /** Requests waiting for the user: how many, the Sessions view's badge, the notifications shown. */
  attention(): { pending: number; badge: number; notifications: string[] };
}
