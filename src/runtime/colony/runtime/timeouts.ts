/** docs/hive-format.md §3 Rule 14: soft timeout 600 s by default; at most 8 tasks per run_parallel_workers call. */
export const RUN_PARALLEL_DEFAULT_TIMEOUT_S = 600;
export const RUN_PARALLEL_MAX_TASKS = 8;

/** docs/hive-format.md §3 Rule 14: hard = min(3600, max(4×soft, soft+600)), and always at least soft+60. */
export function hardTimeoutFor(softSeconds: number, requested?: number): number {
  const hard = requested ?? Math.min(3600, Math.max(4 * softSeconds, softSeconds + 600));
  return hard <= softSeconds ? softSeconds + 60 : hard;
}
