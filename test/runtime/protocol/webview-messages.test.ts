import assert from 'node:assert/strict';
import { isValidId } from '../../../src/runtime/storage/ids';
import {
  ID_PATTERN,
  MAX_TEXT_LENGTH,
  parseWebviewMessage,
  type WebviewToHost,
} from '../../../src/shared/protocol';

function rejected(raw: unknown): string {
  const result = parseWebviewMessage(raw);
  assert.equal(result.ok, false, `expected rejection of ${safeJson(raw)}`);
  return result.ok ? '' : result.error;
}

function accepted(raw: unknown): WebviewToHost {
  const result = parseWebviewMessage(raw);
  if (!result.ok) assert.fail(`expected acceptance, got: ${result.error}`);
  return result.message;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v)?.slice(0, 80) ?? String(v);
  } catch {
    return String(v);
  }
}

describe('parseWebviewMessage', () => {
  it('accepts every well-formed message and returns exactly its fields', () => {
    const good: WebviewToHost[] = [
      { type: 'ready' },
      { type: 'sendMessage', text: 'Hello queen\nsecond line' },
      { type: 'stop' },
      { type: 'retry', errorId: 'err_1' },
      { type: 'approvalAnswer', id: 'appr-7', approve: true },
      { type: 'approvalAnswer', id: 'appr-8', approve: false, alwaysForCategory: true },
      { type: 'askUserAnswer', id: 'q1', answer: 'Option B' },
      { type: 'reviewProposal', id: 'a1b2c3' },
      { type: 'restoreTurn', turnId: '12' },
      {
        type: 'escalationReply',
        requestId: 'a1b2c3d4e5f6',
        workerId: 'worker_20260101_120000_0a1b2c3d',
        text: 'Go on',
      },
      { type: 'triggerAction', triggerId: 'daily.report', action: 'runNow' },
      { type: 'triggerAction', triggerId: 'daily.report', action: 'deactivate' },
      { type: 'copyWebhookSecret', triggerId: 'gh-push' },
      { type: 'copyText', text: 'const x = 1;' },
      { type: 'openLink', url: 'https://example.com/a?b=c#d' },
      { type: 'openLink', url: 'mailto:someone@example.com' },
      { type: 'loadOlder', sessionId: 'session_20260101_120000_0a1b2c3d' },
    ];
    for (const msg of good) assert.deepEqual(accepted(msg), msg);
  });

  it('rejects values that are not message objects, with a clear reason', () => {
    assert.match(rejected(null), /expected an object, got null/);
    assert.match(rejected(undefined), /expected an object, got undefined/);
    assert.match(rejected('ready'), /expected an object, got string/);
    assert.match(rejected(42), /expected an object, got number/);
    assert.match(rejected([{ type: 'ready' }]), /expected an object, got an array/);
    assert.match(rejected({}), /missing string field "type"/);
    assert.match(rejected({ type: 7 }), /missing string field "type"/);
  });

  it('rejects unknown types, including inherited property names', () => {
    assert.match(rejected({ type: 'deleteEverything' }), /unknown type "deleteEverything"/);
    assert.match(rejected({ type: 'constructor' }), /unknown type "constructor"/);
    assert.match(rejected({ type: '__proto__' }), /unknown type "__proto__"/);
    assert.match(rejected({ type: 'toString' }), /unknown type "toString"/);
    const long = rejected({ type: 'x'.repeat(10_000) });
    assert.ok(long.length < 200, 'error message stays short for huge inputs');
  });

  it('rejects wrong field types and missing fields', () => {
    assert.match(rejected({ type: 'sendMessage', text: 5 }), /field "text": expected string, got number/);
    assert.match(rejected({ type: 'sendMessage' }), /field "text": missing \(expected string\)/);
    assert.match(
      rejected({ type: 'approvalAnswer', id: 'a1', approve: 'yes' }),
      /field "approve": expected boolean, got string/,
    );
    assert.match(rejected({ type: 'retry', errorId: null }), /field "errorId": expected string, got null/);
    assert.match(
      rejected({ type: 'approvalAnswer', id: 'a1', approve: true, alwaysForCategory: 1 }),
      /field "alwaysForCategory"/,
    );
    assert.match(
      rejected({ type: 'triggerAction', triggerId: 't1', action: 'delete' }),
      /field "action": expected one of "activate", "deactivate", "runNow"/,
    );
    assert.match(rejected({ type: 'escalationReply', requestId: 'r1', text: 'hi' }), /field "workerId"/);
    assert.match(rejected({ type: 'loadOlder' }), /field "sessionId": missing/);
    assert.match(rejected({ type: 'restoreTurn', turnId: '../12' }), /field "turnId"/);
    assert.match(
      rejected({ type: 'restoreTurn', turnId: 12 }),
      /field "turnId": expected string, got number/,
    );
    assert.match(rejected({ type: 'reviewProposal', id: 'a1', content: 'x' }), /unexpected "content"/);
    assert.match(rejected({ type: 'loadOlder', sessionId: '../x' }), /field "sessionId"/);
    assert.match(rejected({ type: 'loadOlder', sessionId: 's1', before: 5 }), /unexpected "before"/);
  });

  it('rejects unexpected extra fields instead of passing them on', () => {
    assert.match(rejected({ type: 'stop', sessionId: 'other' }), /unexpected "sessionId"/);
    assert.match(rejected({ type: 'sendMessage', text: 'hi', path: '/etc/passwd' }), /unexpected "path"/);
  });

  it('rejects oversize strings but accepts the maximum', () => {
    accepted({ type: 'sendMessage', text: 'a'.repeat(MAX_TEXT_LENGTH) });
    assert.match(
      rejected({ type: 'sendMessage', text: 'a'.repeat(MAX_TEXT_LENGTH + 1) }),
      /field "text": longer than 100000 characters/,
    );
    assert.match(rejected({ type: 'copyText', text: 'x'.repeat(2_000_000) }), /longer than/);
    assert.match(rejected({ type: 'openLink', url: `https://e.com/${'a'.repeat(3000)}` }), /field "url"/);
  });

  it('rejects empty or blank texts where an answer is required', () => {
    assert.match(rejected({ type: 'sendMessage', text: '' }), /must not be empty/);
    assert.match(rejected({ type: 'sendMessage', text: ' \n\t ' }), /must not be empty/);
    assert.match(rejected({ type: 'askUserAnswer', id: 'q1', answer: '' }), /must not be empty/);
    assert.match(
      rejected({ type: 'escalationReply', requestId: 'r', workerId: 'w', text: ' ' }),
      /must not be empty/,
    );
  });

  it('rejects ids that could become a path or do not match the id pattern', () => {
    const bad = [
      '',
      '../../etc',
      'a/b',
      'a\\b',
      '..',
      'a..b',
      '.hidden',
      '-x',
      'a b',
      'é',
      'a\0b',
      'x'.repeat(129),
    ];
    for (const id of bad) {
      assert.match(
        rejected({ type: 'copyWebhookSecret', triggerId: id }),
        /field "triggerId"/,
        `id ${JSON.stringify(id)}`,
      );
      assert.match(rejected({ type: 'retry', errorId: id }), /field "errorId"/);
    }
    accepted({ type: 'copyWebhookSecret', triggerId: 'x'.repeat(128) });
  });

  it('agrees with the runtime id validator on which ids are safe', () => {
    const samples = [
      'session_20260101_120000_0a1b2c3d',
      'a.b-c_d',
      'A1',
      '.x',
      'a/b',
      'a..b',
      'x'.repeat(128),
    ];
    for (const s of samples) {
      const ours = parseWebviewMessage({ type: 'retry', errorId: s }).ok;
      assert.equal(ours, isValidId('session', s), `id ${s}`);
      assert.equal(ID_PATTERN.test(s) && !s.includes('..') && s.length <= 128, ours);
    }
  });

  it('only lets http(s) and mailto links through', () => {
    for (const url of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'file:///etc/passwd',
      'command:workbench.action.terminal.new',
      'vscode://settings',
      'data:text/html,<script>alert(1)</script>',
      '/relative/path',
      'not a url',
    ]) {
      assert.match(rejected({ type: 'openLink', url }), /must be an absolute http\(s\) or mailto URL/, url);
    }
  });

  it('never throws, even on hostile objects', () => {
    const getterBomb = {
      type: 'sendMessage',
      get text(): string {
        throw new Error('boom');
      },
    };
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    const cyclic: Record<string, unknown> = { type: 'sendMessage' };
    cyclic.text = cyclic;
    for (const value of [getterBomb, proxy, cyclic, Object.create(null), new Date(), () => 1, Symbol('x')]) {
      const result = parseWebviewMessage(value);
      assert.equal(result.ok, false);
    }
    assert.match(rejected(getterBomb), /boom/);
  });

  it('does not let a prototype-polluting payload change the parsed message', () => {
    const raw = JSON.parse('{"type":"stop","__proto__":{"polluted":true}}');
    const result = parseWebviewMessage(raw);
    // JSON.parse makes __proto__ an own key: the strict schema rejects it as unexpected.
    assert.equal(result.ok, false);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('colonyAction (the "Colony created" card)', () => {
  it('names a colony of HIVE_HOME/colonies by name, never a path', () => {
    assert.deepEqual(accepted({ type: 'colonyAction', colony: 'morning_digest', action: 'runWorker' }), {
      type: 'colonyAction',
      colony: 'morning_digest',
      action: 'runWorker',
    });
    for (const colony of ['../etc', '/tmp/x', 'Morning', 'a-b', '', 'x'.repeat(65)])
      assert.match(rejected({ type: 'colonyAction', colony, action: 'open' }), /colony/);
    rejected({ type: 'colonyAction', colony: 'ok', action: 'delete' });
    rejected({ type: 'colonyAction', colony: 'ok', action: 'open', folder: '/tmp' });
  });
});
