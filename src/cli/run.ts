import { colonyCommand } from './colony';
import { sessionsCommand } from './sessions';
import { type CliIo, UsageError } from './usage';

export { type CliIo, UsageError } from './usage';

const USAGE = `usage: hive <command> [options]

commands:
  sessions list [--home DIR] [--json] [--limit N]   past sessions, newest activity first
  sessions show <session_id> [--home DIR] [--json]  one session's details and transcript
  colony run <folder> [--home DIR] [--queen ID] [--resume SESSION_ID] [--missed run|skip] [--no-reflection]
                                                    run a colony's triggers headless until Ctrl+C

HIVE_HOME: --home, else the HIVE_HOME environment variable, else ~/.hive`;

const processIo: CliIo = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
};

export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
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
    if (command === 'sessions') return await sessionsCommand(rest, io);
    if (command === 'colony') return await colonyCommand(rest, io);
    throw new UsageError(`unknown command "${command}" (try: hive --help)`);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`hive: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
