/**
 * A model's context window in tokens: what the compactor plans against and the chat's gauge shows. Every
 * Claude model the API serves by default has a 200k window (1M windows are a beta opt-in we do not send).
 */
export const DEFAULT_CONTEXT_WINDOW = 200_000;

export function contextWindowFor(_model: string, configured?: number): number {
  return configured && configured > 0 ? configured : DEFAULT_CONTEXT_WINDOW;
}
