import assert from 'node:assert/strict';
import { type ChildProcessByStdio, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { SESSION_LOCK_FILE } from '../../../src/runtime/storage/session-lock';
import { removeTree, tempHome } from '../storage/fixtures';

/** One racer process, answering one line per command. */
class Racer {
  private readonly lines: string[] = [];
  private waiter: ((line: string) => void) | undefined;
  constructor(readonly child: ChildProcessByStdio<Writable, Readable, null>) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = undefined;
        w(line);
      } else this.lines.push(line);
    });
  }
  next(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve) => (this.waiter = resolve));
  }
  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }
}

function startRacer(name: string): Racer {
  const script = path.join(__dirname, '..', '..', 'support', 'lock-racer.ts');
  const child = spawn(process.execPath, ['-r', require.resolve('tsx/cjs'), script, name], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Racer(child);
}

/** A pid that has just exited: a lock naming it is stale. */
function deadPid(): number {
  const r = spawnSync('true');
  return r.pid!;
}

describe('fault suite: one writer per session (stale-lock races between two processes)', () => {
  let home: string;
  let racers: Racer[] = [];
  before(async function () {
    this.timeout(60_000);
    racers = [startRacer('a'), startRacer('b')];
    for (const r of racers) assert.equal(await r.next(), 'ready');
  });
  after(() => {
    for (const r of racers) r.send('quit');
  });
  beforeEach(() => {
    home = tempHome();
  });
  afterEach(() => removeTree(home));

  it('100 races over a stale lock: exactly one winner each, a clear refusal for the other, no lost message', async function () {
    this.timeout(120_000);
    const ROUNDS = 100;
    const dir = path.join(home, 'session_race');
    mkdirSync(dir);
    let doubles = 0;
    let noWinner = 0;
    let acked = 0;
    const refusals = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const stale = { pid: deadPid(), host: os.hostname(), since: 1 };
      writeFileSync(path.join(dir, SESSION_LOCK_FILE), JSON.stringify(stale));
      for (const r of racers) r.send(`race ${dir} ${round}`);
      const answers = await Promise.all(racers.map((r) => r.next()));
      const winners = racers.filter((_, i) => answers[i] === 'got');
      acked += winners.length;
      if (winners.length > 1) doubles++;
      if (winners.length === 0) noWinner++;
      for (const a of answers) if (a !== 'got') refusals.add(a.replace(/pid \d+/, 'pid N'));
      for (const w of winners) {
        w.send('release');
        assert.equal(await w.next(), 'released');
      }
      assert.equal(existsSync(path.join(dir, SESSION_LOCK_FILE)), false, 'released lock is gone');
    }
    const messages = readdirSync(dir).filter((n) => n.startsWith('message-'));
    const lost = acked - messages.length;
    console.log(
      `      stale-lock races: ${ROUNDS}, double writers: ${doubles}, lost: ${lost}, no winner: ${noWinner}`,
    );
    assert.equal(doubles, 0);
    assert.equal(lost, 0);
    assert.equal(noWinner, 0);
    for (const r of refusals)
      assert.match(
        r,
        /^refused SESSION_LOCKED: session session_race is open in another Hive process \(pid N\); stop it there first$/,
      );
    // Nothing left behind but the messages: no temp or set-aside lock files.
    assert.deepEqual(
      readdirSync(dir).filter((n) => !n.startsWith('message-')),
      [],
    );
    assert.ok(readFileSync(path.join(dir, messages[0]!), 'utf8').length > 0);
  });
});
