// A child process for the webhook durability test: a TriggerManager over the colony folder given in
// argv[2], whose "queen" appends each delivered fire to queen.log (fsynced, as a part write is) and
// whose wasDelivered reads that log. Prints "port <n>" once listening; SIGTERM closes it gracefully.
import { appendFileSync, closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { MemorySecretStore } from '../../src/runtime/triggers/secrets';
import { TriggerManager } from '../../src/runtime/triggers/trigger-manager';

const dir = process.argv[2]!;
const log = path.join(dir, 'queen.log');
appendFileSync(log, '');
// A slow queen: busy for a while after each batch, so accepted deliveries pile up in the queue.
let busyUntil = 0;

const manager = new TriggerManager({
  colonyDir: dir,
  secrets: new MemorySecretStore(),
  inject: (_text, fires) => {
    const fd = openSync(log, 'a');
    for (const f of fires) {
      const p = f.payload as { delivery_id?: string; payload?: { n?: number } };
      writeSync(fd, `${JSON.stringify({ id: p.delivery_id, n: p.payload?.n })}\n`);
    }
    fsyncSync(fd);
    closeSync(fd);
    busyUntil = Date.now() + 150;
  },
  isBusy: () => Date.now() < busyUntil,
  busyPollMs: 20,
  emit: () => undefined,
  wasDelivered: async (ids) => {
    const seen = new Set(
      readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { id: string }).id),
    );
    return new Set(ids.filter((id) => seen.has(id)));
  },
  webhook: { maxQueuedPerTrigger: 100_000 },
});

process.on('SIGTERM', () => {
  void manager.close().then(() => process.exit(0));
});

void manager.load().then((r) => {
  if (r.errors.length) throw new Error(JSON.stringify(r.errors));
  process.stdout.write(`port ${manager.webhookPort}\n`);
});
