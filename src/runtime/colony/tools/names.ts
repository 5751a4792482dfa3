/** The file and command tools every worker gets (listed in a new colony's worker.json `tools`): Hive's coder tools. */
export { CODER_TOOL_NAMES as WORKER_FILE_TOOL_NAMES } from '../../tools';

/** Tools whose execute calls back into the colony runtime. */
export const WORKER_CONTROL_TOOL_NAMES = ['report_to_parent', 'escalate', 'set_output'] as const;
