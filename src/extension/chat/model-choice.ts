// The chat header's model picker and context gauge, host side: which model a session uses (its own
// choice, else the configured one), the configured choices, switching, and the gauge's first value.
// No vscode: the settings arrive as plain values.
import path from 'node:path';
import { readSessionDigest } from '../../runtime/events/session-digest';
import { contextWindowFor } from '../../runtime/llm/context-window';
import { updateMeta } from '../../runtime/storage/meta';
import { type ContextGauge, MODEL_ID_PATTERN, type ModelChoice } from '../../shared/protocol';
import type { ChatSession } from './session-sources';

/** `hive.model` (resolved) and `hive.models`. */
export interface ModelsConfig {
  model: string;
  models: readonly string[];
}

interface WithModel {
  readonly model?: unknown;
  setModel?(model: string): Promise<void>;
  readonly dir?: unknown;
  readonly context?: unknown;
}

export function modelChoiceOf(session: ChatSession, config: ModelsConfig): ModelChoice {
  const own = (session as WithModel).model;
  const model = typeof own === 'string' && own ? own : config.model;
  const models = [...new Set(config.models.filter((m) => MODEL_ID_PATTERN.test(m)))];
  return { model, models };
}

/**
 * A running session switches from its next call on (LiveSession.setModel keeps it in meta.json); a
 * session read from disk gets meta.json `model` now, which its resume picks up.
 */
export async function setSessionModel(session: ChatSession, model: string): Promise<void> {
  if (!MODEL_ID_PATTERN.test(model)) throw new Error(`not a model id: ${model.slice(0, 80)}`);
  const s = session as WithModel;
  if (typeof s.setModel === 'function') {
    await s.setModel(model);
    return;
  }
  if (typeof s.dir !== 'string') throw new Error('this session has no folder to keep its model in');
  await updateMeta(s.dir, { model });
}

/** The gauge when a panel opens a session: what the feed saw, else the last call in events.jsonl. */
export async function initialContext(
  session: ChatSession,
  seen: ContextGauge | undefined,
): Promise<ContextGauge | undefined> {
  if (seen) return seen;
  const s = session as WithModel;
  const known = s.context as { tokens?: unknown; model?: unknown } | undefined;
  let last =
    known && typeof known.tokens === 'number'
      ? { tokens: known.tokens, model: String(known.model ?? '') }
      : undefined;
  if (!last && typeof s.dir === 'string') {
    try {
      last = (await readSessionDigest(path.join(s.dir, 'events.jsonl'))).context;
    } catch {
      last = undefined;
    }
  }
  if (!last || last.tokens <= 0) return undefined;
  return { tokens: last.tokens, window: contextWindowFor(last.model), model: last.model };
}
