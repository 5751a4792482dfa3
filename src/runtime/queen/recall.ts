import { z } from 'zod';
import { listMemories, type MemoryFile, type MemoryType } from './memory';
import type { ReflectionDirs } from './memory-ops';
import {
  type Clock,
  type Complete,
  errorMessage,
  parseJsonReply,
  type QueenLogger,
  silentLogger,
} from './types';

/**
 * Recall (docs/hive-format.md §3 rule 21): before each user message, pick the few memories relevant to it and put them
 * in the queen's system prompt. As Hive does, a small model call over names and descriptions picks them
 * (`select`); keyword scoring is the fallback, optionally reranked by the model.
 */

export interface RecallScope {
  /** Heading in the prompt, e.g. "Global Memories" or "Queen Memories: queen_growth". */
  label: string;
  dir: string;
}

export interface RecalledMemory {
  scope: string;
  filename: string;
  name: string;
  description: string;
  type: MemoryType | null;
  body: string;
  mtimeMs: number;
  score: number;
}

export interface RecallOptions {
  query: string;
  scopes: readonly RecallScope[];
  maxResults?: number;
  /** Upper bound on the characters the recalled memories add to the prompt. */
  charBudget?: number;
  /** With `rerank`, one JSON-mode call orders the keyword candidates. */
  complete?: Complete;
  rerank?: boolean;
  /**
   * Hive's way (Hive: core/framework/agents/queen/recall_selector.py): one small model call picks the memory
   * files for the message from their names and descriptions; the keyword scoring is only the fallback when that
   * call fails (no model, an error, a reply that is not the JSON asked for).
   */
  select?: Complete;
  logger?: QueenLogger;
}

/** Recall scopes for a session's memory folders, labelled as Hive labels them in the prompt. */
export function recallScopesFor(dirs: ReflectionDirs): RecallScope[] {
  const scopes: RecallScope[] = [{ label: 'Global Memories', dir: dirs.global }];
  if (dirs.queen) scopes.push({ label: `Queen Memories: ${dirs.queenId ?? 'queen'}`, dir: dirs.queen });
  if (dirs.colony)
    scopes.push({ label: `Colony Memories: ${dirs.colonyName ?? 'colony'}`, dir: dirs.colony });
  return scopes;
}

const STOPWORDS = new Set(
  (
    'the and for are but not you your with this that have has had was were will would could should can ' +
    'what when where which who why how about into from they them their there then than our out all any ' +
    'some just like also been being does did doing its let lets me my mine we us is it an a of to in on'
  ).split(' '),
);

export function keywords(text: string): Set<string> {
  const out = new Set<string>();
  for (const raw of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (raw.length < 3 && !/^\d+$/.test(raw)) continue;
    if (STOPWORDS.has(raw)) continue;
    out.add(stem(raw));
  }
  return out;
}

// Just enough stemming that "preferences" meets "preference" and "deploys" meets "deploy".
function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** Who the user is helps every answer (a greeting included), so profiles always score a little. */
const PROFILE_BASELINE = 0.5;

/** Each query word counts once, where it matters most: name 3, description 2, body 1. */
export function scoreMemory(queryWords: ReadonlySet<string>, memory: MemoryFile): number {
  const name = keywords(`${memory.name ?? ''} ${memory.filename.replace(/\.md$/, '')}`);
  const description = keywords(memory.description ?? '');
  const body = keywords(memory.body);
  let score = 0;
  for (const word of queryWords) {
    if (name.has(word)) score += 3;
    else if (description.has(word)) score += 2;
    else if (body.has(word)) score += 1;
  }
  if (score === 0 && memory.type === 'profile') return PROFILE_BASELINE;
  return score;
}

export async function recallMemories(opts: RecallOptions): Promise<RecalledMemory[]> {
  // Listed once: the keyword fallback after a failed selection reads the same files.
  const listed = await listScopes(opts);
  if (opts.select) {
    const picked = await selectByModel(opts, opts.select, listed);
    if (picked) return withinBudget(opts, picked);
  }
  return recallByKeywords(opts, listed);
}

