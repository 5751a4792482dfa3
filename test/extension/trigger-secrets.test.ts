import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { hiveApi, scratchDir, waitFor } from './support';

const LEGACY_SECRET = 'whsec_legacy_0123456789abcdef0123456789abcdef';

/** Every file under `dir` whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => {
    const p = path.join(dir, f);
    return fs.statSync(p).isFile() && fs.readFileSync(p).includes(needle);
  });
}

describe('webhook secrets in the extension host', () => {
  it("moves a colony's old trigger-secrets.json into SecretStorage once, with a notice; nothing is written to the workspace or HIVE_HOME", async function () {
    this.timeout(60_000);
    const api = await hiveApi();
    const manager = await api.getManager();
    const folder = path.join(scratchDir('hive-secrets-'), 'release_colony');
    // This bundle runs from out/test/extension/.
    const fixture = path.resolve(
      __dirname,
      '..',
      '..',
      '..',
      'test',
      'fixtures',
      'colonies',
      'research_colony',
    );
    fs.cpSync(fixture, folder, { recursive: true });
    // Port 0: the test must not depend on a fixed port being free.
    fs.writeFileSync(
      path.join(folder, 'triggers.json'),
      JSON.stringify([
        {
          id: 'on_release',
          trigger_type: 'webhook',
          trigger_config: { path: '/release', port: 0 },
          task: 't',
        },
      ]),
    );
    // What an older version left in the workspace.
    const legacy = path.join(folder, 'trigger-secrets.json');
    fs.writeFileSync(legacy, JSON.stringify({ on_release: LEGACY_SECRET }), { mode: 0o600 });

    const session = await manager.openColony(folder, { queenId: 'queen_technology' });
    try {
      await waitFor('the old secrets file to be moved', () => !fs.existsSync(legacy));
      // The store the triggers use now is SecretStorage: it answers with the moved secret.
      assert.equal(await session.triggers.webhookSecret('on_release'), LEGACY_SECRET);
      const info = await session.triggers.webhookInfo('on_release');
      assert.match(info?.secret_location ?? '', /secret storage/i);
      // The notice, in the session's events (the chat shows it).
      const events = await waitFor('the notice in events.jsonl', () => {
        const file = path.join(session.dir, 'events.jsonl');
        const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
        return text.includes('trigger_files_moved') ? text : undefined;
      });
      assert.match(events ?? '', /Moved 1 webhook secret\(s\) out of the workspace/);
      // The secret is in no file: not in the colony folder, not under HIVE_HOME.
      assert.deepEqual(filesContaining(folder, LEGACY_SECRET), []);
      assert.deepEqual(filesContaining(api.hiveHome(), LEGACY_SECRET), []);
    } finally {
      await manager.stopSession(session.id);
      fs.rmSync(path.dirname(folder), { recursive: true, force: true });
      fs.rmSync(session.dir, { recursive: true, force: true });
    }
  });
});
