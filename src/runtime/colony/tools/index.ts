import {
  type Checkpoints,
  type CommandToolOptions,
  createCoderTools,
  type ReadToolLimits,
  type SearchLimits,
  type Tool,
  type WriteToolLimits,
} from '../../tools';
import { type ControlCallbacks, createControlTools } from './control-tools';

export type { ControlCallbacks, WorkerReport } from './control-tools';

export interface WorkerToolsOptions {
  /** The colony folder every file tool is confined to (and run_command's working folder). */
  root: string;
  control: ControlCallbacks;
  /** The session's checkpoints: workers' changes are recorded with the queen's. */
  checkpoints?: Checkpoints;
  read?: ReadToolLimits;
  search?: SearchLimits;
  write?: WriteToolLimits;
  command?: CommandToolOptions;
}

/**
 * A worker's built-in tools: the coder tools over the colony folder (src/runtime/tools) and its lines
 * back to the colony runtime: report_to_parent, escalate, set_output (control).
 */
export function createWorkerTools(options: WorkerToolsOptions): Tool[] {
  const { root, control, ...rest } = options;
  return [...createCoderTools(root, { ...rest, label: 'colony folder' }), ...createControlTools(control)];
}
