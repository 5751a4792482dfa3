import { execFileSync } from 'node:child_process';
import { symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { partFile, tempHome, writeSession } from '../runtime/storage/fixtures';

export const HOSTILE_SESSIONS = {
  OK: 'session_20260104_080000_aaaaaaaa',
  FIFO: 'session_20260104_090000_bbbbbbbb',
  ZERO: 'session_20260104_100000_cccccccc',
  HUGE: 'session_20260104_110000_dddddddd',
} as const;
const { OK, FIFO, ZERO, HUGE } = HOSTILE_SESSIONS;
const MB = 1024 * 1024;

export function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

/** A home with a FIFO meta.json, a part linked to /dev/zero and a 200 MB (sparse) part, beside a good session. */
export function hostileHome(): string {
  const home = tempHome();
  writeSession(home, OK, { meta: { created_at: 1_700_000_000 }, parts: [{ role: 'user', content: 'fine' }] });
  const fifoDir = writeSession(home, FIFO, { parts: [{ role: 'user', content: 'meta is a pipe' }] });
  mkfifo(path.join(fifoDir, 'meta.json'));
  const zeroDir = writeSession(home, ZERO, {
    meta: { created_at: 1 },
    parts: [{ role: 'user', content: 'a' }],
  });
  symlinkSync('/dev/zero', partFile(zeroDir, 1));
  const hugeDir = writeSession(home, HUGE, {
    meta: { created_at: 2 },
    parts: [{ role: 'user', content: 'b' }],
  });
  writeFileSync(partFile(hugeDir, 1), '{"seq":1,"role":"user","content":"');
  truncateSync(partFile(hugeDir, 1), 200 * MB);
  return home;
}
