/** The file and command tools every worker gets (listed in a new colony's worker.json `tools`). */
export const WORKER_FILE_TOOL_NAMES = [
  'read_file',
  'list_directory',
  'search_files',
  'write_file',
  'edit_file',
  'run_command',
] as const;

/** Tools whose execute calls back into the colony runtime. */
export const WORKER_CONTROL_TOOL_NAMES = ['report_to_parent', 'escalate', 'set_output'] as const;
