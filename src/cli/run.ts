/** Exit codes: 0 ok, 1 runtime failure (model unreachable, missing key), 2 bad usage or unknown id. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const USAGE = `usage: hive <command> [options]

commands:
  sessions list [--home DIR] [--json]
  sessions show <session_id> [--home DIR] [--json]`;

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const processIo: CliIo = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
};

export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    const [command] = argv;
    if (!command || command === '--help' || command === '-h') {
      io.out(`${USAGE}\n`);
      return command ? 0 : 2;
    }
    throw new UsageError(`unknown command "${command}" (try: hive --help)`);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`hive: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
