import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FolderJail, PathEscapeError } from '../../../src/runtime/tools/folder-jail';
import { removeTree } from '../storage/fixtures';

describe('fault suite: the folder jail under symlink swaps and hard links', () => {
  let base: string;
  let swapper: ChildProcess | undefined;
  beforeEach(() => {
    base = mkdtempSync(path.join(os.tmpdir(), 'hive-jail-race-'));
  });
  afterEach(() => {
    swapper?.kill('SIGKILL');
    removeTree(base);
  });

  it('1,000 writes while another process swaps the target folder for a link outside: none escapes', async function () {
    this.timeout(120_000);
    const root = path.join(base, 'jail');
    const outside = path.join(base, 'outside');
    mkdirSync(path.join(root, 'sub'), { recursive: true });
    mkdirSync(outside);
    // The attacker: flips jail/sub between a real folder and a symlink to ../outside as fast as it can.
    swapper = spawn(
      'bash',
      [
        '-c',
        `cd ${JSON.stringify(root)}; mkdir -p real; ln -sfn ../outside evil; while true; do mv -T sub real.tmp 2>/dev/null; ln -sfn ../outside sub 2>/dev/null; rm -f sub; mv -T real.tmp sub 2>/dev/null; done`,
      ],
      { stdio: 'ignore' },
    );
    const jail = new FolderJail(root);
    let written = 0;
    let refused = 0;
    for (let i = 0; i < 1000; i++) {
      try {
        const real = await jail.resolveForWrite(`sub/f${i}.txt`);
        await jail.writeFile(real, `n${i}`);
        written++;
      } catch {
        refused++;
      }
    }
    swapper.kill('SIGKILL');
    const escaped = readdirSync(outside).length;
    console.log(
      `      symlink swap races: 1000, written inside ${written}, refused ${refused}, escaped ${escaped}`,
    );
    assert.equal(escaped, 0);
  });

  it('a hard-linked file (maybe one outside) is refused for reads; a single-link file is not', () => {
    const root = path.join(base, 'jail');
    mkdirSync(root);
    const secret = path.join(base, 'secret.txt');
    writeFileSync(secret, 'outside');
    linkSync(secret, path.join(root, 'innocent.txt'));
    writeFileSync(path.join(root, 'own.txt'), 'mine');
    assert.throws(
      () => FolderJail.checkSingleLink('innocent.txt', statSync(path.join(root, 'innocent.txt'))),
      PathEscapeError,
    );
    assert.doesNotThrow(() => FolderJail.checkSingleLink('own.txt', statSync(path.join(root, 'own.txt'))));
  });
});
