/**
 * Whether a process id belongs to a running process: signal 0 checks without sending anything.
 * ESRCH = no such process; EPERM = it exists but belongs to someone else (alive). Anything that is not a
 * positive integer is "not alive": pid 0 and negatives would address process groups, not a process.
 */
export function isPidAlive(pid: unknown): boolean {
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
