import { MAX_MEMORY_FILE_BYTES, MAX_MEMORY_FILES, MEMORY_TYPES, recordReflectionError } from './memory';
import {
  applyMemoryOps,
  describeMemories,
  MAX_OPS_PER_REFLECTION,
  parseMemoryOps,
  type ReflectionDirs,
} from './memory-ops';
import { type Clock, type Complete, errorMessage, type QueenLogger, silentLogger } from './types';

/**
 * Reflection (docs/hive-format.md §3 rule 21): after queen turns, a background model call distils
 * durable facts about the user into memory files. Short reflections read the recent conversation;
 * long ones tidy the memory folders. One runs at a time; the one on stop is shielded.
 */

export type ReflectionKind = 'short' | 'long';

/** A conversation part as stored (docs/hive-format.md §2.3); only role and text content are used. */
export interface TranscriptPart {
  role: string;
  content?: unknown;
}

export interface ReflectionResult {
  kind: ReflectionKind;
  trigger: 'turn' | 'compaction' | 'stop';
  /** `scope:file` of each memory written or deleted. */
  changed: string[];
  /** Rejected or failed operations, and a whole-run failure. */
  errors: string[];
  /** Why nothing was asked of the model (no conversation, no memories). */
  skipped?: string;
}

export interface ReflectionOptions {
  complete: Complete;
  dirs: ReflectionDirs;
  /** The queen's conversation parts, oldest first (the session wires its part store here). */
  readTranscript: () => Promise<readonly TranscriptPart[]>;
  now?: Clock;
  logger?: QueenLogger;
  /** Called after every reflection run, success or not. */
  onResult?: (result: ReflectionResult) => void;
}

const TRANSCRIPT_PARTS = 50;
const PART_CHARS = 800;
const MEMORY_CONTEXT_CHARS = 12_000;
const LONG_EVERY = 5;
const SHORT_EVERY = 3;
const SHORT_COOLDOWN_MS = 300_000;

/** One reflection, never throwing: failures land in `errors` and in `.reflection_error.txt`. */
export async function runReflection(
  kind: ReflectionKind,
  trigger: ReflectionResult['trigger'],
  opts: ReflectionOptions,
): Promise<ReflectionResult> {
  const result: ReflectionResult = { kind, trigger, changed: [], errors: [] };
  try {
    const memories = await describeMemories(opts.dirs, MEMORY_CONTEXT_CHARS);
    let user: string;
    if (kind === 'short') {
      const transcript = formatTranscript(await opts.readTranscript());
      if (!transcript) return done({ ...result, skipped: 'no conversation yet' }, opts);
      user = `## Recent conversation\n\n${transcript}\n\n## Existing memories\n\n${memories.text}`;
    } else {
      if (memories.count === 0) return done({ ...result, skipped: 'no memories to tidy' }, opts);
      user = `## Existing memories\n\n${memories.text}`;
    }
    const now = new Date((opts.now ?? Date.now)()).toISOString().slice(0, 16);
    const raw = await opts.complete({
      system: kind === 'short' ? shortPrompt(opts.dirs) : longPrompt(opts.dirs),
      messages: [{ role: 'user', content: `${user}\n\nTime: ${now}` }],
      maxTokens: 2048,
    });
    const parsed = parseMemoryOps(raw, opts.dirs);
    const applied = await applyMemoryOps(parsed.ops, opts.dirs);
    result.changed = applied.changed;
    result.errors = [...parsed.rejected, ...applied.failed];
  } catch (err) {
    result.errors.push(`${kind} reflection failed: ${errorMessage(err)}`);
  }
  if (result.errors.length) {
    (opts.logger ?? silentLogger).warn(`Reflection problems: ${result.errors.join('; ')}`);
    await recordReflectionError(
      opts.dirs.global,
      `${kind} reflection (${trigger})`,
      result.errors.join('\n'),
      opts.now,
    );
  }
  return done(result, opts);
}

function done(result: ReflectionResult, opts: ReflectionOptions): ReflectionResult {
  try {
    opts.onResult?.(result);
  } catch {
    // An observer's failure is not the reflection's.
  }
  return result;
}

/** Last 50 parts, tool results and empty parts left out, each cut to 800 characters. */
export function formatTranscript(parts: readonly TranscriptPart[]): string {
  const lines: string[] = [];
  for (const part of parts.slice(-TRANSCRIPT_PARTS)) {
    if (part.role === 'tool' || typeof part.content !== 'string') continue;
    let text = part.content.trim();
    if (!text) continue;
    if (text.length > PART_CHARS) text = `${text.slice(0, PART_CHARS)}…`;
    lines.push(`[${part.role === 'user' ? 'user' : 'assistant'}]: ${text}`);
  }
  return lines.join('\n');
}

/**
 * Decides when to reflect, from the queen's `llm_turn_complete` and `context_compacted` events:
 * tool turns only on every 5th turn; after the first run, also every 3rd turn or 300 s since the
 * last; never two at once (a trigger that finds one running is dropped); a long reflection after
 * the short one on every 5th turn, and on compaction.
 */
export class ReflectionScheduler {
  private turns = 0;
  private hasRun = false;
  private lastShortAt = 0;
  private running: Promise<unknown> | null = null;
  private stopped = false;
  private stopRun: Promise<ReflectionResult> | null = null;

  constructor(private readonly opts: ReflectionOptions) {}

