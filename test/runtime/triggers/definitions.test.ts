import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  parseTriggerList,
  patchTriggerEntry,
  readTriggersFile,
  removeTriggerEntry,
  TriggerFileError,
  TriggerValidationError,
  upsertTriggerEntry,
  validateTriggerDefinition,
  webhookSettings,
} from '../../../src/runtime/triggers/definitions';
import { formatTriggerBatch } from '../../../src/runtime/triggers/injection';
import { pythonJsonDumps } from '../../../src/runtime/triggers/python-json';
import {
  FileSecretStore,
  generateWebhookSecret,
  SecretFileError,
} from '../../../src/runtime/triggers/secrets';

const FILE = '/colony/triggers.json';

describe('triggers/definitions: triggers.json', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'hive-triggers-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads Hive's shape and our optional keys, keeping unknown keys", () => {
    const { triggers, problems } = parseTriggerList(
      JSON.stringify([
        {
          id: 'daily',
          name: 'Daily',
          trigger_type: 'timer',
          trigger_config: { cron: '0 9 * * *' },
          task: 'Report',
        },
        {
          id: 'gh',
          trigger_type: 'webhook',
          trigger_config: { path: '/hooks/gh', methods: ['post', 'PUT'] },
          task: 'Triage',
          enabled: false,
          last_fired_at: null,
        },
        {
          id: 'tick',
          trigger_type: 'timer',
          trigger_config: { interval_minutes: 5, timezone: 'Europe/Paris' },
        },
      ]),
      FILE,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(
      triggers.map((t) => [t.id, t.trigger_type, t.task, t.enabled]),
      [
        ['daily', 'timer', 'Report', undefined],
        ['gh', 'webhook', 'Triage', false],
        ['tick', 'timer', '', undefined],
      ],
    );
    assert.equal(triggers[1]!.last_fired_at, null);
    assert.deepEqual(webhookSettings(triggers[1]!), {
      path: '/hooks/gh',
      methods: ['POST', 'PUT'],
      port: 8090,
    });
  });

  it('skips invalid entries with errors naming the file, the index and the field', () => {
    const { triggers, problems } = parseTriggerList(
      JSON.stringify([
        { id: 'ok', trigger_type: 'timer', trigger_config: { interval_minutes: 1 } },
        { id: '../escape', trigger_type: 'timer', trigger_config: { interval_minutes: 1 } },
        { id: 'c', trigger_type: 'timer', trigger_config: { cron: '99 * * * *' } },
        { id: 'w', trigger_type: 'webhook', trigger_config: { path: 'no-slash' } },
        { id: 'm', trigger_type: 'webhook', trigger_config: { path: '/x', methods: ['FETCH'] } },
        { id: 'p', trigger_type: 'webhook', trigger_config: { path: '/x', port: 70000 } },
        { id: 't', trigger_type: 'cron', trigger_config: {} },
        { trigger_type: 'timer', trigger_config: { interval_minutes: 1 } },
        { id: 'ok', trigger_type: 'timer', trigger_config: { interval_minutes: 2 } },
        'not an object',
        { id: 'e', trigger_type: 'timer', trigger_config: { interval_minutes: 1 }, enabled: 'yes' },
      ]),
      FILE,
    );
    assert.deepEqual(
      triggers.map((t) => t.id),
      ['ok'],
    );
    const got = problems.map((p) => [p.index, p.field]);
    assert.deepEqual(got, [
      [1, 'id'],
      [2, 'trigger_config.cron'],
      [3, 'trigger_config.path'],
      [4, 'trigger_config.methods'],
      [5, 'trigger_config.port'],
      [6, 'trigger_type'],
      [7, 'id'],
      [8, 'id'],
      [9, '(entry)'],
      [10, 'enabled'],
    ]);
    assert.match(problems[1]!.message, /99/);
    assert.match(problems[5]!.message, /"timer" or "webhook"/);
    assert.match(problems[6]!.message, /required/);
    assert.match(problems[7]!.message, /duplicate/);
    assert.ok(problems.every((p) => p.file === FILE));
  });

  it('refuses a file that is not a JSON list, naming it', () => {
    assert.throws(
      () => parseTriggerList('{"id": 1', FILE),
      (e: unknown) => e instanceof TriggerFileError && e.message.startsWith(`${FILE}: not valid JSON`),
    );
    assert.throws(() => parseTriggerList('{"id": "x"}', FILE), /must be a JSON list/);
    assert.deepEqual(parseTriggerList('  ', FILE), { triggers: [], problems: [] });
  });

  it('validates single definitions with the field in the error', () => {
    assert.throws(
      () => validateTriggerDefinition({ id: 'a', trigger_type: 'timer', trigger_config: {} }, 'set_trigger'),
      (e: unknown) =>
        e instanceof TriggerValidationError &&
        e.field === 'trigger_config.cron' &&
        e.message.startsWith('set_trigger: '),
    );
    assert.throws(() => validateTriggerDefinition([]), /must be an object/);
  });

  it('writes atomically with indent 2, patching in place and keeping other entries verbatim', async () => {
    const file = path.join(dir, 'triggers.json');
    const invalid = {
      id: 'broken',
      trigger_type: 'timer',
      trigger_config: { cron: 'nope' },
      note: 'keep me',
    };
    await writeFile(
      file,
      JSON.stringify([
        invalid,
        { id: 'a', trigger_type: 'timer', trigger_config: { interval_minutes: 1 }, task: '', extra: 1 },
      ]),
    );
    await patchTriggerEntry(file, 'a', { enabled: false, task: 'new' });
    await upsertTriggerEntry(file, {
      id: 'b',
      trigger_type: 'webhook',
      trigger_config: { path: '/b' },
      task: 't',
    });
    const text = await readFile(file, 'utf8');
    assert.ok(text.endsWith(']\n'));
    assert.match(text, /^\[\n {2}\{\n {4}"id": "broken"/);
    const data = JSON.parse(text);
    assert.deepEqual(data[0], invalid);
    assert.deepEqual(data[1], {
      id: 'a',
      trigger_type: 'timer',
      trigger_config: { interval_minutes: 1 },
      task: 'new',
      extra: 1,
      enabled: false,
    });
    assert.equal(data[2].id, 'b');
    await patchTriggerEntry(file, 'a', { enabled: undefined });
    await removeTriggerEntry(file, 'b');
    const after = JSON.parse(await readFile(file, 'utf8'));
    assert.deepEqual(
      after.map((e: { id: string }) => e.id),
      ['broken', 'a'],
    );
    assert.equal('enabled' in after[1], false);
  });

  it('never overwrites a corrupt file, and serialises concurrent edits', async () => {
    const file = path.join(dir, 'triggers.json');
    await writeFile(file, '[{"id": "half');
    await assert.rejects(
      upsertTriggerEntry(file, {
        id: 'x',
        trigger_type: 'timer',
        trigger_config: { interval_minutes: 1 },
        task: '',
      }),
      TriggerFileError,
    );
    assert.equal(await readFile(file, 'utf8'), '[{"id": "half');
    await writeFile(file, '[]');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        upsertTriggerEntry(file, {
          id: `t${i}`,
          trigger_type: 'timer',
          trigger_config: { interval_minutes: 1 },
          task: '',
        }),
      ),
    );
    const { triggers } = await readTriggersFile(file);
    assert.equal(triggers.length, 20);
    assert.deepEqual(await readTriggersFile(path.join(dir, 'missing.json')), { triggers: [], problems: [] });
  });
});

