import assert from 'node:assert/strict';
import { nodeTooOld } from '../../../src/cli/node-version';

describe('hive CLI: Node version', () => {
  it('refuses a Node without unflagged node:sqlite in one line, accepts 22.13 and later', () => {
    assert.equal(
      nodeTooOld('v20.20.2'),
      'needs Node 22.13.0 or newer (for node:sqlite); this is Node 20.20.2',
    );
    assert.match(nodeTooOld('22.12.9') ?? '', /this is Node 22\.12\.9$/);
    for (const ok of ['22.13.0', 'v22.13.1', '23.0.0', '24.21.0'])
      assert.equal(nodeTooOld(ok), undefined, ok);
  });
});