/** One scope's memory files, as listed once per recall. */
interface ListedScope {
  label: string;
  files: MemoryFile[];
}

/** Each scope's memory files, by scope index; a scope that cannot be listed is skipped with a warning. */
async function listScopes(opts: RecallOptions): Promise<ListedScope[]> {
  const logger = opts.logger ?? silentLogger;
  const out: ListedScope[] = [];
  for (const scope of opts.scopes) {
    try {
      out.push({ label: scope.label, files: await listMemories(scope.dir) });
    } catch (err) {
      logger.warn(`Recall skipped ${scope.label}: ${errorMessage(err)}`);
      out.push({ label: scope.label, files: [] });
    }
  }
  return out;
}

// Hive's SELECT_MEMORIES_SYSTEM_PROMPT (recall_selector.py), for ids that name the scope too.
const SELECT_SYSTEM =
  "You are selecting memories that will be useful to the Queen agent as it processes a user's query.\n\n" +
  "You will be given the user's query and a list of available memory files with their ids and descriptions.\n\n" +
  'Return a JSON object with a single key "selected_memories" containing a list of ids for the memories that ' +
  "will clearly be useful as the Queen processes the user's query (up to 5).\n\n" +
  'Only include memories that you are certain will be helpful based on their name and description.\n' +
  "- If you are unsure if a memory will be useful in processing the user's query, then do not include it in " +
  'your list.  Be selective and discerning.\n' +
  '- If there are no memories in the list that would clearly be useful, return an empty list.';

const SelectReply = z.object({ selected_memories: z.array(z.string()) });

/** The model's pick, best first; undefined when it could not be had (the caller falls back to keywords). */
async function selectByModel(
  opts: RecallOptions,
  complete: Complete,
  listed: ListedScope[],
): Promise<RecalledMemory[] | undefined> {
  const logger = opts.logger ?? silentLogger;
  const byId = new Map<string, RecalledMemory>();
  for (const [i, scope] of listed.entries())
    for (const file of scope.files) byId.set(`${i + 1}/${file.filename}`, toRecalled(scope.label, file, 0));
  if (byId.size === 0) return []; // Hive makes no call without memories
  const manifest = [...byId]
    .map(([id, m]) => `- ${id} [${m.scope}] ${m.name}${m.description ? `: ${m.description}` : ''}`)
    .join('\n');
  try {
    const raw = await complete({
      system: SELECT_SYSTEM,
      messages: [
        { role: 'user', content: `## User query\n\n${opts.query}\n\n## Available memories\n\n${manifest}` },
      ],
      maxTokens: 1024,
    });
    const { selected_memories } = SelectReply.parse(parseJsonReply(raw));
    return [...new Set(selected_memories)]
      .map((id) => byId.get(id))
      .filter((m): m is RecalledMemory => m !== undefined)
      .slice(0, opts.maxResults ?? 5);
  } catch (err) {
    logger.warn(`Recall selection by the model failed, keywords used instead: ${errorMessage(err)}`);
    return undefined;
  }
}

async function recallByKeywords(opts: RecallOptions, listed: ListedScope[]): Promise<RecalledMemory[]> {
  const maxResults = opts.maxResults ?? 5;
  const logger = opts.logger ?? silentLogger;
  const words = keywords(opts.query);
  const candidates: RecalledMemory[] = [];
  for (const scope of listed) {
    for (const file of scope.files) {
      const score = scoreMemory(words, file);
      if (score > 0) candidates.push(toRecalled(scope.label, file, score));
    }
  }
  candidates.sort((a, b) => b.score - a.score || b.mtimeMs - a.mtimeMs);
  let ordered = candidates.slice(0, maxResults * 3);
  if (opts.rerank && opts.complete && ordered.length > 1) {
    ordered = (await rerank(opts.query, ordered, maxResults, opts.complete, logger)) ?? ordered;
  }
  return withinBudget(opts, ordered);
}

