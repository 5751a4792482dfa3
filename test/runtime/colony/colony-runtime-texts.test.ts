import assert from 'node:assert/strict';
import {
  EscalationInbox,
  hardTimeoutFor,
  MAX_PENDING_ESCALATIONS,
  QUEUE_FULL_REPLY,
  spawnTaskText,
  workerEscalationText,
  workerReportText,
} from '../../../src/runtime/colony/runtime';

describe('colony runtime: inbox, timeouts and Hive wording', () => {
  it('the escalation inbox holds 32; a reply settles the waiting worker and drops the entry', async () => {
    let n = 0;
    const inbox = new EscalationInbox(
      'c',
      () => 5000,
      MAX_PENDING_ESCALATIONS,
      () => `r${n++}`,
    );
    const opened = [];
    for (let i = 0; i < 32; i++) opened.push(inbox.open(`w${i % 2}`, 'node', `q${i}`, ''));
    assert.ok(opened.every(Boolean));
    assert.equal(inbox.open('w9', 'node', 'one too many', ''), undefined, 'full at 32');
    assert.equal(inbox.list()[0]?.opened_at, 5);
    assert.ok(inbox.reply('r3', 'yes'));
    assert.equal(await opened[3]!.answer, '[QUEEN_REPLY] request_id=r3\nyes');
    assert.equal(inbox.reply('r3', 'again'), undefined, 'an answered id is gone');
    assert.equal(inbox.dropWorker('w0', 'stopped'), 16);
    assert.equal(await opened[0]!.answer, 'stopped');
    assert.equal(inbox.size, 15);
    assert.ok(inbox.open('w9', 'node', 'room again', ''));
    assert.match(QUEUE_FULL_REPLY, /^\[QUEEN_REPLY\] queue_full — queen inbox saturated/);
  });

  it('hard timeout per rule 14', () => {
    assert.equal(hardTimeoutFor(600), 2400);
    assert.equal(hardTimeoutFor(30), 630);
    assert.equal(hardTimeoutFor(1200), 3600);
    assert.equal(hardTimeoutFor(3600), 3660, 'at least soft + 60');
    assert.equal(hardTimeoutFor(100, 50), 160, 'a requested hard timeout below the soft one is raised');
    assert.equal(hardTimeoutFor(100, 500), 500);
  });

  it("reports, escalations and tasks in Hive's words", () => {
    assert.equal(
      workerReportText({
        worker_id: 'w1',
        colony_id: 'c',
        task: 't',
        status: 'partial',
        summary: 'half',
        data: { rows: 2 },
        error: 'ran out of time',
        duration_seconds: 12.345,
        tokens_used: 9,
      }),
      '[WORKER_REPORT]\nworker_id: w1\nstatus: partial\nduration: 12.3s\nsummary: half\nerror: ran out of time\ndata: {"rows":2}',
    );
    assert.equal(
      workerEscalationText({
        requestId: 'r1',
        workerId: 'w1',
        nodeId: 'w1',
        reason: 'Which?',
        context: 'A or B',
      }),
      '[WORKER_ESCALATION]\nrequest_id: r1\nworker_id: w1\nnode_id: w1\nreason: Which?\ncontext:\nA or B\n' +
        'Use reply_to_worker(request_id, reply) to unblock, or list_worker_questions() to see all pending.',
    );
    assert.match(
      spawnTaskText('do it', { task: 'do it', db_path: '/x.db', n: 3, skip: null }),
      /\ntask: do it\ndb_path: \/x\.db\nn: 3$/,
    );
  });
});
