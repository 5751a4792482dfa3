import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Hand-built Hive trees in temporary folders, written the way Hive writes them (compact JSON). */
export function tempHome(prefix = 'hive-home-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export type Layout = 'seed' | 'queens' | 'colony';

export function sessionPath(
  home: string,
  layout: Layout,
  queen: string,
  sid: string,
  colony = 'acme',
): string {
  if (layout === 'seed') return path.join(home, 'agents', 'queens', queen, 'sessions', sid);
  if (layout === 'queens') return path.join(home, 'queens', queen, 'sessions', sid);
  return path.join(home, 'colonies', colony, 'queens', queen, 'sessions', sid);
}

export interface FixturePart {
  role?: unknown;
  content?: unknown;
  tool_calls?: unknown;
  is_transition_marker?: unknown;
  /** Seconds since epoch for the file mtime (Hive's readers use it as created_at). */
  mtime?: number;
  [key: string]: unknown;
}

export interface FixtureSession {
  layout?: Layout;
  queen?: string;
  colony?: string;
  meta?: Record<string, unknown> | string | null;
  parts?: FixturePart[];
}

/** Writes one session; returns its directory. Part files get mtime = part.mtime (seconds). */
export function writeSession(home: string, sid: string, s: FixtureSession = {}): string {
  const dir = sessionPath(home, s.layout ?? 'queens', s.queen ?? 'queen_technology', sid, s.colony);
  mkdirSync(dir, { recursive: true });
  if (s.meta !== null && s.meta !== undefined)
    writeFileSync(path.join(dir, 'meta.json'), typeof s.meta === 'string' ? s.meta : JSON.stringify(s.meta));
  if (s.parts) {
    const partsDir = path.join(dir, 'conversations', 'parts');
    mkdirSync(partsDir, { recursive: true });
    s.parts.forEach((p, seq) => {
      const { mtime, ...body } = p;
      const file = path.join(partsDir, `${String(seq).padStart(10, '0')}.json`);
      writeFileSync(file, JSON.stringify({ seq, ...body }));
      if (mtime !== undefined) utimesSync(file, mtime, mtime);
    });
  }
  return dir;
}

export function partFile(sessionDir: string, seq: number): string {
  return path.join(sessionDir, 'conversations', 'parts', `${String(seq).padStart(10, '0')}.json`);
}
