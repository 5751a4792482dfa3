/** Exit codes: 0 ok, 1 runtime failure (model unreachable, missing key), 2 bad usage or unknown id. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Environment for HIVE_HOME; the process environment when omitted. */
  env?: NodeJS.ProcessEnv;
  /** Long-running commands (colony run) stop when this resolves (its value is printed); default SIGINT/SIGTERM. */
  untilStopped?: () => Promise<string>;
}
