/** Small shared shapes of the queen modules; everything from the outside world is injected. */

export interface CompletionMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface CompletionRequest {
  system: string;
  messages: CompletionMessage[];
  maxTokens?: number;
}

/**
 * One non-streaming model call returning the reply text. The real implementation comes from the
 * model provider in `src/runtime/llm`; tests pass a scripted completer.
 */
export type Complete = (req: CompletionRequest) => Promise<string>;

export interface QueenLogger {
  warn(message: string): void;
  info?(message: string): void;
}

export const silentLogger: QueenLogger = { warn() {} };

/** Milliseconds since the epoch (Date.now by default; tests pass a fake clock). */
export type Clock = () => number;

/**
 * Extracts the first JSON value from a model reply: models sometimes wrap JSON in a markdown
 * fence or add a sentence before it. Throws SyntaxError when nothing parses.
 */
export function parseJsonReply(raw: string): unknown {
  const text = raw.trim();
  try {
    return JSON.parse(text);
  } catch {
    // fall through to the extraction below
  }
  for (const [open, close] of [
    ['{', '}'],
    ['[', ']'],
  ] as const) {
    const start = text.indexOf(open);
    const end = text.lastIndexOf(close);
    if (start !== -1 && end > start) {
      try {
        return JSON.parse(text.slice(start, end + 1));
      } catch {
        // try the other bracket kind
      }
    }
  }
  throw new SyntaxError(`reply is not JSON: ${JSON.stringify(text.slice(0, 120))}`);
}

export function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/** The first problem zod found, as a dotted field path (undefined for the whole value) and a message. */
export function firstIssue(error: { issues: readonly { path: PropertyKey[]; message: string }[] }): {
  field: string | undefined;
  message: string;
} {
  const issue = error.issues[0];
  return { field: issue?.path.map(String).join('.') || undefined, message: issue?.message ?? 'invalid' };
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
