import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TriggerFire } from '../../../src/runtime/triggers/injection';
import { MemorySecretStore } from '../../../src/runtime/triggers/secrets';
import { TriggerManager } from '../../../src/runtime/triggers/trigger-manager';
import { httpRequest } from '../../support/http-client';
import { freePort } from '../../support/webhook-colony';
import { removeTree } from '../storage/fixtures';

describe('webhook triggers on different ports', () => {
  let dir: string;
  let manager: TriggerManager | undefined;
  afterEach(async () => {
    await manager?.close();
    removeTree(dir);
  });

  it('serves every webhook trigger on the port it names, and frees a port once its last trigger stops', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hive-ports-'));
    const [p1, p2] = [await freePort(), await freePort()];
    const hook = (id: string, port: number) => ({
      id,
      trigger_type: 'webhook',
      trigger_config: { path: `/${id}`, port, secret: `whsec_port_test_${id}` },
      task: id,
    });
    writeFileSync(
      path.join(dir, 'triggers.json'),
      JSON.stringify([hook('a', p1), hook('b', p2), hook('c', p1)]),
    );
    const fires: TriggerFire[] = [];
    manager = new TriggerManager({
      colonyDir: dir,
      secrets: new MemorySecretStore(),
      inject: (_t, f) => {
        fires.push(...f);
      },
      emit: () => undefined,
    });
    const loaded = await manager.load();
    assert.deepEqual(loaded.active.sort(), ['a', 'b', 'c'], JSON.stringify(loaded));
    for (const [id, port] of [
      ['a', p1],
      ['b', p2],
      ['c', p1],
    ] as const) {
      const r = await httpRequest(port, {
        path: `/${id}`,
        body: '{}',
        headers: { 'X-Hive-Secret': `whsec_port_test_${id}` },
      });
      assert.equal(r.status, 202, `${id} on ${port}`);
      assert.equal((await manager.webhookInfo(id)).port, port);
    }
    await manager.idle();
    assert.deepEqual(fires.map((f) => f.trigger_id).sort(), ['a', 'b', 'c']);
    await manager.deactivate('b');
    await assert.rejects(httpRequest(p2, { path: '/b', body: '{}' }), /ECONNREFUSED/);
  });
});
