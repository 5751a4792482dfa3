import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { savePastedText } from '../../../src/runtime/session/pasted-text';

describe('savePastedText', () => {
  it('keeps the whole paste in the session data folder and returns a line naming the file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hive-paste-'));
    const text = `${'line of a long log\n'.repeat(12_000)}end`;
    const saved = await savePastedText(dir, text);
    assert.equal(saved.file, path.join(dir, 'data', 'pasted_1.txt'));
    assert.equal(readFileSync(saved.file, 'utf8'), text, 'not one character lost');
    assert.equal(
      saved.reference,
      `[Pasted text (${text.length.toLocaleString('en-US')} characters, 12,001 lines) saved at: ${saved.file}]`,
    );
  });

  it('numbers pastes after the ones already there (a resumed session keeps counting)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hive-paste-'));
    mkdirSync(path.join(dir, 'data'));
    writeFileSync(path.join(dir, 'data', 'pasted_4.txt'), 'old');
    writeFileSync(path.join(dir, 'data', 'read_file_9.txt'), 'a spilled tool result');
    const saved = await savePastedText(dir, 'new paste');
    assert.equal(path.basename(saved.file), 'pasted_5.txt');
    assert.equal(readFileSync(path.join(dir, 'data', 'pasted_4.txt'), 'utf8'), 'old', 'earlier paste kept');
    assert.deepEqual(readdirSync(path.join(dir, 'data')).sort(), [
      'pasted_4.txt',
      'pasted_5.txt',
      'read_file_9.txt',
    ]);
  });
});