  get turnCount(): number {
    return this.turns;
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  /** Returns the started reflection (for tests and shutdown), or null when this turn is skipped. */
  onTurnComplete(data: { stop_reason?: unknown }): Promise<ReflectionResult[]> | null {
    if (this.stopped) return null;
    this.turns++;
    const toolTurn = data.stop_reason === 'tool_use' || data.stop_reason === 'tool_calls';
    const withLong = this.turns % LONG_EVERY === 0;
    if (toolTurn && !withLong) return null;
    const now = this.now();
    if (this.hasRun && this.turns % SHORT_EVERY !== 0 && now - this.lastShortAt < SHORT_COOLDOWN_MS)
      return null;
    if (this.running) return null;
    this.hasRun = true;
    this.lastShortAt = now;
    return this.start(async () => {
      const results = [await runReflection('short', 'turn', this.opts)];
      if (withLong) results.push(await runReflection('long', 'turn', this.opts));
      return results;
    });
  }

  onContextCompacted(): Promise<ReflectionResult[]> | null {
    if (this.stopped || this.running) return null;
    return this.start(async () => [await runReflection('long', 'compaction', this.opts)]);
  }

  /**
   * The final short reflection of a stopping session. It waits for a reflection in progress,
   * then runs to completion whatever the caller does: race the returned promise against a
   * timeout to keep the stop fast, the memory is still written. Never rejects; a second call
   * returns the same run.
   */
  reflectOnStop(): Promise<ReflectionResult> {
    if (this.stopRun) return this.stopRun;
    this.stopped = true;
    const previous = this.running ?? Promise.resolve();
    const run = previous.catch(() => {}).then(() => runReflection('short', 'stop', this.opts));
    this.stopRun = run;
    this.track(run);
    trackShutdown(run);
    return run;
  }

  /** Resolves once nothing is running (including a stop reflection started before the call). */
  async whenIdle(): Promise<void> {
    while (this.running) await this.running.catch(() => {});
  }

  private start(task: () => Promise<ReflectionResult[]>): Promise<ReflectionResult[]> {
    const run = task();
    this.track(run);
    return run;
  }

  private track(run: Promise<unknown>): void {
    this.running = run;
    const clear = () => {
      if (this.running === run) this.running = null;
    };
    run.then(clear, clear);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }
}

// Stop reflections outlive their sessions; the host can wait for them before the process exits.
const shutdownReflections = new Set<Promise<unknown>>();

function trackShutdown(run: Promise<unknown>): void {
  shutdownReflections.add(run);
  const forget = () => shutdownReflections.delete(run);
  run.then(forget, forget);
}

/** Resolves when every stop reflection started so far has finished. */
export async function pendingShutdownReflections(): Promise<void> {
  await Promise.allSettled([...shutdownReflections]);
}

/** Waits for `promise` at most `ms`; the promise itself keeps running either way. */
export function waitAtMost(
  promise: Promise<unknown>,
  ms: number,
  timers: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout } = globalThis,
): Promise<'done' | 'timeout'> {
  return new Promise((resolve) => {
    const timer = timers.setTimeout(() => resolve('timeout'), ms);
    promise.then(
      () => {
        timers.clearTimeout(timer);
        resolve('done');
      },
      () => {
        timers.clearTimeout(timer);
        resolve('done');
      },
    );
  });
}

function scopesText(dirs: ReflectionDirs): string {
  return [
    '- global: facts about the user that help every queen',
    dirs.queen ? `- queen: how queen ${dirs.queenId ?? ''} in particular should work with this user` : '',
    dirs.colony ? `- colony: facts about the user that matter for colony ${dirs.colonyName ?? ''}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

const PROTOCOL = `Answer with only a JSON object, no markdown:
{"reason": "<one short sentence>", "ops": [
  {"op": "write", "scope": "global", "name": "<short title>", "description": "<one specific, searchable line>", "type": "<${MEMORY_TYPES.join('|')}>", "body": "<the memory>"},
  {"op": "delete", "scope": "global", "file": "<file name of an existing memory>"}
]}
Writing a memory whose name (or "file") already exists replaces it. At most ${MAX_OPS_PER_REFLECTION} operations; each file at most ${MAX_MEMORY_FILE_BYTES} bytes; at most ${MAX_MEMORY_FILES} files per scope.`;

function shortPrompt(dirs: ReflectionDirs): string {
  return `You maintain long-term memory about the USER of a team of AI leads. You run in the background after a conversation turn and decide what is worth remembering for future sessions.

Types: profile (who the user is: name, role, background), preference (how they like to work and be answered), environment (their tools, stack, setup), feedback (what they corrected or praised about how we work).

Scopes:
${scopesText(dirs)}

Rules:
- One topic per memory. Update an existing memory instead of adding a near-duplicate.
- The user's identity goes in global scope under the name "User profile"; never describe the assistant there.
- Do not store task details, code, file paths or anything only true for this session.
- Nothing worth keeping: return "ops": [].

${PROTOCOL}`;
}

function longPrompt(dirs: ReflectionDirs): string {
  return `You are tidying the long-term memory kept about the USER of a team of AI leads.

Scopes:
${scopesText(dirs)}

Merge memories that say the same thing (across scopes too), move misplaced ones to the right scope (write the new one, delete the old), delete stale or superseded ones, and sharpen vague descriptions. Keep the collection small and high-signal. Do not invent anything: only reorganise what is there. Nothing to change: return "ops": [].

${PROTOCOL}`;
}
