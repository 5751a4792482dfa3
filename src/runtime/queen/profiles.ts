import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { HiveError } from '../errors';
import { isValidId, validateId } from '../storage/ids';
import { readTextSafe } from '../storage/safe-read';
import { DEFAULT_QUEEN_ID, DEFAULT_QUEENS } from './default-profiles';
import { errorMessage, firstIssue, isNotFound, type QueenLogger, silentLogger } from './types';

/**
 * Queen profiles (docs/hive-format.md §2.7): `QUEENS_DIR/<id>/profile.yaml`. The queens folder is
 * passed in: the storage layer owns the layout (seed-era `agents/queens` or HEAD's `queens`).
 */

const text = z.string();
const optionalText = text.nullish().transform((v) => v ?? undefined);
const section = <T extends z.ZodRawShape>(shape: T) =>
  z
    .looseObject(shape)
    .nullish()
    .transform((v) => v ?? undefined);

// Unknown keys are kept (a user may add their own) and survive a round-trip.
export const QueenProfileSchema = z.looseObject({
  name: text.trim().min(1, 'must be a non-empty string'),
  title: text.trim().min(1, 'must be a non-empty string'),
  core_traits: optionalText,
  hidden_background: section({
    past_wound: optionalText,
    deep_motive: optionalText,
    behavioral_mapping: optionalText,
  }),
  psychological_profile: section({ social_masks: optionalText, anti_stereotype: optionalText }),
  behavior_triggers: z
    .array(z.object({ trigger: text, reaction: text }))
    .nullish()
    .transform((v) => v ?? undefined),
  world_lore: section({ habitat: optionalText, lexicon: optionalText }),
  // Hive writes a comma-separated string; a YAML list is accepted too.
  skills: z
    .union([text, z.array(text)])
    .nullish()
    .transform((v) => (Array.isArray(v) ? v.join(', ') : (v ?? undefined))),
  examples: z
    .array(z.object({ user: text, internal: optionalText, response: text }))
    .nullish()
    .transform((v) => v ?? undefined),
});

export type QueenProfile = z.input<typeof QueenProfileSchema>;
export type ParsedQueenProfile = z.output<typeof QueenProfileSchema>;

export const PROFILE_FILE = 'profile.yaml';
const MAX_PROFILE_BYTES = 256 * 1024;

export class QueenProfileError extends HiveError {
  constructor(
    readonly file: string,
    message: string,
    readonly field?: string,
  ) {
    super('QUEEN_PROFILE_INVALID', `Queen profile ${file}: ${field ? `field "${field}" ` : ''}${message}`);
    this.name = 'QueenProfileError';
  }
}

export class QueenProfileNotFoundError extends HiveError {
  constructor(
    readonly queenId: string,
    readonly file: string,
  ) {
    super('QUEEN_NOT_FOUND', `Queen profile not found: ${queenId} (${file})`);
    this.name = 'QueenProfileNotFoundError';
  }
}

export interface LoadedQueen {
  id: string;
  file: string;
  profile: ParsedQueenProfile;
}

export interface ProfileProblem {
  queenId: string;
  file: string;
  message: string;
}

export function profilePath(queensDir: string, queenId: string): string {
  return path.join(queensDir, validateId('queen', queenId), PROFILE_FILE);
}

/** Parses and validates one profile's YAML text; `file` only names the source in errors. */
export function parseQueenProfile(yamlText: string, file: string): ParsedQueenProfile {
  const doc = YAML.parseDocument(yamlText, { prettyErrors: true });
  const yamlError = doc.errors[0];
  if (yamlError) throw new QueenProfileError(file, `is not valid YAML: ${yamlError.message}`);
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new QueenProfileError(file, 'must be a YAML mapping of profile keys (name, title, …)');
  const result = QueenProfileSchema.safeParse(data);
  if (!result.success) {
    const { field, message } = firstIssue(result.error);
    throw new QueenProfileError(file, message, field);
  }
  return result.data;
}

export function serializeQueenProfile(profile: QueenProfile): string {
  return YAML.stringify(profile, { lineWidth: 0 });
}

