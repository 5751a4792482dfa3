/** The model layer: every LLM call in the runtime goes through a ModelProvider from here. */
export { type CompleteOptions, type CompletionResult, complete, completeJson, extractJson } from './complete';
export { classifyError, ModelError, type ModelErrorKind } from './errors';
export {
  addUsage,
  costOf,
  DEFAULT_PRICES,
  type ModelPrice,
  type PriceTable,
  priceFor,
  totalInputTokens,
  ZERO_USAGE,
} from './pricing';
export { AnthropicProvider, DEFAULT_CONTEXT_WINDOW, DEFAULT_MAX_TOKENS, type ProviderDeps } from './provider';
export { buildMessagesBody, withPrefixBreakpoint } from './request';
export {
  abortableSleep,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  type RetryPolicy,
  retryDelay,
  type Sleep,
} from './retry';
export { loadSdk, sdkRequested } from './sdk';
export { TurnAssembler, toolUse } from './stream-assembly';
export type * from './types';
