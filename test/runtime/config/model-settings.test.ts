import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_MAX_TOKENS,
  DEFAULT_MODEL,
  resolveModelSettings,
} from '../../../src/runtime/config/model-settings';

describe('resolveModelSettings', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'hive-settings-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('prefers SecretStorage, then ANTHROPIC_API_KEY, then the env var named by configuration.json', async () => {
    await writeFile(
      path.join(home, 'configuration.json'),
      JSON.stringify({ llm: { api_key_env_var: 'MY_KEY' } }),
    );
    const env = { ANTHROPIC_API_KEY: 'env-key', MY_KEY: 'cfg-key' };
    const a = await resolveModelSettings({ hiveHome: home, secretKey: 'secret', env });
    assert.equal(a.apiKey, 'secret');
    assert.equal(a.keySource, 'secret-storage');
    const b = await resolveModelSettings({ hiveHome: home, secretKey: '  ', env });
    assert.equal(b.apiKey, 'env-key');
    assert.equal(b.keySource, 'env:ANTHROPIC_API_KEY');
    const c = await resolveModelSettings({ hiveHome: home, env: { MY_KEY: 'cfg-key' } });
    assert.equal(c.apiKey, 'cfg-key');
    assert.equal(c.keySource, 'config-env:MY_KEY');
    const d = await resolveModelSettings({ hiveHome: home, env: {} });
    assert.equal(d.apiKey, null);
    assert.equal(d.keySource, 'none');
  });

  it("takes Hive's model, max tokens and base URL unless the editor settings override them", async () => {
    await writeFile(
      path.join(home, 'configuration.json'),
      `\uFEFF${JSON.stringify({ llm: { provider: 'anthropic', model: 'claude-x', max_tokens: 1234, api_base: 'http://h' } })}`,
    );
    const fromFile = await resolveModelSettings({ hiveHome: home, env: {} });
    assert.deepEqual([fromFile.model, fromFile.maxTokens, fromFile.baseURL], ['claude-x', 1234, 'http://h']);
    const fromEditor = await resolveModelSettings({
      hiveHome: home,
      env: {},
      model: 'claude-y',
      maxTokens: 99,
      baseURL: 'http://127.0.0.1:1',
    });
    assert.deepEqual(
      [fromEditor.model, fromEditor.maxTokens, fromEditor.baseURL],
      ['claude-y', 99, 'http://127.0.0.1:1'],
    );
  });

  it('ignores a non-Anthropic provider model', async () => {
    await writeFile(
      path.join(home, 'configuration.json'),
      JSON.stringify({ llm: { provider: 'openai', model: 'gpt' } }),
    );
    const s = await resolveModelSettings({ hiveHome: home, env: {} });
    assert.equal(s.model, DEFAULT_MODEL);
  });

  it('reports a corrupt configuration.json as a warning, uses defaults, and leaves the file untouched', async () => {
    const file = path.join(home, 'configuration.json');
    await writeFile(file, '{"llm": {');
    const s = await resolveModelSettings({ hiveHome: home, env: {} });
    assert.equal(s.model, DEFAULT_MODEL);
    assert.equal(s.maxTokens, DEFAULT_MAX_TOKENS);
    assert.equal(s.warnings.length, 1);
    assert.match(s.warnings[0] ?? '', /not valid JSON/);
    assert.equal(await readFile(file, 'utf8'), '{"llm": {');
  });

  it('warns when llm is not an object', async () => {
    await writeFile(path.join(home, 'configuration.json'), JSON.stringify({ llm: 'nope' }));
    const s = await resolveModelSettings({ hiveHome: home, env: {} });
    assert.match(s.warnings[0] ?? '', /must be an object/);
  });
});
