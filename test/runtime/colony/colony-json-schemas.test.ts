// The JSON Schemas VS Code validates colony files with (media/schemas/) are the runtime's own rules:
// generated from its zod schemas, and they accept and refuse the same files as the loaders.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { colonyJsonSchemas } from '../../../src/runtime/colony/colony-json-schemas';
import {
  colonyMetadataSchema,
  toolsConfigSchema,
  workerConfigSchema,
} from '../../../src/runtime/colony/colony-schemas';
import { parseTriggerList } from '../../../src/runtime/triggers/definitions';

const schemas = colonyJsonSchemas();
const ajv = new Ajv({ strict: false, allErrors: true });
const check = (name: string) => ajv.compile(schemas[`${name}.schema.json`]!);
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as unknown;

/** The runtime's verdict on one triggers.json entry: valid when it is loaded, not skipped. */
const runtimeAcceptsTrigger = (entry: unknown) =>
  parseTriggerList(JSON.stringify([entry]), 'triggers.json').triggers.length === 1;

describe('Colony JSON Schemas (media/schemas)', () => {
  it('are the files package.json points VS Code at, generated from the runtime (npm run schemas)', () => {
    const pkg = read('package.json') as {
      contributes: { jsonValidation: { fileMatch: string[]; url: string }[] };
    };
    const urls = pkg.contributes.jsonValidation.map((v) => v.url).sort();
    assert.deepEqual(
      urls,
      Object.keys(schemas)
        .map((n) => `./media/schemas/${n}`)
        .sort(),
    );
    for (const v of pkg.contributes.jsonValidation) {
      const name = path.basename(v.url, '.schema.json');
      assert.ok(
        v.fileMatch.includes(`**/.hive/${name}.json`),
        `${name}.json of a workspace colony is matched`,
      );
      assert.deepEqual(read(v.url), schemas[`${name}.schema.json`], `${v.url} is up to date`);
    }
  });

  it('accept the sample colony and the test colony', () => {
    const hive = 'sample/workspace/.hive';
    for (const name of ['metadata', 'worker', 'triggers']) {
      const validate = check(name);
      assert.ok(validate(read(`${hive}/${name}.json`)), `${name}.json: ${ajv.errorsText(validate.errors)}`);
    }
    const fixture = 'test/fixtures/colonies/research_colony';
    for (const name of ['metadata', 'worker', 'triggers', 'tools']) {
      const validate = check(name);
      assert.ok(
        validate(read(`${fixture}/${name}.json`)),
        `${name}.json: ${ajv.errorsText(validate.errors)}`,
      );
    }
  });

  it('accept and refuse the same triggers as the trigger loader', () => {
    const timer = { id: 'nightly', trigger_type: 'timer', trigger_config: { cron: '0 2 * * *' }, task: 'x' };
    const webhook = {
      id: 'push',
      trigger_type: 'webhook',
      trigger_config: { path: '/hooks/push' },
      task: 'x',
    };
    const cases: [string, unknown, boolean][] = [
      ['a cron timer', timer, true],
      ['an interval timer', { ...timer, trigger_config: { interval_minutes: 15 } }, true],
      [
        'a timer with a zone',
        { ...timer, trigger_config: { cron: '0 9 * * *', timezone: 'Europe/Paris' } },
        true,
      ],
      ['a webhook', webhook, true],
      [
        'a webhook with methods and port',
        { ...webhook, trigger_config: { path: '/h', methods: ['POST', 'PUT'], port: 0 } },
        true,
      ],
      ['a disabled trigger with unknown keys', { ...timer, enabled: false, owner: 'me' }, true],
      ['an unknown trigger type', { ...timer, trigger_type: 'cron' }, false],
      ['no id', { trigger_type: 'timer', trigger_config: { cron: '0 2 * * *' } }, false],
      ['an id with a space', { ...timer, id: 'my trigger' }, false],
      ['a timer without schedule', { ...timer, trigger_config: {} }, false],
      ['a negative interval', { ...timer, trigger_config: { interval_minutes: -5 } }, false],
      ['a cron that is not a string', { ...timer, trigger_config: { cron: 5 } }, false],
      ['a webhook without path', { ...webhook, trigger_config: { methods: ['POST'] } }, false],
      ['a webhook path without /', { ...webhook, trigger_config: { path: 'hooks' } }, false],
      ['an unknown HTTP method', { ...webhook, trigger_config: { path: '/h', methods: ['FETCH'] } }, false],
      ['a port out of range', { ...webhook, trigger_config: { path: '/h', port: 70000 } }, false],
      ['a short secret', { ...webhook, trigger_config: { path: '/h', secret: 'abc' } }, false],
      ['enabled as a string', { ...timer, enabled: 'yes' }, false],
      ['a task that is not text', { ...timer, task: 42 }, false],
    ];
    const validate = check('triggers');
    for (const [what, entry, valid] of cases) {
      assert.equal(runtimeAcceptsTrigger(entry), valid, `runtime on ${what}`);
      assert.equal(validate([entry]), valid, `schema on ${what}: ${ajv.errorsText(validate.errors)}`);
    }
    assert.equal(validate({ id: 'x' }), false, 'the file is a list');
  });

  it('accept and refuse the same worker, metadata and tools files as the colony loader', () => {
    const cases: [string, { safeParse(v: unknown): { success: boolean } }, unknown, boolean][] = [
      [
        'worker',
        workerConfigSchema,
        { name: 'w', goal: { description: 'd', success_criteria: ['a'] }, tools: ['read_file'] },
        true,
      ],
      ['worker', workerConfigSchema, { system_prompt: null, extra: 1 }, true],
      ['worker', workerConfigSchema, { tools: 'read_file' }, false],
      ['worker', workerConfigSchema, { goal: { success_criteria: 'all' } }, false],
      ['worker', workerConfigSchema, { loop_config: { max_iterations: 0 } }, false],
      ['worker', workerConfigSchema, { concurrency_hint: 1.5 }, false],
      ['worker', workerConfigSchema, [], false],
      ['metadata', colonyMetadataSchema, { colony_name: 'c', workers: { w: { task: 't' } } }, true],
      ['metadata', colonyMetadataSchema, { colony_name: 3 }, false],
      ['metadata', colonyMetadataSchema, { workers: { w: 'task' } }, false],
      ['tools', toolsConfigSchema, { enabled_mcp_tools: null }, true],
      ['tools', toolsConfigSchema, { enabled_mcp_tools: ['a', 'b'] }, true],
      ['tools', toolsConfigSchema, { enabled_mcp_tools: 'a' }, false],
      ['tools', toolsConfigSchema, { enabled_mcp_tools: [1] }, false],
    ];
    for (const [name, zod, value, valid] of cases) {
      const validate = check(name);
      const label = `${name} ${JSON.stringify(value)}`;
      assert.equal(zod.safeParse(value).success, valid, `runtime on ${label}`);
      assert.equal(validate(value), valid, `schema on ${label}: ${ajv.errorsText(validate.errors)}`);
    }
  });

  it('describe the keys for hover and completion', () => {
    const triggers = schemas['triggers.schema.json'] as {
      items: { properties: Record<string, { description?: string }> };
    };
    for (const key of ['id', 'trigger_type', 'trigger_config', 'task', 'enabled'])
      assert.ok(triggers.items.properties[key]?.description, `triggers: ${key}`);
    const worker = schemas['worker.schema.json'] as { properties: Record<string, { description?: string }> };
    assert.match(worker.properties.system_prompt?.description ?? '', /system prompt/);
  });
});
