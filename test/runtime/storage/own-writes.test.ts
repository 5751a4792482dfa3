import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeJsonAtomically } from '../../../src/runtime/storage/atomic';
import { isOwnWrite } from '../../../src/runtime/storage/own-writes';

describe('own writes (what a watcher should not take for the user’s edit)', () => {
  it('knows the versions this process wrote, not what someone else wrote', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'hive-own-')), 'triggers.json');
    await writeJsonAtomically(file, [{ id: 'a', enabled: false }], 2);
    const off = readFileSync(file);
    await writeJsonAtomically(file, [{ id: 'a', enabled: true }], 2);
    // A watcher that reads late sees the newest version; one that read between the writes, the older.
    assert.equal(isOwnWrite(file, readFileSync(file)), true);
    assert.equal(isOwnWrite(file, off), true);
    writeFileSync(file, '[{ "id": "a", "enabled": true, "note": "edited by hand" }]\n');
    assert.equal(isOwnWrite(file, readFileSync(file)), false);
    assert.equal(isOwnWrite(path.join(path.dirname(file), 'other.json'), off), false);
  });
});
