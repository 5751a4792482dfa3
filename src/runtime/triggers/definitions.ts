import path from 'node:path';
import { z } from 'zod';
import { HiveError } from '../errors';
import { writeJsonAtomically } from '../storage/atomic';
import { validateId } from '../storage/ids';
import { readTextSafe } from '../storage/safe-read';
import { ScheduleError, scheduleOf } from './schedule';

/**
 * `triggers.json` (docs/hive-format.md §2.4): a list, indent 2, of
 * `{id, name, trigger_type: timer|webhook, trigger_config, task}`. Ours adds two optional keys that
 * Hive ignores: `enabled` (absent = enabled, as in current Hive) and, for cron timers,
 * `trigger_config.timezone` (absent = UTC, Hive's only zone). Keys we do not know are kept as they are.
 * Webhook secrets are NOT stored here (see secrets.ts for why).
 */

export const TRIGGERS_FILE = 'triggers.json';
export const WEBHOOK_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export const DEFAULT_WEBHOOK_PORT = 8090;

export type TriggerType = 'timer' | 'webhook';

export interface TriggerDefinition {
  id: string;
  name?: string;
  trigger_type: TriggerType;
  trigger_config: Record<string, unknown>;
  task: string;
  enabled?: boolean;
  [key: string]: unknown;
}

export interface WebhookSettings {
  path: string;
  methods: string[];
  port: number;
  /** Per-trigger rate limit override (`rate_limit_per_minute`, `rate_limit_burst`). */
  rateLimit?: { perMinute: number; burst: number };
}

/** One entry of triggers.json that was skipped, with where and why. */
export interface TriggerProblem {
  file: string;
  index: number;
  id?: string;
  field: string;
  message: string;
}

/** The whole file is unusable (not JSON, not a list): nothing in it is loaded or overwritten. */
export class TriggerFileError extends HiveError {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super('TRIGGER_FILE_INVALID', `${file}: ${reason}`);
    this.name = 'TriggerFileError';
  }
}

/** A definition (from the file, a tool call or the UI) is invalid; `field` is a dotted path. */
export class TriggerValidationError extends HiveError {
  constructor(
    readonly where: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super('TRIGGER_INVALID', `${where}: ${field}: ${reason}`);
    this.name = 'TriggerValidationError';
  }
}

export function describeProblem(p: TriggerProblem): string {
  return `${p.file}: entry [${p.index}]${p.id ? ` ("${p.id}")` : ''}: ${p.field}: ${p.message}`;
}

export function triggersFilePath(colonyDir: string): string {
  return path.join(colonyDir, TRIGGERS_FILE);
}

export function isEnabled(def: TriggerDefinition): boolean {
  return def.enabled !== false;
}

