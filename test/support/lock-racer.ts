// A child process for the session-lock race test: on "race <dir> <round>" it tries to take the session lock;
// when it gets it, it writes one "acknowledged message" file for the round (as a session writer would) and
// answers "got"; on "release" it lets the lock go. Run with `node -r tsx/cjs lock-racer.ts <name>`.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { acquireSessionLock, type SessionLock } from '../../src/runtime/storage/session-lock';

const name = process.argv[2] ?? 'racer';
let held: SessionLock | undefined;
const say = (s: string) => process.stdout.write(`${s}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, dir, round] = line.split(' ');
  if (cmd === 'race') {
    acquireSessionLock(dir!, 'session_race').then(
      (lock) => {
        held = lock;
        writeFileSync(path.join(dir!, `message-${round}.txt`), name);
        say('got');
      },
      (err: Error & { code?: string }) => say(`refused ${err.code ?? err.name}: ${err.message}`),
    );
  } else if (cmd === 'release') {
    const lock = held;
    held = undefined;
    void (lock ? lock.release() : Promise.resolve()).then(() => say('released'));
  } else if (cmd === 'quit') process.exit(0);
});
say('ready');
