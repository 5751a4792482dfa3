import { type CommandToolOptions, createCommandTool } from './command-tool';
import { type ControlCallbacks, createControlTools } from './control-tools';
import { FolderJail } from './folder-jail';
import { createReadTools, type ReadToolLimits } from './read-tools';
import { createSearchTool, type SearchLimits } from './search-tool';
import type { Tool } from './tool';
import { createWriteTools, type WriteToolLimits } from './write-tools';

export type { ControlCallbacks, WorkerReport } from './control-tools';
export { FolderJail, PathEscapeError } from './folder-jail';
export type { Tool, ToolCategory, ToolContext, ToolResult } from './tool';

export interface WorkerToolsOptions {
  /** The colony folder every file tool is confined to (and run_command's working folder). */
  root: string;
  control: ControlCallbacks;
  read?: ReadToolLimits;
  search?: SearchLimits;
  write?: WriteToolLimits;
  command?: CommandToolOptions;
}

/**
 * A worker's built-in tools: read_file, list_directory, search_files (read), write_file, edit_file
 * (write), run_command (command), report_to_parent, escalate, set_output (control).
 */
export function createWorkerTools(options: WorkerToolsOptions): Tool[] {
  const jail = new FolderJail(options.root);
  return [
    ...createReadTools(jail, options.read),
    createSearchTool(jail, options.search),
    ...createWriteTools(jail, options.write),
    createCommandTool(jail, options.command),
    ...createControlTools(options.control),
  ];
}
