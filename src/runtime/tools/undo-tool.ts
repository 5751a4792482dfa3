import { z } from 'zod';
import type { RootCheckpoints } from './checkpoints';
import type { FolderJail } from './folder-jail';
import { defineTool, type Tool } from './tool';

/**
 * undo_changes(path): Hive's tool (Hive: tools/coder_tools_server.py) over the session's checkpoints.
 * An empty path (or "all") restores every change made in this folder during the session; a file the
 * user changed after the agent wrote it is reported, not overwritten.
 */
export function createUndoTool(jail: FolderJail, checkpoints: RootCheckpoints): Tool {
  return defineTool({
    name: 'undo_changes',
    description:
      `Undo file changes made in this session inside the ${jail.label}, from the checkpoints taken before ` +
      'each change. With a path, restores only that file; with an empty path, restores ALL changed files. ' +
      'Files the user edited after your change are left alone and listed as conflicts.',
    category: 'write',
    schema: z.object({
      path: z.string().default('').describe('Specific file to restore (empty = restore all changes)'),
    }),
    async run({ path: p }) {
      const all = p.trim() === '' || p.trim() === 'all';
      const rel = all ? undefined : await jail.display(await jail.resolveForWrite(p));
      const r = await checkpoints.undo(rel);
      const lines: string[] = [];
      if (r.restored.length)
        lines.push(`Restored ${r.restored.length} file(s):`, ...r.restored.map((f) => `  ${f}`));
      if (r.conflicts.length)
        lines.push(
          `Not restored, changed by the user after your change (${r.conflicts.length}):`,
          ...r.conflicts.map((f) => `  ${f}`),
        );
      if (!lines.length) lines.push(all ? 'No changes to undo.' : `No recorded changes of ${rel} to undo.`);
      return lines.join('\n');
    },
  });
}