/** The first memories that fit the budget, grouped by scope in the order the scopes were given. */
function withinBudget(opts: RecallOptions, ordered: RecalledMemory[]): RecalledMemory[] {
  const maxResults = opts.maxResults ?? 5;
  const budget = opts.charBudget ?? 4000;
  const chosen: RecalledMemory[] = [];
  let used = 0;
  for (const memory of ordered) {
    if (chosen.length >= maxResults) break;
    const size = formatMemory(memory, Number.POSITIVE_INFINITY).length;
    if (used + size > budget) continue;
    chosen.push(memory);
    used += size;
  }
  // Grouped in the order the scopes were given (stable prompt layout); best first within each.
  const scopeOrder = opts.scopes.map((s) => s.label);
  return chosen
    .map((m, rank) => ({ m, rank }))
    .sort((a, b) => scopeOrder.indexOf(a.m.scope) - scopeOrder.indexOf(b.m.scope) || a.rank - b.rank)
    .map(({ m }) => m);
}

const RerankReply = z.object({ selected: z.array(z.number().int()) });

async function rerank(
  query: string,
  candidates: RecalledMemory[],
  maxResults: number,
  complete: Complete,
  logger: QueenLogger,
): Promise<RecalledMemory[] | undefined> {
  const list = candidates.map((m, i) => `${i + 1}. [${m.scope}] ${m.name}: ${m.description}`).join('\n');
  try {
    const raw = await complete({
      system:
        `Pick the memories that will clearly help answer the user's message (at most ${maxResults}), ` +
        'most useful first. Leave out anything you are unsure about. ' +
        'Answer with only JSON: {"selected": [<numbers from the list>]}',
      messages: [{ role: 'user', content: `## Message\n\n${query}\n\n## Memories\n\n${list}` }],
      maxTokens: 200,
    });
    const { selected } = RerankReply.parse(parseJsonReply(raw));
    const picked = [...new Set(selected)]
      .filter((n) => n >= 1 && n <= candidates.length)
      .map((n) => candidates[n - 1]!);
    return picked;
  } catch (err) {
    logger.warn(`Recall rerank failed, keeping keyword order: ${errorMessage(err)}`);
    return undefined;
  }
}

function toRecalled(scope: string, file: MemoryFile, score: number): RecalledMemory {
  return {
    scope,
    filename: file.filename,
    name: file.name ?? file.filename.replace(/\.md$/, ''),
    description: file.description ?? '',
    type: file.type,
    body: file.body,
    mtimeMs: file.mtimeMs,
    score,
  };
}

const TWO_DAYS_MS = 48 * 3600 * 1000;

function formatMemory(memory: RecalledMemory, nowMs: number): string {
  const age = nowMs - memory.mtimeMs;
  const days = Math.floor(age / 86_400_000);
  const ageNote = age > TWO_DAYS_MS && Number.isFinite(age) ? ` (${days} days old)` : '';
  const summary = memory.description ? `**${memory.name}**: ${memory.description}` : `**${memory.name}**`;
  return `### ${memory.filename}${ageNote}\n\n${summary}\n\n${memory.body}`;
}

/** The recall section of the system prompt, grouped by scope; '' when nothing was recalled. */
export function formatRecallBlock(recalled: readonly RecalledMemory[], now: Clock = Date.now): string {
  const scopes = [...new Set(recalled.map((m) => m.scope))];
  return scopes
    .map((scope) => {
      const body = recalled
        .filter((m) => m.scope === scope)
        .map((m) => formatMemory(m, now()))
        .join('\n\n---\n\n');
      return `--- ${scope} ---\n\n${body}\n\n--- End ${scope} ---`;
    })
    .join('\n\n');
}
