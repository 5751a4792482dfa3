/**
 * One-shot helpers over a provider, for the small calls around the agent loop: queen selection,
 * reflection, compaction summaries. Non-streamed, same retries, same typed errors.
 */
import { ModelError } from './errors';
import type { ModelMessage, ModelProvider, ModelTurn, StreamCallbacks } from './types';

export interface CompleteOptions {
  system?: string;
  /** A single user message; or give `messages`. */
  prompt?: string;
  messages?: ModelMessage[];
  model?: string;
  maxTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
  onRetry?: StreamCallbacks['onRetry'];
}

export interface CompletionResult {
  text: string;
  turn: ModelTurn;
}

export async function complete(provider: ModelProvider, opts: CompleteOptions): Promise<CompletionResult> {
  const messages = opts.messages ?? [{ role: 'user' as const, content: opts.prompt ?? '' }];
  if (messages.length === 0) throw new ModelError('bad_request', 'complete() needs a prompt or messages');
  const turn = await provider.complete(
    {
      system: opts.system,
      messages,
      model: opts.model,
      maxTokens: opts.maxTokens,
      temperature: opts.temperature,
      // One-shot prompts are rarely repeated verbatim; caching them would only cost the write premium.
      cache: false,
    },
    { signal: opts.signal, onRetry: opts.onRetry },
  );
  return { text: turn.text, turn };
}

const JSON_INSTRUCTION = 'Reply with a single JSON value and nothing else: no prose, no code fence.';

/**
 * Asks for JSON and parses the reply (tolerating a code fence or prose around it). `validate` may
 * check or reshape the value and throw; any failure is a ModelError of kind `invalid_response`.
 */
export async function completeJson<T = unknown>(
  provider: ModelProvider,
  opts: CompleteOptions & { validate?: (value: unknown) => T },
): Promise<{ value: T; turn: ModelTurn }> {
  const system = opts.system ? `${opts.system}\n\n${JSON_INSTRUCTION}` : JSON_INSTRUCTION;
  const { text, turn } = await complete(provider, { ...opts, system });
  const parsed = extractJson(text);
  try {
    return { value: opts.validate ? opts.validate(parsed) : (parsed as T), turn };
  } catch (err) {
    throw new ModelError('invalid_response', `the model's JSON did not validate: ${describe(err)}`, {
      cause: err,
      retryable: false,
    });
  }
}

/** The first complete JSON object or array in `text`. */
export function extractJson(text: string): unknown {
  const trimmed = text.trim();
  try {
    return JSON.parse(trimmed);
  } catch {
    // fall through to scanning
  }
  for (let start = 0; start < trimmed.length; start++) {
    const c = trimmed[start];
    if (c !== '{' && c !== '[') continue;
    const end = matchingEnd(trimmed, start);
    if (end < 0) continue;
    try {
      return JSON.parse(trimmed.slice(start, end + 1));
    } catch {
      // not JSON after all; keep looking
    }
  }
  throw new ModelError(
    'invalid_response',
    `the model did not answer with JSON: ${JSON.stringify(text.slice(0, 200))}`,
    {
      retryable: false,
    },
  );
}

/** Index of the bracket closing the one at `start`, skipping strings; -1 if unbalanced. */
function matchingEnd(s: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
