import { type ParseArgsConfig, parseArgs } from 'node:util';
import { HiveError } from '../runtime/errors';

/**
 * Exit codes: 0 ok; 1 runtime failure (no API key, model unreachable or failing after its retries);
 * 2 bad usage or an unknown session id (`sessions show`, `chat --session`); 3 a locked session (open in
 * another process, or it created a colony); 130 a chat stopped by Ctrl-C (see exitStatusOf in run.ts).
 */
export class UsageError extends HiveError {
  override name = 'UsageError';
  constructor(message: string) {
    super('USAGE', message);
  }
}

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Environment for HIVE_HOME, the API key and retry settings; the process environment when omitted. */
  env?: NodeJS.ProcessEnv;
  /** Long-running commands (colony run) stop when this resolves (its value is printed); default SIGINT/SIGTERM. */
  untilStopped?: () => Promise<string>;
  /** Ctrl-C: the handler runs instead of the default exit; returns the function that removes it. */
  onInterrupt?: (handler: () => void) => () => void;
}

type CliOptions = NonNullable<ParseArgsConfig['options']>;

/** A command's argv: strict, positionals allowed; a bad argument is a UsageError (exit 2), one line. */
export function parseCliArgs<O extends CliOptions>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!);
  }
}
