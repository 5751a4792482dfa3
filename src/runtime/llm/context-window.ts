/**
 * A model's context window in tokens: what the compactor plans against and the chat's gauge shows.
 * Claude Opus 4.6 and Sonnet 4.6 have 1M windows (platform.claude.com/docs/en/models/opus-4-6/overview,
 * .../sonnet-4-6/overview); the other Claude models the API serves by default have 200k (their 1M
 * windows are a beta opt-in we do not send). A configured window wins.
 */
export const DEFAULT_CONTEXT_WINDOW = 200_000;

const MILLION_TOKEN_MODELS = ['claude-opus-4-6', 'claude-sonnet-4-6'];

export function contextWindowFor(model: string, configured?: number): number {
  if (configured && configured > 0) return configured;
  // A dated or `-latest` id shares its family's window.
  return MILLION_TOKEN_MODELS.some((m) => model === m || model.startsWith(`${m}-`))
    ? 1_000_000
    : DEFAULT_CONTEXT_WINDOW;
}
