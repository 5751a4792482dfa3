import { HiveError } from '../runtime/errors';
import type { ChatDeps } from './chat';
import { safeText } from './terminal';
import { type CliIo, UsageError } from './usage';

export { type CliIo, UsageError } from './usage';

const USAGE = `usage: hive <command> [options]

commands:
  sessions list [--home DIR] [--json] [--limit N]   past sessions, newest activity first
  sessions show <session_id> [--home DIR] [--json]  one session's details and transcript
  colony run <name|folder> [options]                run a colony's triggers headless until Ctrl+C / SIGTERM
                                                    (a name is a colony of HIVE_HOME/colonies)
  colony secrets <folder-or-name> [--home DIR] [--json]  each webhook trigger's URL and secret
  chat [options] "message"                          one message to a queen; the answer streams to stdout

colony run options:
  --queen QUEEN_ID / --resume SESSION_ID   the queen of a new session, or continue that session
  --missed run|skip   fires missed while nothing ran: run each trigger once, or drop them
  --model M, --base-url URL   as for chat
  --auto-approve      let the queen's write/command tools run; without it they are denied
  --no-reflection     no memory reflection after turns and on stop
  --worker            a worker-only session instead: the colony's worker runs its task (worker.json
                      goal, or --task TEXT) once, its answer streams to stdout, then it exits
  Prints the webhook URLs, where the secrets are (under HIVE_HOME, 0600) and every fire.

chat options:
  --session ID      continue that session (resumed in its folder, with its history)
  --queen QUEEN_ID  the queen of a new session (default: the first message picks one)
  --model M         model id (default: configuration.json llm.model, else claude-sonnet-4)
  --base-url URL    Anthropic-compatible endpoint (default: configuration.json, ANTHROPIC_BASE_URL)
  --workspace DIR   give the queen read-only tools over DIR
  --json            every session event as one JSON line instead of the text
  --auto-approve    run write/command tools without asking; without it they are denied
                    (a non-interactive run has no one to ask) and a notice goes to stderr
  --retries N       model retries after the first try (default 4); HIVE_RETRY_BASE_MS sets the backoff
  --verbose         retries, warnings and approvals on stderr
  The session id goes to stderr ("session <id>"). Ctrl-C stops the turn and the session cleanly.
  API key: ANTHROPIC_API_KEY, else the variable configuration.json names in llm.api_key_env_var.

HIVE_HOME: --home, else the HIVE_HOME environment variable, else ~/.hive
exit codes: 0 ok; 1 no API key, model unreachable or failed after retries;
            2 bad usage or unknown session id; 3 the session is locked (open in another process,
            or it created a colony: continue in the colony); 130 chat stopped by Ctrl-C
Other failures print "hive: CODE: message" with a stable CODE (e.g. SESSION_LOCKED, PATH_ESCAPE).`;

const processIo: CliIo = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  onInterrupt: (handler) => {
    let count = 0;
    // The first Ctrl-C stops cleanly; a second one does not wait for that.
    const onSigint = () => (++count === 1 ? handler() : process.exit(130));
    process.on('SIGINT', onSigint);
    return () => process.off('SIGINT', onSigint);
  },
};

/** What an in-process caller (a host with live sessions, a test) can hand the commands. */
export interface CliContext extends ChatDeps {
  /** Ids of the sessions live in this process: `sessions list` marks them. */
  liveSessionIds?: () => Iterable<string>;
}

export async function runCli(
  argv: string[],
  given: CliIo = processIo,
  ctx: CliContext = {},
): Promise<number> {
  // Session names, messages and file content reach the terminal: their control characters are shown
  // escaped, never run (JSON output has none left raw: JSON.stringify escapes them).
  const io: CliIo = { ...given, out: (s) => given.out(safeText(s)), err: (s) => given.err(safeText(s)) };
  try {
    const [command, ...rest] = argv;
    if (!command || command === '--help' || command === '-h') {
      io.out(`${USAGE}\n`);
      return command ? 0 : 2;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(`${USAGE}\n`);
      return 0;
    }
    // Each command's modules load when it runs: listing sessions never evaluates the model SDK or zod.
    if (command === 'sessions') {
      const { sessionsCommand } = require('./sessions') as typeof import('./sessions');
      return await sessionsCommand(rest, io, ctx);
    }
    if (command === 'chat') {
      const { chatCommand } = require('./chat') as typeof import('./chat');
      return await chatCommand(rest, io, ctx);
    }
    if (command === 'colony') {
      const { colonyCommand } = require('./colony') as typeof import('./colony');
      return await colonyCommand(rest, io);
    }
    throw new UsageError(`unknown command "${command}" (try: hive --help)`);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`hive: ${err.message}\n`);
      return 2;
    }
    if (err instanceof HiveError) {
      // Our own errors print their stable code, which scripts can match; the exit status follows it.
      io.err(`hive: ${err.code}: ${err.message}\n`);
      return exitStatusOf(err.code);
    }
    throw err;
  }
}

/** The exit status for an error code (see the exit codes in USAGE). */
export function exitStatusOf(code: string): number {
  if (code === 'INVALID_ID' || code === 'SESSION_NOT_FOUND' || code === 'QUEEN_NOT_FOUND') return 2;
  if (code === 'SESSION_SPAWNED_COLONY' || code === 'SESSION_LOCKED') return 3;
  return 1;
}
