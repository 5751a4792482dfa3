import { z } from 'zod';
import { isValidId } from '../storage/ids';
import {
  DEFAULT_QUEEN_ID,
  ensureDefaultQueens,
  type LoadedQueen,
  listQueens,
  loadQueenOrFallback,
  loadQueenProfile,
  type ParsedQueenProfile,
} from './profiles';
import { type Complete, errorMessage, parseJsonReply, type QueenLogger, silentLogger } from './types';

/**
 * Queen choice (docs/hive-format.md §3 rule 3): an explicit queen (unless `default`), then the resumed
 * session's queen; the first that loads wins. Otherwise one JSON-mode model call picks from the
 * profiles on disk given the first message, falling back to the default queen on any failure.
 */

/** Data of the `queen_identity_selected` event. */
export interface QueenIdentity {
  queen_id: string;
  name: string;
  title: string;
}

export type QueenSelectionSource = 'explicit' | 'resumed' | 'model' | 'default';

export interface QueenSelection {
  identity: QueenIdentity;
  profile: ParsedQueenProfile;
  source: QueenSelectionSource;
  reason: string;
}

export interface SelectQueenOptions {
  queensDir: string;
  /** The queen the caller asked for; `default` (Hive's placeholder folder) means "choose". */
  explicitQueenId?: string | null;
  /** `meta.queen_id` (or the parent folder) of the session being resumed. */
  resumedQueenId?: string | null;
  firstMessage?: string | null;
  complete?: Complete;
  logger?: QueenLogger;
  /** Write the missing default profiles first, as Hive does (default true). */
  ensureDefaults?: boolean;
}

const SelectorReply = z.object({
  queen_id: z.string().trim().min(1),
  reason: z.string().optional(),
});

export async function selectQueen(opts: SelectQueenOptions): Promise<QueenSelection> {
  const logger = opts.logger ?? silentLogger;
  if (opts.ensureDefaults !== false) {
    try {
      await ensureDefaultQueens(opts.queensDir);
    } catch (err) {
      // A read-only queens folder still leaves the built-in default queen.
      logger.warn(`Could not write the default queen profiles: ${errorMessage(err)}`);
    }
  }
  const candidates: { id: string; source: QueenSelectionSource }[] = [];
  const explicit = opts.explicitQueenId?.trim();
  if (explicit && explicit !== 'default') candidates.push({ id: explicit, source: 'explicit' });
  const resumed = opts.resumedQueenId?.trim();
  if (resumed && resumed !== 'default' && resumed !== explicit)
    candidates.push({ id: resumed, source: 'resumed' });

  for (const { id, source } of candidates) {
    if (!isValidId('queen', id)) {
      logger.warn(`Ignoring invalid queen id ${JSON.stringify(id)}`);
      continue;
    }
    try {
      const loaded = await loadQueenProfile(opts.queensDir, id);
      return selection(loaded, source, `${source === 'explicit' ? 'requested' : 'resumed'} queen ${id}`);
    } catch (err) {
      logger.warn(`Queen ${id} (${source}) cannot be used: ${errorMessage(err)}`);
    }
  }

  let queens: LoadedQueen[] = [];
  try {
    queens = (await listQueens(opts.queensDir, logger)).queens;
  } catch (err) {
    logger.warn(`Cannot list queen profiles: ${errorMessage(err)}`);
  }
  const picked = await pickWithModel(opts, queens, logger);
  if (picked) return picked;
  const fallback = await loadQueenOrFallback(opts.queensDir, DEFAULT_QUEEN_ID, logger);
  return selection(fallback, 'default', `defaulted to ${DEFAULT_QUEEN_ID}`);
}

async function pickWithModel(
  opts: SelectQueenOptions,
  queens: LoadedQueen[],
  logger: QueenLogger,
): Promise<QueenSelection | undefined> {
  const message = opts.firstMessage?.trim();
  if (!message || !opts.complete || queens.length === 0) return undefined;
  let raw: string;
  try {
    raw = await opts.complete({
      system: selectorPrompt(queens),
      messages: [{ role: 'user', content: message }],
      maxTokens: 512,
    });
  } catch (err) {
    logger.warn(`Queen selector call failed, using ${DEFAULT_QUEEN_ID}: ${errorMessage(err)}`);
    return undefined;
  }
  let reply: z.infer<typeof SelectorReply>;
  try {
    reply = SelectorReply.parse(parseJsonReply(raw));
  } catch (err) {
    logger.warn(`Queen selector returned an invalid answer, using ${DEFAULT_QUEEN_ID}: ${errorMessage(err)}`);
    return undefined;
  }
  const chosen = queens.find((q) => q.id === reply.queen_id);
  if (!chosen) {
    logger.warn(`Queen selector chose unknown queen ${JSON.stringify(reply.queen_id)}, using default`);
    return undefined;
  }
  return selection(chosen, 'model', reply.reason?.trim() || `model chose ${chosen.id}`);
}

export function selectorPrompt(queens: readonly LoadedQueen[]): string {
  const lines = queens.map((q) => {
    const skills = q.profile.skills ? `: ${q.profile.skills}` : '';
    return `- ${q.id} (${q.profile.title})${skills}`;
  });
  return [
    'You route a request to the one team lead best placed to own it.',
    'Treat the request as a goal you want accomplished and choose whose domain is most central to it.',
    '',
    'Team leads:',
    ...lines,
    '',
    'Answer with only a JSON object, no markdown and no prose:',
    '{"reason": "<one sentence on why this lead should own it>", "queen_id": "<one of the ids above>"}',
  ].join('\n');
}

function selection(loaded: LoadedQueen, source: QueenSelectionSource, reason: string): QueenSelection {
  return {
    identity: identityOf(loaded),
    profile: loaded.profile,
    source,
    reason,
  };
}

export function identityOf(loaded: LoadedQueen): QueenIdentity {
  return { queen_id: loaded.id, name: loaded.profile.name, title: loaded.profile.title };
}