const expected = (what: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`),
});

export const triggerEntrySchema = z
  .looseObject({
    id: z.string(expected('a string')),
    name: z.string(expected('a string')).optional(),
    trigger_type: z.enum(['timer', 'webhook'], expected('"timer" or "webhook"')),
    trigger_config: z.record(z.string(), z.unknown(), expected('an object')).default({}),
    task: z.string(expected('a string')).default(''),
    enabled: z.boolean(expected('true or false')).optional(),
  })
  .superRefine((entry, ctx) => {
    const fail = (field: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path: field, message });
    try {
      validateId('trigger', entry.id);
    } catch (err) {
      fail(['id'], (err as Error).message);
    }
    if (entry.trigger_type === 'timer') {
      try {
        scheduleOf(entry.trigger_config);
      } catch (err) {
        const field = err instanceof ScheduleError ? err.field : 'cron';
        fail(['trigger_config', field], (err as Error).message);
      }
    } else {
      for (const [field, message] of webhookConfigIssues(entry.trigger_config))
        fail(['trigger_config', field], message);
    }
  });

function webhookConfigIssues(config: Record<string, unknown>): [string, string][] {
  const issues: [string, string][] = [];
  const p = config.path;
  if (typeof p !== 'string' || !p.startsWith('/')) {
    issues.push(['path', "Webhook trigger requires 'path' starting with '/' (e.g. '/hooks/github')"]);
  } else if (/[\s?#]/.test(p) || p.length > 512) {
    issues.push(['path', 'must not contain spaces, "?" or "#" and be at most 512 characters']);
  }
  const methods = config.methods;
  if (methods !== undefined) {
    if (!Array.isArray(methods) || methods.length === 0 || methods.some((m) => typeof m !== 'string')) {
      issues.push(['methods', 'must be a non-empty list of HTTP methods, e.g. ["POST"]']);
    } else {
      const invalid = methods.filter(
        (m) => !(WEBHOOK_METHODS as readonly string[]).includes(m.toUpperCase()),
      );
      if (invalid.length)
        issues.push([
          'methods',
          `invalid HTTP methods ${JSON.stringify(invalid)}; valid: ${WEBHOOK_METHODS.join(', ')}`,
        ]);
    }
  }
  const port = config.port;
  if (port !== undefined && !(Number.isInteger(port) && (port as number) >= 0 && (port as number) <= 65535)) {
    issues.push(['port', 'must be an integer from 0 to 65535 (0 = any free port)']);
  }
  for (const key of ['rate_limit_per_minute', 'rate_limit_burst']) {
    const v = config[key];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0))
      issues.push([key, 'must be a number > 0']);
  }
  const secret = config.secret;
  if (secret !== undefined && !(typeof secret === 'string' && secret.length >= 16)) {
    issues.push(['secret', 'must be a string of at least 16 characters (or leave it out: one is generated)']);
  }
  return issues;
}

/** Validated settings of a webhook definition (methods upper-cased, defaults applied). */
export function webhookSettings(def: TriggerDefinition): WebhookSettings {
  const c = def.trigger_config;
  const methods = Array.isArray(c.methods) ? (c.methods as string[]).map((m) => m.toUpperCase()) : ['POST'];
  const perMinute = c.rate_limit_per_minute as number | undefined;
  const burst = c.rate_limit_burst as number | undefined;
  return {
    path: c.path as string,
    methods: [...new Set(methods)],
    port: typeof c.port === 'number' ? c.port : DEFAULT_WEBHOOK_PORT,
    ...(perMinute || burst ? { rateLimit: { perMinute: perMinute ?? 30, burst: burst ?? 10 } } : {}),
  };
}

type Issue = { path: PropertyKey[]; message: string };

function firstIssue(issues: Issue[]): { field: string; message: string } {
  const issue = issues[0]!;
  const field = issue.path.map(String).join('.') || '(entry)';
  const message =
    issue.message === 'Invalid input: expected object, received array' ? 'must be an object' : issue.message;
  return { field, message };
}

/** Validates one definition; throws TriggerValidationError naming the field. */
export function validateTriggerDefinition(input: unknown, where = 'trigger'): TriggerDefinition {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TriggerValidationError(where, '(entry)', 'must be an object');
  }
  const r = triggerEntrySchema.safeParse(input);
  if (!r.success) {
    const { field, message } = firstIssue(r.error.issues as Issue[]);
    throw new TriggerValidationError(where, field, message);
  }
  return r.data as TriggerDefinition;
}

export interface TriggerList {
  triggers: TriggerDefinition[];
  /** Entries skipped because they are invalid or repeat an id. They stay in the file untouched. */
  problems: TriggerProblem[];
}

/** Parses triggers.json text. Throws TriggerFileError when the file as a whole is unusable. */
export function parseTriggerList(text: string, file: string): TriggerList {
  const raw = parseRawList(text, file);
  const triggers: TriggerDefinition[] = [];
  const problems: TriggerProblem[] = [];
  const seen = new Set<string>();
  raw.forEach((entry, index) => {
    const id = typeof (entry as { id?: unknown })?.id === 'string' ? (entry as { id: string }).id : undefined;
    try {
      const def = validateTriggerDefinition(entry);
      if (seen.has(def.id)) {
        problems.push({
          file,
          index,
          id,
          field: 'id',
          message: `duplicate id "${def.id}" (the first entry wins)`,
        });
        return;
      }
      seen.add(def.id);
      triggers.push(def);
    } catch (err) {
      if (!(err instanceof TriggerValidationError)) throw err;
      problems.push({ file, index, id, field: err.field, message: err.reason });
    }
  });
  return { triggers, problems };
}

function parseRawList(text: string, file: string): unknown[] {
  if (text.trim() === '') return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new TriggerFileError(file, `not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(data))
    throw new TriggerFileError(file, `must be a JSON list of triggers, found ${typeof data}`);
  return data;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readTextSafe(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TriggerFileError(file, `cannot be read (${(err as Error).message})`);
  }
}

