import path from 'node:path';
import { type ColdSessionEntry, isClientFacing, toHiveRow } from '../runtime/storage/cold-sessions';
import { resolveHiveHome } from '../runtime/storage/home';
import { InvalidIdError, validateId } from '../runtime/storage/ids';
import { PartStore } from '../runtime/storage/parts';
import { SessionIndex } from '../runtime/storage/session-index';
import { isSessionLocked, lockHintedSessionIds } from '../runtime/storage/session-lock';
import { type CliIo, parseCliArgs, UsageError } from './usage';

export interface SessionsContext {
  /** Ids of the sessions live in this process (a host's SessionManager); `list` marks them live. */
  liveSessionIds?: () => Iterable<string>;
}

/** `hive sessions list|show …` */
export async function sessionsCommand(argv: string[], io: CliIo, ctx: SessionsContext = {}): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'list') return list(rest, io, ctx.liveSessionIds ? new Set(ctx.liveSessionIds()) : undefined);
  if (sub === 'show') return show(rest, io);
  throw new UsageError(
    sub ? `unknown sessions command "${sub}" (list or show)` : 'sessions needs list or show',
  );
}

function parse(argv: string[], withLimit: boolean) {
  return parseCliArgs(argv, {
    home: { type: 'string' },
    json: { type: 'boolean' },
    ...(withLimit ? { limit: { type: 'string' as const } } : {}),
  });
}

function openIndex(home: string): SessionIndex {
  return new SessionIndex({ home, persistDelayMs: 0 });
}

/** Hive's listing sets `cold: false, live: true` on the rows of live sessions ("caller overrides"). */
export function markLive(rows: ColdSessionEntry[], liveIds: ReadonlySet<string>): ListedSession[] {
  return rows.map((r) => (liveIds.has(r.session_id) ? { ...r, cold: false, live: true } : r));
}

/** A listing row that may be live. */
export type ListedSession = Omit<ColdSessionEntry, 'cold' | 'live'> & { cold: boolean; live: boolean };

async function list(argv: string[], io: CliIo, liveIds?: ReadonlySet<string>): Promise<number> {
  const { values, positionals } = parse(argv, true);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  let limit: number | undefined;
  const rawLimit = (values as { limit?: string }).limit;
  if (rawLimit !== undefined) {
    if (!/^\d+$/.test(rawLimit) || Number(rawLimit) < 1)
      throw new UsageError(`--limit needs a positive whole number, got "${rawLimit}"`);
    limit = Number(rawLimit);
  }
  const home = resolveHiveHome(values.home, io.env);
  const index = openIndex(home);
  const cold = await index.listColdSessions({ limit });
  await index.flush();
  // Live here (a host's own manager), or in another process: VS Code, `hive chat` (its session lock; only the
  // sessions whose lock left a hint are looked at).
  const running = new Set(liveIds);
  const hinted = lockHintedSessionIds(home);
  for (const r of cold) if (hinted.has(r.session_id) && isSessionLocked(r.dir)) running.add(r.session_id);
  const rows = markLive(cold, running);
  if (values.json) {
    // toHiveRow only picks Hive's fields; a live row's cold/live values pass through.
    writeJsonArray(io, rows, (r) => toHiveRow(r as ColdSessionEntry));
    return 0;
  }
  if (rows.length === 0) {
    io.out(`No sessions under ${home}\n`);
    return 0;
  }
  const live = (r?: ListedSession) => `${(r ? (r.live ? 'live' : '') : 'LIVE').padEnd(4)} `;
  io.out(
    `${'SESSION'.padEnd(34)} ${live()}${'QUEEN'.padEnd(22)} ${'LAST ACTIVE'.padEnd(16)} ${'MSGS'.padStart(5)}  PREVIEW\n`,
  );
  for (const r of rows) {
    const preview = oneLine(r.last_message ?? '', 60);
    const queen = r.colony_id ? `${r.queen_id}@${r.colony_id}` : (r.queen_id ?? '');
    io.out(
      `${r.session_id.padEnd(34)} ${live(r)}${queen.padEnd(22)} ${formatTime(r.last_active_at).padEnd(16)} ${String(r.message_count).padStart(5)}  ${preview}\n`,
    );
    if (r.damaged) io.out(`  ! damaged: ${r.damaged.reason}\n`);
  }
  const total = index.count();
  if (limit !== undefined && total > rows.length) io.out(`(${rows.length} of ${total} shown)\n`);
  return 0;
}

/**
 * Writes the rows as a JSON array, one row per line (compact: indenting 10,000 rows would double what is
 * built and written), a few hundred rows at a time: they never become one 5 MB string in memory.
 */
function writeJsonArray<T>(io: CliIo, rows: readonly T[], pick: (row: T) => unknown): void {
  if (rows.length === 0) {
    io.out('[]\n');
    return;
  }
  const CHUNK = 500;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const items = rows.slice(i, i + CHUNK).map((r) => JSON.stringify(pick(r)));
    const last = i + CHUNK >= rows.length;
    io.out(`${i === 0 ? '[\n' : ''}${items.join(',\n')}${last ? '\n]\n' : ',\n'}`);
  }
}

async function show(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, false);
  if (positionals.length !== 1)
    throw new UsageError('usage: hive sessions show <session_id> [--home DIR] [--json]');
  const id = positionals[0]!;
  try {
    validateId('session', id);
  } catch (err) {
    if (err instanceof InvalidIdError) throw new UsageError(err.message);
    throw err;
  }
  const home = resolveHiveHome(values.home, io.env);
  const index = openIndex(home);
  const session = await index.getColdSession(id);
  if (!session) throw new UsageError(`unknown session ${id} (no session folder under ${home})`);
  const info = await index.getColdSessionInfo(id);
  await index.flush();
  const { parts, skipped } = await new PartStore(path.join(session.dir, 'conversations')).read();
  const transcript = parts.filter(isClientFacing);
  if (values.json) {
    const out = {
      session: { ...toHiveRow(session), colony_id: session.colony_id, dir: session.dir },
      info,
      transcript,
    };
    io.out(`${JSON.stringify({ ...out, skipped_parts: skipped }, null, 2)}\n`);
    return 0;
  }
  io.out(describeSession(session));
  if (skipped.length > 0)
    io.out(
      `Skipped part files: ${skipped.map((s) => `${path.basename(s.file)} (${s.reason})`).join(', ')}\n`,
    );
  io.out('\n');
  for (const p of transcript) io.out(`[${p.role}${p.is_trigger ? ' · trigger' : ''}] ${p.content ?? ''}\n\n`);
  if (transcript.length === 0) io.out('(no messages)\n');
  return 0;
}

function describeSession(s: ColdSessionEntry): string {
  const lines = [
    `Session      ${s.session_id}`,
    `Queen        ${s.queen_id}${s.colony_id ? ` (colony ${s.colony_id})` : ''}`,
    `Agent        ${s.agent_name ?? '-'}${s.agent_path ? ` (${s.agent_path})` : ''}`,
    `Created      ${formatTime(s.created_at)}`,
    `Last active  ${formatTime(s.last_active_at)}`,
    `Messages     ${s.message_count}`,
    `Folder       ${s.dir}`,
  ];
  if (s.damaged) lines.push(`Damaged      ${s.damaged.reason}`);
  return `${lines.join('\n')}\n`;
}

function formatTime(epochSeconds: number): string {
  if (!epochSeconds) return '-';
  const d = new Date(epochSeconds * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

function oneLine(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
