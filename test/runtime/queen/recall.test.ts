import assert from 'node:assert/strict';
import { utimes } from 'node:fs/promises';
import path from 'node:path';
import { listMemories, memoryLayout, writeMemory } from '../../../src/runtime/queen/memory';
import { sessionMemoryDirs } from '../../../src/runtime/queen/memory-ops';
import {
  formatRecallBlock,
  keywords,
  recallMemories,
  recallScopesFor,
  scoreMemory,
} from '../../../src/runtime/queen/recall';
import { scriptedCompleter, tempDir } from './support';

describe('recall (docs/hive-format.md §3 rule 21)', () => {
  let global: string;
  let queen: string;
  let cleanup: () => Promise<void>;
  let scopes: { label: string; dir: string }[];
  beforeEach(async () => {
    let root: string;
    ({ dir: root, cleanup } = await tempDir());
    const layout = memoryLayout(path.join(root, 'memories'));
    global = layout.global;
    queen = layout.queen('queen_technology');
    scopes = [
      { label: 'Global Memories', dir: global },
      { label: 'Queen Memories: queen_technology', dir: queen },
    ];
    await writeMemory(global, {
      name: 'User profile',
      description: 'Sam, CTO at Acme',
      type: 'profile',
      body: 'Sam runs a small team.',
    });
    await writeMemory(global, {
      name: 'Deploy pipeline',
      description: 'How Acme ships to production',
      type: 'environment',
      body: 'GitHub Actions builds Docker images; deploys go to Kubernetes.',
    });
    await writeMemory(global, {
      name: 'Short answers',
      description: 'Reply style',
      type: 'preference',
      body: 'Keep replies brief.',
    });
    await writeMemory(queen, {
      name: 'Postgres first',
      description: 'Prefers a single Postgres database over extra infrastructure',
      type: 'preference',
      body: 'Avoid adding Kafka or Redis until Postgres is the bottleneck.',
    });
  });
  afterEach(() => cleanup());

  it('scores name over description over body, each query word once', async () => {
    const [file] = (await listMemories(global)).filter((m) => m.filename === 'deploy-pipeline.md');
    assert.equal(scoreMemory(keywords('deploy'), file!), 3, 'name (and body) match counts as name');
    assert.equal(scoreMemory(keywords('production'), file!), 2);
    assert.equal(scoreMemory(keywords('kubernetes'), file!), 1);
    assert.equal(
      scoreMemory(keywords('deploys deploying kubernetes'), file!),
      4,
      'plural stems to the same word',
    );
    assert.equal(scoreMemory(keywords('the and what'), file!), 0, 'stopwords do not count');
  });

  it('picks the memories relevant to the message, across scopes', async () => {
    const got = await recallMemories({ query: 'Should we add Redis next to our database?', scopes });
    // global scope first (the profile always comes along), then the queen's
    assert.deepEqual(
      got.map((m) => `${m.scope}/${m.filename}`),
      ['Global Memories/user-profile.md', 'Queen Memories: queen_technology/postgres-first.md'],
    );
    const deploy = await recallMemories({
      query: 'our production deploys keep failing',
      scopes,
      maxResults: 1,
    });
    assert.deepEqual(
      deploy.map((m) => m.filename),
      ['deploy-pipeline.md'],
    );
  });

  it('always offers who the user is, even for a bare greeting', async () => {
    const got = await recallMemories({ query: 'hi', scopes });
    assert.deepEqual(
      got.map((m) => m.filename),
      ['user-profile.md'],
    );
  });

  it('keeps to the top N and the character budget', async () => {
    const query = 'Sam profile deploy pipeline production short answers reply style postgres database';
    assert.equal((await recallMemories({ query, scopes })).length, 4);
    assert.equal((await recallMemories({ query, scopes, maxResults: 2 })).length, 2);
    await writeMemory(global, {
      name: 'Deploy history',
      description: 'deploy deploy',
      type: 'feedback',
      body: 'x'.repeat(3000),
    });
    const small = await recallMemories({ query: 'deploy history', scopes, charBudget: 400 });
    assert.ok(small.length >= 1);
    assert.ok(!small.some((m) => m.filename === 'deploy-history.md'), 'too big for the budget');
    const size = formatRecallBlock(small).length;
    assert.ok(size < 600, `block is ${size} chars`);
  });

  it('formats a prompt block per scope, with the age of old memories', async () => {
    const old = path.join(global, 'deploy-pipeline.md');
    const now = Date.now();
    await utimes(old, new Date(now - 3.5 * 86_400_000), new Date(now - 3.5 * 86_400_000));
    const got = await recallMemories({ query: 'deploy postgres', scopes });
    const block = formatRecallBlock(got, () => now);
    assert.match(
      block,
      /^--- Global Memories ---\n\n### deploy-pipeline\.md \(3 days old\)\n\n\*\*Deploy pipeline\*\*: How Acme ships/,
    );
    assert.match(
      block,
      /--- End Global Memories ---\n\n--- Queen Memories: queen_technology ---\n\n### postgres-first\.md\n/,
    );
    assert.ok(block.endsWith('--- End Queen Memories: queen_technology ---'));
    assert.equal(formatRecallBlock([]), '');
  });

  it('lets a cheap model call rerank the keyword candidates', async () => {
    // The scripted completer answers with the number the list gives the deploy memory.
    const complete = scriptedCompleter([
      (req) => {
        const line = req.messages[0]!.content.split('\n').find((l) => l.includes('Deploy pipeline'))!;
        return `{"selected": [${Number.parseInt(line, 10)}, 99]}`;
      },
    ]);
    const got = await recallMemories({ query: 'postgres deploy', scopes, complete, rerank: true });
    assert.deepEqual(
      got.map((m) => m.filename),
      ['deploy-pipeline.md'],
    );
    const req = complete.requests[0]!;
    assert.ok(req.maxTokens! <= 256);
    assert.match(
      req.messages[0]!.content,
      /^\d+\. \[Global Memories\] Deploy pipeline: How Acme ships to production$/m,
    );
    assert.ok(!req.messages[0]!.content.includes('Kubernetes'), 'bodies are not sent');
  });

  it('Hive’s way: a small model call selects the memory files; keywords only when it fails', async () => {
    const complete = scriptedCompleter([
      (req) => {
        const line = req.messages[0]!.content.split('\n').find((l) => l.includes('Postgres first'))!;
        return `Sure:\n{"selected_memories": ["${line.split(' ')[1]}", "9/nope.md"]}`;
      },
    ]);
    // The query shares no word with the memory: only the model could have picked it.
    const got = await recallMemories({ query: 'which database should we use?', scopes, select: complete });
    assert.deepEqual(
      got.map((m) => m.filename),
      ['postgres-first.md'],
    );
    assert.match(complete.requests[0]!.system ?? '', /selected_memories/);
    assert.match(
      complete.requests[0]!.messages[0]!.content,
      /^## User query\n\nwhich database should we use\?/,
    );

    const warnings: string[] = [];
    const fallback = await recallMemories({
      query: 'postgres deploy',
      scopes,
      select: scriptedCompleter([new Error('model unavailable')]),
      logger: { warn: (m) => warnings.push(m) },
    });
    assert.deepEqual(
      fallback.map((m) => m.filename),
      ['deploy-pipeline.md', 'user-profile.md', 'postgres-first.md'],
    );
    assert.match(warnings[0] ?? '', /keywords used instead/);
  });

  it('keeps the keyword order when the rerank fails', async () => {
    const warnings: string[] = [];
    for (const reply of ['no idea', new Error('timeout')]) {
      const got = await recallMemories({
        query: 'postgres deploy',
        scopes,
        complete: scriptedCompleter([reply]),
        rerank: true,
        logger: { warn: (m) => warnings.push(m) },
      });
      assert.deepEqual(
        got.map((m) => m.filename),
        ['deploy-pipeline.md', 'user-profile.md', 'postgres-first.md'],
      );
    }
    assert.equal(warnings.length, 2);
  });

  it("derives a session's scopes from MEMORIES_DIR, the queen and the colony", () => {
    const dirs = sessionMemoryDirs('/h/memories', 'queen_growth', 'news_digest');
    assert.deepEqual(recallScopesFor(dirs), [
      { label: 'Global Memories', dir: path.join('/h/memories', 'global') },
      {
        label: 'Queen Memories: queen_growth',
        dir: path.join('/h/memories', 'agents', 'queens', 'queen_growth'),
      },
      { label: 'Colony Memories: news_digest', dir: path.join('/h/memories', 'colonies', 'news_digest') },
    ]);
    assert.equal(recallScopesFor(sessionMemoryDirs('/h/memories', 'queen_growth')).length, 2);
    assert.throws(() => sessionMemoryDirs('/h/memories', '../../x'), /Invalid queen id/);
  });

  it('reads nothing from missing folders', async () => {
    assert.deepEqual(
      await recallMemories({ query: 'deploy', scopes: [{ label: 'X', dir: path.join(global, 'none') }] }),
      [],
    );
  });
});
