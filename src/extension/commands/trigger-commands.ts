// Activate / Deactivate / Run Trigger, over the live session's triggers (the colony runtime's
// SessionTriggers). Typed against the small interface below so this file does not depend on how the
// runtime builds them.
import * as vscode from 'vscode';
import type { LiveSession } from '../../runtime/session';
import { pickLiveSession } from '../pickers';
import { type HiveServices, info, reportError } from '../services';
import { sessionIdOf } from '../tree/nodes';

export interface TriggerInfo {
  trigger_id: string;
  trigger_type: string;
  name: string;
  active: boolean;
  schedule_text?: string;
}

export interface SessionTriggersLike {
  list(): TriggerInfo[] | Promise<TriggerInfo[]>;
  activate(id: string): Promise<unknown>;
  deactivate(id: string): Promise<unknown>;
  runNow(id: string): Promise<unknown>;
}

type Action = 'activate' | 'deactivate' | 'runNow';

const titles: Record<Action, string> = {
  activate: 'Activate Trigger',
  deactivate: 'Deactivate Trigger',
  runNow: 'Run Trigger',
};

export function triggersOf(session: LiveSession | undefined): SessionTriggersLike | undefined {
  const t = (session as { triggers?: unknown } | undefined)?.triggers as Partial<SessionTriggersLike> | null;
  return t && typeof t.list === 'function' ? (t as SessionTriggersLike) : undefined;
}

export function registerTriggerCommands(s: HiveServices): vscode.Disposable[] {
  const { runtime, log } = s;

  /** Arguments: (sessionId or tree node?, triggerId?). Returns whether the action ran. */
  const run = async (action: Action, arg?: unknown, triggerArg?: unknown): Promise<boolean> => {
    const title = `Hive: ${titles[action]}`;
    try {
      if (!vscode.workspace.isTrusted) {
        info(
          'Hive: triggers run colony work, which Restricted Mode does not allow. Trust the workspace first.',
        );
        return false;
      }
      const id =
        sessionIdOf(arg) ??
        (s.activeSessionId() && runtime.isLive(s.activeSessionId()!)
          ? s.activeSessionId()
          : await pickLiveSession(runtime.peekManager()?.list() ?? [], title));
      if (!id) return false;
      const triggers = triggersOf(runtime.liveSession(id));
      if (!triggers) {
        info(`Hive: session ${id} has no colony with triggers loaded.`);
        return false;
      }
      const all = await triggers.list();
      const candidates = all.filter((t) =>
        action === 'activate' ? !t.active : action === 'deactivate' ? t.active : true,
      );
      let triggerId = typeof triggerArg === 'string' ? triggerArg : undefined;
      if (!triggerId) {
        if (candidates.length === 0) {
          info(`Hive: no trigger to ${titles[action].split(' ')[0]!.toLowerCase()} in this session.`);
          return false;
        }
        const picked = await vscode.window.showQuickPick(
          candidates.map((t) => ({
            label: `$(${t.trigger_type === 'webhook' ? 'globe' : 'watch'}) ${t.name}`,
            description: [t.active ? 'active' : 'inactive', t.schedule_text].filter(Boolean).join(' · '),
            detail: t.trigger_id,
            id: t.trigger_id,
          })),
          { title },
        );
        triggerId = picked?.id;
      }
      if (!triggerId) return false;
      await triggers[action](triggerId);
      log.info(`${titles[action]}: ${triggerId} in session ${id}`);
      return true;
    } catch (err) {
      reportError(log, titles[action], err);
      return false;
    }
  };

  return [
    vscode.commands.registerCommand('hive.activateTrigger', (a?: unknown, t?: unknown) =>
      run('activate', a, t),
    ),
    vscode.commands.registerCommand('hive.deactivateTrigger', (a?: unknown, t?: unknown) =>
      run('deactivate', a, t),
    ),
    vscode.commands.registerCommand('hive.runTrigger', (a?: unknown, t?: unknown) => run('runNow', a, t)),
  ];
}
