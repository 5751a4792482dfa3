import { runCli } from './run';

// Exit as soon as the command is done: a failed run may leave background work (a reflection retrying an
// unreachable model) that must not hold the terminal. A successful chat waited for its reflection already.
runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`hive: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
