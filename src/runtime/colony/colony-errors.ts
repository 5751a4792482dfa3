import type { z } from 'zod';
import { HiveError } from '../errors';
import { readTextSafe } from '../storage/safe-read';

/** A colony file that is missing, unreadable or malformed. The message names the file and the field. */
export class ColonyFileError extends HiveError {
  constructor(
    /** Absolute path of the offending file (or folder). */
    readonly file: string,
    /** One line per problem, each `<label>: <field> <problem>`. */
    readonly problems: string[],
  ) {
    super('COLONY_FILE_INVALID', problems.join('\n'));
    this.name = 'ColonyFileError';
  }
}

/** `null`, `array`, or the `typeof` of a value: what we say we "got". */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * zod error option producing `must be <what> (got <kind>)` on a type mismatch, so a message reads
 * `worker.json: goal.success_criteria must be an array of strings (got string)`.
 */
export function expect(what: string) {
  return {
    error: (iss: { code?: string; input?: unknown }) =>
      iss.code === 'invalid_type' ? `must be ${what} (got ${kindOf(iss.input)})` : undefined,
  };
}

/** `goal.success_criteria[2]` from a zod issue path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

/** Turns zod issues into `<label>: <field> <message>` lines (at most `max`). */
export function describeIssues(
  label: string,
  error: z.ZodError,
  max = 8,
  prefix: PropertyKey[] = [],
): string[] {
  const lines = error.issues.slice(0, max).map((iss) => {
    const field = fieldPath([...prefix, ...iss.path]);
    return field ? `${label}: ${field} ${iss.message}` : `${label}: ${iss.message}`;
  });
  if (error.issues.length > max) lines.push(`${label}: … and ${error.issues.length - max} more problems`);
  return lines;
}

/** Parses `value` with `schema`; throws ColonyFileError naming the file and field on failure. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  file: string,
  label: string,
  prefix: PropertyKey[] = [],
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ColonyFileError(file, describeIssues(label, result.error, 8, prefix));
}

/**
 * Reads and parses a JSON file. Missing file → `undefined`; unreadable or invalid JSON → ColonyFileError
 * (`worker.json: not valid JSON (…)`).
 */
export async function readJsonFile(file: string, label: string): Promise<unknown | undefined> {
  let text: string;
  try {
    text = await readTextSafe(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new ColonyFileError(file, [`${label}: cannot be read (${code ?? (err as Error).message})`]);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ColonyFileError(file, [`${label}: not valid JSON (${(err as Error).message})`]);
  }
}
