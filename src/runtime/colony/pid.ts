import { readFileSync } from 'node:fs';

/**
 * Whether a process id belongs to a running process: signal 0 checks without sending anything.
 * ESRCH = no such process; EPERM = it exists but belongs to someone else (alive). Anything that is not a
 * positive integer is "not alive": pid 0 and negatives would address process groups, not a process.
 * On Linux a zombie (exited, not yet reaped: common in containers whose init does not reap) is dead.
 */
export function isPidAlive(pid: unknown): boolean {
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    // /proc/<pid>/stat: "pid (comm) S …"; comm may hold spaces or parentheses, so read after the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}
