import type { Checkpoints } from './checkpoints';
import { type CommandToolOptions, createCommandTool } from './command-tool';
import { FolderJail } from './folder-jail';
import { createReadTools, type ReadToolLimits } from './read-tools';
import { createSearchTool, type SearchLimits } from './search-tool';
import type { Tool, ToolContext } from './tool';
import { createUndoTool } from './undo-tool';
import { createWriteTools, type WriteToolLimits } from './write-tools';

export { Checkpoints, type JournalEntry, type RestoreResult, RootCheckpoints } from './checkpoints';
export { type CommandToolOptions, createCommandTool } from './command-tool';
export { FolderJail, PathEscapeError } from './folder-jail';
export { createReadTools, type ReadToolLimits } from './read-tools';
export { createSearchTool, type SearchLimits } from './search-tool';
export * from './tool';
export { createUndoTool } from './undo-tool';
export { createWriteTools, type WriteToolLimits } from './write-tools';

/** Hive's coder tools, in the order they are offered. */
export const CODER_TOOL_NAMES = [
  'read_file',
  'list_directory',
  'search_files',
  'write_file',
  'edit_file',
  'run_command',
  'undo_changes',
] as const;

export interface CoderToolsOptions {
  /** How messages name the folder ("working folder", "colony folder"). */
  label?: string;
  /** The session's checkpoints: with them, changes are recorded and undo_changes is offered. */
  checkpoints?: Checkpoints;
  read?: ReadToolLimits;
  search?: SearchLimits;
  write?: WriteToolLimits;
  command?: CommandToolOptions;
}

/**
 * Hive's coder tools confined to `root` (Hive: tools/coder_tools_server.py, tools/src/aden_tools/
 * file_ops.py): read_file, list_directory, search_files (read); write_file, edit_file, undo_changes
 * (write); run_command (command). The queen gets them over her working folder, a worker over its colony's.
 */
export function createCoderTools(root: string, options: CoderToolsOptions = {}): Tool[] {
  const jail = new FolderJail(root, options.label);
  const checkpoints = options.checkpoints?.forRoot(root);
  const tools = [
    ...createReadTools(jail, options.read),
    createSearchTool(jail, options.search),
    ...createWriteTools(jail, { ...options.write, checkpoints }),
    createCommandTool(jail, { ...options.command, checkpoints }),
    ...(checkpoints ? [createUndoTool(jail, checkpoints)] : []),
  ];
  if (!checkpoints) return tools;
  // The first whole-folder snapshot starts in the background at the first use of any of these tools
  // (a session that never touches the folder never scans it); a command waits for it only if it comes
  // before the snapshot is done, a file change never does.
  let warm = false;
  const warmUp = () => {
    if (warm) return;
    warm = true;
    void checkpoints.warmUp();
  };
  return tools.map((t) => ({
    ...t,
    ...(t.preview
      ? {
          preview: (input: unknown, ctx: ToolContext) => {
            warmUp();
            return t.preview!(input, ctx);
          },
        }
      : {}),
    execute: (input: unknown, ctx?: ToolContext) => {
      warmUp();
      return t.execute(input, ctx);
    },
  }));
}
