// Scripted sequences of host→webview protocol messages (src/shared/protocol.ts), played through
// window.harnessSend. Each scenario is async and resolves once its last message has been sent.
(() => {
  const send = (m) => window.harnessSend(m);
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const SESSION = 'session_20260421_090112_5e1f0a2c';
  const min = 60_000;

  function snapshot(now, overrides = {}) {
    return {
      sessionId: SESSION,
      title: 'Weekly engineering report',
      queen: { id: 'queen_technology', name: 'Alexandra', title: 'Head of Technology' },
      phase: 'working',
      colony: {
        name: 'weekly_reports',
        path: '/home/dev/projects/weekly_reports',
        workersRunning: 2,
        workersDone: 5,
        escalations: [
          {
            requestId: '9f2c4e1ab3d84d2f',
            workerId: 'worker_20260421_090455_c01d',
            reason: 'Which repository holds the release notes?',
            context: 'Step 3 of 5: collecting release notes. Both acme/api and acme/web have a CHANGELOG.md.',
          },
        ],
      },
      triggers: [
        {
          id: 'weekday-report',
          name: 'Weekday morning report',
          type: 'timer',
          cron: '0 9 * * 1-5',
          intervalMinutes: null,
          timezone: 'UTC',
          schedule: 'at 09:00 on Mon–Fri (UTC)',
          task: 'Write the daily engineering summary',
          enabled: true,
          nextFireAt: now + 2 * 3600_000 + 3 * min + 30_000,
          nextFires: [now + 2 * 3600_000 + 3 * min + 30_000, now + 26 * 3600_000 + 3 * min + 30_000],
          fireCount: 3,
          lastFiredAt: now - 2 * min,
          webhook: null,
        },
        {
          id: 'ci-poll',
          name: 'Poll CI status',
          type: 'timer',
          cron: null,
          intervalMinutes: 15,
          timezone: 'UTC',
          schedule: 'every 15 min',
          task: 'Check the CI pipeline and report failures',
          enabled: true,
          nextFireAt: now + 4 * min + 5_000,
          nextFires: [now + 4 * min + 5_000, now + 19 * min + 5_000],
          fireCount: 41,
          lastFiredAt: now - 11 * min,
          webhook: null,
        },
        {
          id: 'github-push',
          name: 'GitHub push',
          type: 'webhook',
          cron: null,
          intervalMinutes: null,
          timezone: 'UTC',
          schedule: 'on each POST request',
          task: 'Summarise the pushed commits',
          enabled: false,
          nextFireAt: null,
          nextFires: [],
          fireCount: 0,
          lastFiredAt: null,
          webhook: {
            url: 'http://127.0.0.1:8090/hooks/github-push',
            methods: ['POST'],
            secretAvailable: true,
          },
        },
      ],
      usage: { inputTokens: 48_210, outputTokens: 6_934, cachedTokens: 31_000, costUsd: 0.27 },
      busy: false,
      trusted: true,
      modelChoice: {
        model: 'claude-sonnet-4-6',
        models: ['claude-opus-4-6', 'claude-sonnet-4-6', 'claude-haiku-4-5'],
      },
      context: { tokens: 151_200, window: 200_000, model: 'claude-sonnet-4-6' },
      ...overrides,
    };
  }

  const MARKDOWN = [
    "Here is this week's summary so far.",
    '',
    '## Highlights',
    '',
    '- **API**: p95 latency down from 420 ms to 310 ms after the cache change',
    '- **Web**: the new settings page shipped behind the `settings_v2` flag',
    '- 3 incidents, all resolved within the SLA ([postmortems](https://example.com/postmortems))',
    '',
    '| Team | PRs merged | Open bugs |',
    '| --- | ---: | ---: |',
    '| API | 23 | 4 |',
    '| Web | 17 | 9 |',
    '',
    'The cache is configured like this:',
    '',
    '```ts',
    'export const cache = new LruCache<string, Report>({',
    '  max: 5_000,',
    '  ttl: 15 * 60 * 1000, // 15 minutes',
    '});',
    '```',
    '',
    '> Next: I will ask a worker to collect the release notes.',
  ].join('\n');

  function history() {
    return [
      { kind: 'user', id: 'p1', text: 'Prepare the weekly engineering report for the leadership meeting.' },
      {
        kind: 'tool',
        id: 'toolu_01',
        name: 'read_file',
        input: { path: 'reports/2026-W16.md' },
        result: '# Week 16\n\n- API: 19 PRs\n- Web: 12 PRs',
        isError: false,
        status: 'done',
      },
      { kind: 'assistant', id: 'p3', text: MARKDOWN },
      { kind: 'notice', id: 'p4', text: 'Colony weekly_reports loaded · phase: working', level: 'info' },
      {
        kind: 'user',
        id: 'p5',
        text: '[Trigger: Weekday morning report] Write the daily engineering summary',
        origin: 'trigger',
      },
    ];
  }

  /** A realistic session: history, then a streamed answer, a tool awaiting approval, a question, an error. */
  async function full() {
    const now = Date.now();
    send({ type: 'snapshot', session: snapshot(now) });
    const changes = {
      kind: 'changes',
      id: 'changes-4',
      turnId: '4',
      requester: 'queen',
      files: ['reports/week-16.md', 'reports/index.md'],
    };
    send({
      type: 'history',
      sessionId: SESSION,
      messages: [...history(), changes],
      prepend: false,
      done: true,
    });
    await sleep(50);
    send({
      type: 'message',
      message: { kind: 'user', id: 'p6', text: 'Also include the release notes, please.' },
    });
    send({ type: 'busy', busy: true });
    const thinking =
      'Both repositories keep a CHANGELOG.md. The API one is newer; start there, then add the web notes under their own heading.';
    for (let i = 0; i < thinking.length; i += 24)
      send({ type: 'thinkingDelta', messageId: 'th7', snapshot: thinking.slice(0, i + 24) });
    const answer =
      'Sure. I will **collect the release notes** from both repositories and add a section:\n\n1. acme/api\n2. acme/web\n';
    for (let i = 0; i < answer.length; i += 12) {
      send({ type: 'textDelta', messageId: 'a7', text: answer.slice(i, i + 12) });
      await sleep(8);
    }
    send({
      type: 'turnComplete',
      messageId: 'a7',
      stopReason: 'tool_use',
      model: 'claude-sonnet-4-5',
      inputTokens: 5210,
      outputTokens: 412,
      cachedTokens: 4100,
      costUsd: 0.021,
    });
    send({
      type: 'toolStarted',
      toolUseId: 'toolu_02',
      name: 'run_command',
      input: {
        command: 'git log --since="1 week ago" --oneline -- CHANGELOG.md',
        cwd: '/home/dev/projects/acme-api',
      },
    });
    send({
      type: 'approvalRequest',
      id: 'appr_1',
      toolUseId: 'toolu_02',
      tool: 'run_command',
      category: 'command',
      input: { command: 'git log --since="1 week ago" --oneline -- CHANGELOG.md' },
      requester: 'queen',
      detail: {
        kind: 'command',
        command: 'git log --since="1 week ago" --oneline -- CHANGELOG.md',
        cwd: '/home/dev/projects/acme-api',
        timeout: 60,
      },
    });
    // A worker's lane: its steps streamed live, then a file change it asks to make.
    const lane = { laneId: 'lane-worker_20260421_090455_c01d', workerId: 'worker_20260421_090455_c01d' };
    send({
      type: 'laneEntry',
      ...lane,
      entry: { kind: 'text', id: 't-0-0', text: 'Reading both changelogs' },
    });
    send({ type: 'laneText', ...lane, entryId: 't-0-0', text: ' before writing the section.' });
    const read = { kind: 'tool', id: 'toolu_w1', name: 'read_file', input: { path: 'CHANGELOG.md' } };
    send({
      type: 'laneEntry',
      ...lane,
      entry: { ...read, result: '## 2.4.0', isError: false, status: 'done' },
    });
    send({
      type: 'laneEntry',
      ...lane,
      entry: {
        kind: 'tool',
        id: 'toolu_w2',
        name: 'write_file',
        input: { path: 'reports/release-notes.md' },
        result: null,
        isError: false,
        status: 'running',
      },
    });
    // The files an earlier turn of the worker changed: restorable on their own.
    send({
      type: 'message',
      message: {
        kind: 'changes',
        id: 'changes-worker_20260421_090455_c01d-2',
        turnId: '2',
        requester: 'worker_20260421_090455_c01d',
        files: ['reports/changelog-digest.md'],
      },
    });
    send({
      type: 'approvalRequest',
      id: 'appr_2',
      toolUseId: null,
      tool: 'write_file',
      category: 'write',
      input: { path: 'reports/release-notes.md' },
      requester: 'worker_20260421_090455_c01d',
      detail: { kind: 'file', path: 'reports/release-notes.md', isNew: true },
    });
    send({
      type: 'askUser',
      id: 'q_1',
      prompt: 'Should the report include the incident postmortems in full, or only their summaries?',
      options: ['Summaries only', 'Full postmortems', 'Skip incidents'],
    });
    send({ type: 'askUser', id: 'q_2', prompt: 'What title should the report have?', options: [] });
    send({
      type: 'error',
      id: 'err_1',
      message: 'The model is overloaded (529). Your last message was not lost.',
      retryable: true,
    });
    send({
      type: 'usage',
      usage: { inputTokens: 53_420, outputTokens: 7_346, cachedTokens: 35_100, costUsd: 0.29 },
    });
    await sleep(50);
  }

  /** The long session's messages: user, assistant (Markdown, some code) and tool rows in turn. */
  function longMessages(n) {
    const all = [];
    for (let i = 0; i < n; i++) {
      if (i % 3 === 0)
        all.push({
          kind: 'user',
          id: `m${i}`,
          text: `Question number ${i}: what changed in module ${i % 17}?`,
        });
      else if (i % 3 === 1)
        all.push({
          kind: 'assistant',
          id: `m${i}`,
          text: `Answer **${i}**. Module ${i % 17} changed in ${i % 5} files.\n\n- first point\n- second point${i % 10 === 1 ? '\n\n```js\nconsole.log(' + i + ');\n```' : ''}`,
        });
      else
        all.push({
          kind: 'tool',
          id: `m${i}`,
          name: 'search_files',
          input: { pattern: `module_${i % 17}` },
          result: `${i % 7} matches`,
          isError: false,
          status: 'done',
        });
    }
    return all;
  }

  /** A long session: `n` messages delivered in pages, newest page first (as the bridge will). */
  async function long(n = 5000, pageSize = 250) {
    const now = Date.now();
    send({ type: 'snapshot', session: snapshot(now, { triggers: [], colony: null, phase: 'independent' }) });
    const all = longMessages(n);
    for (let end = n; end > 0; end -= pageSize) {
      const start = Math.max(0, end - pageSize);
      send({
        type: 'history',
        sessionId: SESSION,
        messages: all.slice(start, end),
        prepend: end !== n,
        done: start === 0,
      });
      await sleep(0);
    }
    await sleep(20);
  }

  /**
   * A long session delivered like the bridge does: the newest page after the snapshot, each older page
   * only when the panel asks with `loadOlder` (answered asynchronously, as the host would).
   */
  async function paged(n = 5000, pageSize = 100) {
    const now = Date.now();
    send({ type: 'snapshot', session: snapshot(now, { triggers: [], colony: null, phase: 'independent' }) });
    const all = longMessages(n);
    let start = n;
    const nextPage = (prepend) => {
      const end = start;
      start = Math.max(0, end - pageSize);
      send({
        type: 'history',
        sessionId: SESSION,
        messages: all.slice(start, end),
        prepend,
        done: start === 0,
      });
    };
    window.harnessLoadOlderCount = 0;
    window.harnessOnPost = (m) => {
      if (m.type !== 'loadOlder' || m.sessionId !== SESSION || start === 0) return;
      window.harnessLoadOlderCount++;
      // A test can hold the answer to look at the view just before the page lands.
      if (window.harnessHoldOlder) window.harnessReleaseOlder = () => nextPage(true);
      else setTimeout(() => nextPage(true), 0);
    };
    nextPage(false);
    await sleep(20);
  }

  window.hiveScenarios = { full, long, paged, snapshot, SESSION };
})();