/** Loads one profile; throws QueenProfileNotFoundError or QueenProfileError (naming file and field). */
export async function loadQueenProfile(queensDir: string, queenId: string): Promise<LoadedQueen> {
  const file = profilePath(queensDir, queenId);
  let raw: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new QueenProfileError(file, 'is not a regular file');
    if (info.size > MAX_PROFILE_BYTES)
      throw new QueenProfileError(file, `is too large (${info.size} bytes, max ${MAX_PROFILE_BYTES})`);
    raw = await readTextSafe(file);
  } catch (err) {
    if (isNotFound(err)) throw new QueenProfileNotFoundError(queenId, file);
    throw err;
  }
  return { id: queenId, file, profile: parseQueenProfile(raw, file) };
}

/**
 * Writes each default queen whose profile.yaml is missing and returns the ids written.
 * An existing file is never touched, even a broken one (it is reported when listed instead).
 */
export async function ensureDefaultQueens(queensDir: string): Promise<string[]> {
  const written: string[] = [];
  for (const [id, profile] of Object.entries(DEFAULT_QUEENS)) {
    if (await writeIfMissing(profilePath(queensDir, id), serializeQueenProfile(profile))) written.push(id);
  }
  return written;
}

/**
 * Every loadable profile, sorted by id, plus the broken ones (reported, skipped). Folders
 * without a profile.yaml (e.g. `default/`, which only holds sessions) are ignored.
 */
export async function listQueens(
  queensDir: string,
  logger: QueenLogger = silentLogger,
): Promise<{ queens: LoadedQueen[]; problems: ProfileProblem[] }> {
  const queens: LoadedQueen[] = [];
  const problems: ProfileProblem[] = [];
  let entries: string[];
  try {
    entries = (await readdir(queensDir, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && isValidId('queen', e.name))
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if (isNotFound(err)) return { queens, problems };
    throw err;
  }
  for (const id of entries) {
    try {
      queens.push(await loadQueenProfile(queensDir, id));
    } catch (err) {
      if (err instanceof QueenProfileNotFoundError) continue;
      const file = path.join(queensDir, id, PROFILE_FILE);
      problems.push({ queenId: id, file, message: errorMessage(err) });
      logger.warn(`Skipping broken queen profile: ${errorMessage(err)}`);
    }
  }
  return { queens, problems };
}

/**
 * The profile for `queenId`, else the default queen's file, else the built-in default text
 * (so a session always has an identity, even with a broken queens folder).
 */
export async function loadQueenOrFallback(
  queensDir: string,
  queenId: string,
  logger: QueenLogger = silentLogger,
): Promise<LoadedQueen & { fellBack: boolean }> {
  for (const id of queenId === DEFAULT_QUEEN_ID ? [queenId] : [queenId, DEFAULT_QUEEN_ID]) {
    try {
      return { ...(await loadQueenProfile(queensDir, id)), fellBack: id !== queenId };
    } catch (err) {
      logger.warn(`Queen profile ${id} unavailable: ${errorMessage(err)}`);
    }
  }
  return {
    id: DEFAULT_QUEEN_ID,
    file: path.join(queensDir, DEFAULT_QUEEN_ID, PROFILE_FILE),
    profile: QueenProfileSchema.parse(DEFAULT_QUEENS[DEFAULT_QUEEN_ID]),
    fellBack: true,
  };
}

/**
 * Creates `file` with `data` unless it exists. The content is fsynced to a temp file and then
 * hard-linked into place: link() fails on an existing target, so a racing writer or a user's
 * file is never overwritten, and a crash never leaves a half-written profile.
 */
async function writeIfMissing(file: string, data: string): Promise<boolean> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx');
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // File systems without hard links: exclusive create is the next best thing.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EXDEV') {
      try {
        await writeFile(file, data, { flag: 'wx' });
        return true;
      } catch (inner) {
        if ((inner as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw inner;
      }
    }
    throw err;
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

export { DEFAULT_QUEEN_ID, DEFAULT_QUEEN_IDS, DEFAULT_QUEENS } from './default-profiles';