describe('triggers/secrets', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'hive-secrets-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('generates distinct, header-safe secrets', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    assert.notEqual(a, b);
    assert.match(a, /^whsec_[A-Za-z0-9_-]{43}$/);
  });

  it('stores them in a private file beside triggers.json', async () => {
    const store = FileSecretStore.beside(dir);
    await store.set('gh', 'secret-one-1234567890');
    await store.set('other', 'secret-two-1234567890');
    await store.delete('other');
    const again = FileSecretStore.beside(dir);
    assert.equal(await again.get('gh'), 'secret-one-1234567890');
    assert.equal(await again.get('other'), undefined);
    if (process.platform !== 'win32') assert.equal((await stat(store.file)).mode & 0o777, 0o600);
  });

  it('tightens a world-readable file and refuses to overwrite a corrupt one', async () => {
    const store = FileSecretStore.beside(dir);
    await writeFile(store.file, '{"gh": "kept-secret-123456789"}', { mode: 0o644 });
    assert.equal(await store.get('gh'), 'kept-secret-123456789');
    if (process.platform !== 'win32') assert.equal((await stat(store.file)).mode & 0o777, 0o600);
    await writeFile(store.file, '{"gh": ');
    const broken = FileSecretStore.beside(dir);
    await assert.rejects(broken.set('x', 'y'.repeat(20)), SecretFileError);
    assert.equal(await readFile(store.file, 'utf8'), '{"gh": ');
  });
});

describe('triggers/injection: rule-18 text', () => {
  it("writes JSON exactly as Python's json.dumps does", () => {
    assert.equal(
      pythonJsonDumps({
        task: 'Résumé ✓ 😀',
        n: [1, 2.5, true, null],
        nested: { a: 'x"y\\z\n\t\u0001\u007f' },
      }),
      '{"task": "R\\u00e9sum\\u00e9 \\u2713 \\ud83d\\ude00", "n": [1, 2.5, true, null], "nested": {"a": "x\\"y\\\\z\\n\\t\\u0001\\u007f"}}',
    );
    assert.equal(pythonJsonDumps({}), '{}');
    assert.equal(pythonJsonDumps([]), '[]');
  });

  it('batches blocks with a blank line and omits the Task line for an empty task', () => {
    const text = formatTriggerBatch([
      {
        trigger_id: 'daily',
        trigger_type: 'timer',
        payload: { task: 'Report', trigger_config: { cron: '0 9 * * *' } },
      },
      {
        trigger_id: 'gh',
        trigger_type: 'webhook',
        payload: { task: '', path: '/h', method: 'POST', headers: {}, payload: {}, query_params: {} },
      },
    ]);
    assert.equal(
      text,
      '[TRIGGER: timer/daily]\nTask: Report\n{"task": "Report", "trigger_config": {"cron": "0 9 * * *"}}\n\n' +
        '[TRIGGER: webhook/gh]\n{"task": "", "path": "/h", "method": "POST", "headers": {}, "payload": {}, "query_params": {}}',
    );
  });
});
