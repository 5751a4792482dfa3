import assert from 'node:assert/strict';
import { newSession, sendMessage } from './support/hive';
import { modelRequests, reply, scriptModel } from './support/model';
import {
  activityBarItem,
  chatFrame,
  freshWorkspace,
  snap,
  treeItem,
  useWorkbench,
  viewPane,
  waitUntil,
} from './support/workbench';

const COLONY_BASE = {
  task: 'Every morning, list the open issues and write digest.md in the workspace.',
  skill_name: 'digest-protocol',
  skill_description: 'How to build the morning digest of open issues.',
  skill_body: '# Digest\n\n1. List the open issues.\n2. Write digest.md, one line each.\n',
  triggers: [
    { id: 'daily', trigger_type: 'timer', trigger_config: { cron: '0 9 * * *' }, task: 'Write the digest' },
    {
      id: 'push',
      trigger_type: 'webhook',
      trigger_config: { path: '/hooks/push', port: 0 },
      task: 'Refresh the digest',
    },
  ],
};

describe('The queen creates a colony', () => {
  const folder = freshWorkspace();
  const page = useWorkbench({ folder, trust: true });

  before(async () => {
    await scriptModel({ reset: true });
  });

  let attempt = 0;

  it('shows the "Colony created" card in the chat and the colony in the Colonies view', async function () {
    this.timeout(120_000);
    // A colony of its own per attempt: a retry would otherwise be refused ("a colony already exists")
    // by the colony its first attempt created, and fail for that reason rather than the first one.
    attempt += 1;
    const suffix = attempt === 1 ? '' : ` ${attempt}`;
    const COLONY = { ...COLONY_BASE, colony_name: `ui_morning_digest${suffix.replace(' ', '_')}` };
    await scriptModel({
      stream: [
        {
          match: { lastUser: 'Make the morning digest a colony' },
          step: reply.toolUse('start_incubating_colony', {
            colony_name: COLONY.colony_name,
            intended_purpose: 'A digest of open issues every morning at 09:00 UTC.',
          }),
        },
        { match: { lastUser: 'Approved to incubate' }, step: reply.toolUse('create_colony', COLONY) },
        { match: { lastUser: 'created' }, step: reply.text('Your colony is ready: open it from the card.') },
      ],
      oneShot: [
        {
          match: { system: 'You gate whether a queen agent' },
          step: reply.text('{"ready": true, "reasons": ["recurring, settled"], "missing_prerequisites": []}'),
        },
        {
          match: { system: 'You compact the conversation' },
          step: reply.text('Summary: a morning digest of open issues.'),
        },
      ],
    });
    await newSession(page());
    await sendMessage(page(), 'Make the morning digest a colony');

    const chat = chatFrame(page());
    const card = chat.locator('.colony-card', { hasText: COLONY.colony_name });
    await card.waitFor({ state: 'visible', timeout: 60_000 });
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText(), not the DOM property
    assert.match(await card.innerText(), /Triggers: daily, push/);
    for (const label of ['Open', 'Start triggers', 'Stop triggers', 'Run worker', 'Reveal'])
      assert.equal(await card.getByText(label, { exact: true }).count(), 1, `the card has ${label}`);
    await chat.locator('.msg-assistant', { hasText: 'Your colony is ready' }).waitFor({ timeout: 30_000 });
    await snap(page(), this, 'card');
    // The evaluator and the compaction each made their one call.
    const oneShots = (await modelRequests()).filter((r) => !r.stream);
    assert.ok(oneShots.length >= 2);

    // The Colonies view lists it (it follows the disk), not running yet.
    if (!(await viewPane(page(), 'Colonies').isVisible())) await activityBarItem(page(), 'Hive').click();
    // By its display name, as the chat and the Sessions view show it (the id is in the tooltip).
    const row = treeItem(page(), 'Colonies', `Ui Morning Digest${suffix}`);
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText(), not the DOM property
    assert.match(await row.innerText(), /not running/);
    await snap(page(), this, 'view');

    // The card's "Start triggers" opens the colony's own session with its triggers running.
    await card.getByText('Start triggers', { exact: true }).click();
    await waitUntil(
      'the colony shown running',
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText(), not the DOM property
      async () => !/not running/.test(await row.innerText()) && /running ·/.test(await row.innerText()),
      60_000,
    );
    await snap(page(), this, 'running');
  });
});
