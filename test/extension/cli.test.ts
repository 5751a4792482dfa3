// The `hive` command the extension ships (dist/cli.js), run on the extension host's own home: a session live in
// VS Code is listed live by `hive sessions list` (dist/cli.js loads dist/cli-sessions.js for it), through the
// hint the session lock leaves.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { hiveApi, hiveExtension } from './support';

interface Row {
  session_id: string;
  live: boolean;
  cold: boolean;
}

async function listed(home: string): Promise<Row[]> {
  const cli = path.join(hiveExtension().extensionPath, 'dist', 'cli.js');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [cli, 'sessions', 'list', '--json', '--home', home],
    { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as Row[];
}

describe('The bundled hive CLI', function () {
  this.timeout(60_000);

  it('lists a session live in VS Code as live, and cold once it stops', async () => {
    const api = await hiveApi();
    const manager = await api.getManager();
    const home = api.hiveHome();
    const session = await manager.createSession({ queenId: 'queen_operations' });
    let stopped = false;
    try {
      const row = (await listed(home)).find((r) => r.session_id === session.id);
      assert.deepEqual(row && [row.live, row.cold], [true, false], JSON.stringify(row));
      await manager.stopSession(session.id);
      stopped = true;
      const after = (await listed(home)).find((r) => r.session_id === session.id);
      assert.deepEqual(after && [after.live, after.cold], [false, true], JSON.stringify(after));
    } finally {
      if (!stopped) await manager.stopSession(session.id).catch(() => {});
    }
  });
});
