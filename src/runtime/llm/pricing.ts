/**
 * Token prices, for a cost figure per turn when the model is known. USD per million tokens.
 * Cache writes (5-minute TTL) cost 1.25x input and cache reads 0.1x input unless a row says otherwise.
 * Unknown models get no cost rather than a guess; `ModelConfig.prices` adds or overrides rows.
 */
import type { TurnUsage } from './types';

export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite?: number;
  cacheRead?: number;
}

export type PriceTable = Record<string, ModelPrice>;

// Published list prices (standard tier, prompts up to 200k tokens).
export const DEFAULT_PRICES: PriceTable = {
  'claude-opus-4-6': { input: 5, output: 25 },
  'claude-sonnet-4-6': { input: 3, output: 15 },
  'claude-opus-4-5': { input: 5, output: 25 },
  'claude-opus-4-1': { input: 15, output: 75 },
  'claude-opus-4': { input: 15, output: 75 },
  'claude-sonnet-4-5': { input: 3, output: 15 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-3-7-sonnet': { input: 3, output: 15 },
  'claude-3-5-sonnet': { input: 3, output: 15 },
  'claude-haiku-4-5': { input: 1, output: 5 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
  'claude-3-haiku': { input: 0.25, output: 1.25 },
  'claude-3-opus': { input: 15, output: 75 },
};

/**
 * Exact name first, then the longest table key the name starts with followed by `-`
 * (so `claude-sonnet-4-5-20250929` prices as `claude-sonnet-4-5`, never as `claude-sonnet-4`).
 */
export function priceFor(model: string, extra: PriceTable = {}): ModelPrice | undefined {
  const table = { ...DEFAULT_PRICES, ...extra };
  if (table[model]) return table[model];
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (!model.startsWith(`${key}-`)) continue;
    const rest = model.slice(key.length + 1);
    // Only a date or `latest` may follow: `claude-opus-4-8` must not price as `claude-opus-4`.
    if (!/^(\d{8}|latest)$/.test(rest)) continue;
    if (!best || key.length > best.length) best = key;
  }
  return best ? table[best] : undefined;
}

export function costOf(usage: Omit<TurnUsage, 'cost_usd'>, price: ModelPrice): number {
  const cacheWrite = price.cacheWrite ?? price.input * 1.25;
  const cacheRead = price.cacheRead ?? price.input * 0.1;
  const usd =
    (usage.input_tokens * price.input +
      usage.output_tokens * price.output +
      usage.cache_creation_input_tokens * cacheWrite +
      usage.cache_read_input_tokens * cacheRead) /
    1_000_000;
  return Math.round(usd * 1e8) / 1e8;
}

/** Adds two usages; the cost stays undefined unless both sides had one. */
export function addUsage(a: TurnUsage, b: TurnUsage): TurnUsage {
  const sum: TurnUsage = {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    cache_read_input_tokens: a.cache_read_input_tokens + b.cache_read_input_tokens,
    cache_creation_input_tokens: a.cache_creation_input_tokens + b.cache_creation_input_tokens,
  };
  if (a.cost_usd !== undefined && b.cost_usd !== undefined)
    sum.cost_usd = Math.round((a.cost_usd + b.cost_usd) * 1e8) / 1e8;
  return sum;
}

export const ZERO_USAGE: TurnUsage = {
  input_tokens: 0,
  output_tokens: 0,
  cache_read_input_tokens: 0,
  cache_creation_input_tokens: 0,
  cost_usd: 0,
};

/** Every input token the prompt cost, cached or not (what Hive's events call `input_tokens`). */
export function totalInputTokens(u: TurnUsage): number {
  return u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
}
