/**
 * The base of every error this project throws on purpose. `code` is stable (callers, the CLI's exit
 * status and tests branch on it); the message is for people and may change. Errors from Node (ENOENT…)
 * and from libraries are not wrapped: they keep their own codes.
 */
export class HiveError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    // Each subclass sets `name` too: a minifier may rename classes, and logs show the name.
    this.name = 'HiveError';
  }
}

/** The stable code of a HiveError, or undefined for anything else. */
export function hiveErrorCode(err: unknown): string | undefined {
  return err instanceof HiveError ? err.code : undefined;
}