/** Reads triggers.json; a missing file is an empty list. */
export async function readTriggersFile(file: string): Promise<TriggerList> {
  const text = await readText(file);
  return text === undefined ? { triggers: [], problems: [] } : parseTriggerList(text, file);
}

const fileLocks = new Map<string, Promise<unknown>>();

/**
 * Read-modify-write of the raw list, serialised per file within this process and written
 * atomically with indent 2. Entries the callback does not touch (including invalid ones) are written
 * back as they were. A file that is not a JSON list is never overwritten: TriggerFileError.
 */
export function mutateTriggersFile(
  file: string,
  /** Returns the new list, or undefined to leave the file as it is. */
  mutate: (entries: Record<string, unknown>[]) => Record<string, unknown>[] | undefined,
): Promise<void> {
  const key = path.resolve(file);
  const run = async () => {
    const text = await readText(file);
    const entries = (text === undefined ? [] : parseRawList(text, file)) as Record<string, unknown>[];
    const next = mutate(entries);
    if (next !== undefined) await writeJsonAtomically(file, next, 2);
  };
  const prev = fileLocks.get(key) ?? Promise.resolve();
  const done = prev.then(run, run);
  const tail = done.catch(() => undefined);
  fileLocks.set(key, tail);
  void tail.then(() => {
    if (fileLocks.get(key) === tail) fileLocks.delete(key);
  });
  return done;
}

const isEntry = (id: string) => (e: Record<string, unknown>) =>
  typeof e === 'object' && e !== null && (e as { id?: unknown }).id === id;

/** Replaces the entry with this id (keeping its position and unknown keys) or appends it. */
export function upsertTriggerEntry(file: string, def: TriggerDefinition): Promise<void> {
  return mutateTriggersFile(file, (entries) => {
    const i = entries.findIndex(isEntry(def.id));
    if (i < 0) return [...entries, { ...def }];
    const copy = [...entries];
    copy[i] = { ...copy[i], ...def };
    return copy;
  });
}

/**
 * Saves the listed fields of `def` into its entry (other keys, possibly edited by hand since we read
 * the file, stay as they are); appends the whole definition when the entry is gone.
 */
export function saveTriggerFields(
  file: string,
  def: TriggerDefinition,
  fields: (keyof TriggerDefinition)[],
): Promise<void> {
  return mutateTriggersFile(file, (entries) => {
    const i = entries.findIndex(isEntry(def.id));
    if (i < 0) return [...entries, { ...def }];
    const copy = [...entries];
    const next: Record<string, unknown> = { ...copy[i] };
    for (const f of fields) {
      if (def[f] === undefined) delete next[f as string];
      else next[f as string] = def[f];
    }
    copy[i] = next;
    return copy;
  });
}

/** Applies `patch` to the entry with this id (a key set to undefined is removed). No entry: no-op. */
export function patchTriggerEntry(file: string, id: string, patch: Record<string, unknown>): Promise<void> {
  return mutateTriggersFile(file, (entries) => {
    if (!entries.some(isEntry(id))) return undefined;
    return entries.map((e) => {
      if (!isEntry(id)(e)) return e;
      const next: Record<string, unknown> = { ...e, ...patch };
      for (const [k, v] of Object.entries(patch)) if (v === undefined) delete next[k];
      return next;
    });
  });
}

export function removeTriggerEntry(file: string, id: string): Promise<void> {
  return mutateTriggersFile(file, (entries) => {
    const kept = entries.filter((e) => !isEntry(id)(e));
    return kept.length === entries.length ? undefined : kept;
  });
}
