// Session commands: new, open, resume, stop, reveal, delete, refresh, logs, "Show more…".
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import type { CreateSessionOptions } from '../../runtime/session/types';
import { findSessionDir } from '../../runtime/storage/paths';
import { MissingApiKeyError } from '../missing-key';
import { pickColdSession, pickLiveSession } from '../pickers';
import { pickQueen } from '../queen-picker';
import { automationAllowed, type HiveServices, info, reportError } from '../services';
import { type MoreNode, sessionIdOf } from '../tree/nodes';

export function registerSessionCommands(s: HiveServices): vscode.Disposable[] {
  const { log, runtime, tree, chat } = s;
  const reg = vscode.commands.registerCommand;

  const liveList = () => runtime.peekManager()?.list() ?? [];

  /** A running session: the argument, else the chat's, else a pick among the running ones. */
  const liveTarget = async (arg: unknown, title: string): Promise<string | undefined> => {
    const id = sessionIdOf(arg);
    if (id) return id;
    const active = s.activeSessionId();
    if (active && runtime.isLive(active)) return active;
    return pickLiveSession(liveList(), title);
  };

  const coldRows = async () => {
    await tree.refresh();
    const live = new Set(liveList().map((l) => l.session_id));
    return runtime.index.list().filter((r) => !live.has(r.session_id));
  };

  /** Where a session lives on disk (live or cold), checked to be inside HIVE_HOME. */
  const sessionDir = (id: string): string | undefined => {
    const live = runtime
      .peekManager()
      ?.list()
      .find((l) => l.session_id === id);
    const dir = live?.dir ?? tree.coldEntry(id)?.dir ?? findSessionDir(runtime.hiveHome, id)?.dir;
    if (!dir) return undefined;
    const rel = path.relative(runtime.hiveHome, dir);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return dir;
  };

  return [
    reg('hive.newSession', async (opts?: Pick<CreateSessionOptions, 'queenId' | 'initialPrompt'>) => {
      try {
        // Ask for the key before anything is created (a session without one could not answer).
        if (!(await runtime.modelSettings()).apiKey) throw new MissingApiKeyError();
        const manager = await runtime.getManager();
        let queenId = typeof opts?.queenId === 'string' ? opts.queenId : undefined;
        let initialPrompt = typeof opts?.initialPrompt === 'string' ? opts.initialPrompt : undefined;
        // No queen named by the caller: the user picks one, or lets the model pick from a first message.
        if (!queenId && !initialPrompt) {
          const picked = await pickQueen(await manager.listQueens());
          if (!picked) return undefined;
          if ('queenId' in picked) queenId = picked.queenId;
          else initialPrompt = picked.firstMessage;
        }
        const session = await manager.createSession({ queenId, initialPrompt });
        log.info(`new session ${session.id} with ${session.queen.name}`);
        await chat.open(session.id);
        return session.id;
      } catch (err) {
        reportError(log, 'New Session', err);
        return undefined;
      }
    }),

    reg('hive.openChat', async (arg?: unknown) => {
      try {
        await chat.open(sessionIdOf(arg));
      } catch (err) {
        reportError(log, 'Open Chat', err);
      }
    }),

    reg('hive.resumeSession', async (arg?: unknown) => {
      try {
        const id = sessionIdOf(arg) ?? (await pickColdSession(await coldRows(), 'Hive: Resume Session'));
        if (!id) return undefined;
        await chat.open(id, { resume: true });
        log.info(`resumed session ${id}`);
        return id;
      } catch (err) {
        reportError(log, 'Resume Session', err);
        return undefined;
      }
    }),

    reg('hive.stopSession', async (arg?: unknown) => {
      try {
        const id = await liveTarget(arg, 'Hive: Stop Session');
        if (!id) return false;
        if (!runtime.isLive(id)) {
          info(`Hive: session ${id} is not running.`);
          return false;
        }
        await runtime.peekManager()?.stopSession(id);
        log.info(`stopped session ${id}`);
        return true;
      } catch (err) {
        reportError(log, 'Stop Session', err);
        return false;
      }
    }),

    reg('hive.revealSession', async (arg?: unknown) => {
      const id =
        sessionIdOf(arg) ??
        s.activeSessionId() ??
        (await pickColdSession(await coldRows(), 'Hive: Reveal Session Folder', { includeDamaged: true }));
      if (!id) return undefined;
      const dir = sessionDir(id);
      if (!dir) {
        info(`Hive: no folder for session ${id} under ${runtime.hiveHome}.`);
        return undefined;
      }
      const uri = vscode.Uri.file(dir);
      if (vscode.env.uiKind === vscode.UIKind.Desktop && !vscode.env.remoteName) {
        await vscode.commands.executeCommand('revealFileInOS', uri);
      } else {
        // No OS file manager behind a browser: show the session's meta.json and say where it is.
        const meta = path.join(dir, 'meta.json');
        if (existsSync(meta))
          await vscode.window.showTextDocument(vscode.Uri.file(meta), { preview: true, preserveFocus: true });
        info(`Hive: session ${id} is in ${dir}`);
      }
      return dir;
    }),

    reg('hive.deleteSession', async (arg?: unknown, opts?: { confirmed?: boolean }) => {
      try {
        const id =
          sessionIdOf(arg) ??
          (await pickColdSession(await coldRows(), 'Hive: Delete Session', { includeDamaged: true }));
        if (!id) return false;
        const dir = sessionDir(id);
        if (!dir) {
          info(`Hive: no folder for session ${id} under ${runtime.hiveHome}.`);
          return false;
        }
        const live = runtime.isLive(id);
        // Only our own tests may skip the question (any extension can run this command).
        if (opts?.confirmed !== true || !automationAllowed(s.context)) {
          const action = live ? 'Stop and Delete' : 'Delete';
          const answer = await vscode.window.showWarningMessage(
            live ? `Session ${id} is running. Stop it and delete it?` : `Delete session ${id}?`,
            {
              modal: true,
              detail: `Its folder is removed from disk, with its conversation and events:\n${dir}\nThis cannot be undone.`,
            },
            action,
          );
          if (answer !== action) return false;
        }
        if (live) await runtime.peekManager()?.stopSession(id);
        // A folder whose name is not UTF-8 is reached only by its raw bytes (`dir` shows it escaped).
        const raw = tree.coldEntry(id)?.rawDir;
        await rm(raw ?? dir, { recursive: true, force: true });
        log.info(`deleted session ${id} (${dir})`);
        if (raw) await tree.refresh();
        else await tree.refreshPaths([dir]);
        return true;
      } catch (err) {
        reportError(log, 'Delete Session', err);
        return false;
      }
    }),

    reg('hive.refreshSessions', async () => {
      try {
        await tree.refresh();
        return true;
      } catch (err) {
        reportError(log, 'Refresh Sessions', err);
        return false;
      }
    }),

    reg('hive.showLogs', () => log.show(true)),

    reg('hive.sessions.showMore', (node?: MoreNode) => {
      if (node?.kind === 'more') tree.showMore(node);
    }),
  ];
}
