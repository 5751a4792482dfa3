import { nodeTooOld } from './node-version';
import { runCli } from './run';

// node:sqlite (colonies' progress.db) is built into Node from 22.13; an older Node gets one line, not a half-working CLI.
const tooOld = nodeTooOld(process.versions.node);
if (tooOld) {
  process.stderr.write(`hive: ${tooOld}\n`);
  process.exit(1);
}

// Exit as soon as the command is done: a failed run may leave background work (a reflection retrying an
// unreachable model) that must not hold the terminal. A successful chat waited for its reflection already.
runCli(process.argv.slice(2)).then(
  // Exit once stdout has taken everything: a large listing into a pipe is still being written here.
  (code) => process.stdout.write('', () => process.exit(code)),
  (err: unknown) => {
    process.stderr.write(`hive: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
