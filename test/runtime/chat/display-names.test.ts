import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { queenLabel, queenLabelWithId } from '../../../src/extension/queen-names';
import { nodeIndexFs } from '../../../src/runtime/storage/index-fs';
import { locationOf } from '../../../src/runtime/storage/paths';
import { readSessionSummary } from '../../../src/runtime/storage/session-summary';
import { colonyDisplayName, queenDisplayName, queenTooltip } from '../../../src/shared/display-names';
import { removeDir, tempDir } from '../session/helpers';

describe('one display name per queen and colony; sessions titled by the first user message', () => {
  it('queens: "Name · Title" with the id in the tooltip; an unknown queen is her id', () => {
    assert.equal(queenLabel('queen_technology'), 'Alexandra · Head of Technology');
    assert.equal(queenLabelWithId('queen_technology'), 'Alexandra · Head of Technology (queen_technology)');
    assert.equal(queenLabel('queen_custom'), 'queen_custom');
    assert.equal(queenLabelWithId('queen_custom'), 'queen_custom');
    assert.equal(queenDisplayName({ id: 'q', name: 'Ada', title: '' }), 'Ada');
    assert.equal(queenTooltip({ id: 'q', name: 'Ada', title: 'CTO' }), 'Ada · CTO (q)');
  });

  it('colonies: Hive’s agent_name spelling from the id or the folder', () => {
    assert.equal(colonyDisplayName('sample_docs'), 'Sample Docs');
    assert.equal(colonyDisplayName('/home/u/.hive/colonies/research-colony/'), 'Research Colony');
    assert.equal(colonyDisplayName('workspace'), 'Workspace');
  });

  it('the summary keeps the user’s first message (title) apart from the latest reply (description)', () => {
    const home = tempDir('hive-names-');
    const sid = 'session_20260301_101010_abcdef12';
    const dir = path.join(home, 'queens', 'queen_technology', 'sessions', sid);
    const parts = path.join(dir, 'conversations', 'parts');
    mkdirSync(parts, { recursive: true });
    writeFileSync(
      path.join(dir, 'meta.json'),
      JSON.stringify({ created_at: 1_770_000_000, queen_id: 'queen_technology' }),
    );
    const write = (seq: number, part: Record<string, unknown>) =>
      writeFileSync(
        path.join(parts, `${String(seq).padStart(10, '0')}.json`),
        JSON.stringify({ seq, ...part }),
      );
    write(0, { role: 'user', content: '[SYSTEM] Colony loaded.\n# Worker Profile' });
    write(1, { role: 'user', content: '**Fix** the  login bug\nplease', is_client_input: true });
    write(2, { role: 'assistant', content: 'Looking at it.' });
    write(3, { role: 'user', content: 'And the logout one', is_client_input: true });
    write(4, { role: 'assistant', content: 'Both fixed.' });
    const loc = locationOf(home, 'queens', 'queen_technology', sid);
    assert.equal(loc.dir, dir);
    const { summary } = readSessionSummary(nodeIndexFs, loc);
    assert.equal(summary.first_message, '**Fix** the  login bug\nplease');
    assert.equal(summary.last_message, 'Both fixed.');
    removeDir(home);
  });
});
