import assert from 'node:assert/strict';
import {
  assistantPartOf,
  type ConversationPart,
  compactionMarkerContent,
  INTERRUPTED_RESULT,
  partsToMessages,
  selectContext,
} from '../../../src/runtime/agent';
import { toolUse } from '../../../src/runtime/llm';

let seq = 0;
const P = (p: Omit<ConversationPart, 'seq'>): ConversationPart => ({ ...p, seq: seq++ }) as ConversationPart;
const call = (id: string, name: string, args: string) => ({
  id,
  type: 'function' as const,
  function: { name, arguments: args },
});

describe('parts <-> Anthropic messages', () => {
  beforeEach(() => {
    seq = 0;
  });

  it('turns tool_calls into tool_use blocks and tool parts into tool_result blocks', () => {
    const msgs = partsToMessages([
      P({ role: 'user', content: 'read a' }),
      P({ role: 'assistant', content: '', tool_calls: [call('t1', 'read_file', '{"path":"a"}')] }),
      P({ role: 'tool', content: 'A body', tool_use_id: 't1' }),
      P({ role: 'assistant', content: 'Done.' }),
    ]);
    assert.deepEqual(msgs, [
      { role: 'user', content: [{ type: 'text', text: 'read a' }] },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 't1', name: 'read_file', input: { path: 'a' } }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'A body' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Done.' }] },
    ]);
  });

  it('keeps text beside tool calls, marks error results, merges consecutive same-role turns', () => {
    const msgs = partsToMessages([
      P({ role: 'user', content: 'one' }),
      P({ role: 'user', content: 'two' }),
      P({
        role: 'assistant',
        content: 'Looking.',
        tool_calls: [call('a', 'x', '{}'), call('b', 'y', '{"n":1}')],
      }),
      P({ role: 'tool', content: 'boom', tool_use_id: 'a', is_error: true }),
      P({ role: 'tool', content: 'ok', tool_use_id: 'b' }),
      P({ role: 'user', content: 'and then?' }),
    ]);
    assert.equal(msgs.length, 3);
    assert.deepEqual(msgs[0]!.content, [
      { type: 'text', text: 'one' },
      { type: 'text', text: 'two' },
    ]);
    assert.deepEqual(
      (msgs[1]!.content as Array<{ type: string }>).map((b) => b.type),
      ['text', 'tool_use', 'tool_use'],
    );
    assert.deepEqual(msgs[2]!.content, [
      { type: 'tool_result', tool_use_id: 'a', content: 'boom', is_error: true },
      { type: 'tool_result', tool_use_id: 'b', content: 'ok' },
      { type: 'text', text: 'and then?' },
    ]);
  });

  it('answers orphaned tool calls with an interrupted error, also at the end', () => {
    const msgs = partsToMessages([
      P({ role: 'user', content: 'go' }),
      P({ role: 'assistant', content: '', tool_calls: [call('a', 'x', '{}'), call('b', 'x', '{}')] }),
      P({ role: 'tool', content: 'A', tool_use_id: 'a' }),
      P({ role: 'assistant', content: '', tool_calls: [call('c', 'x', '{}')] }),
    ]);
    assert.deepEqual(msgs[2]!.content, [
      { type: 'tool_result', tool_use_id: 'a', content: 'A' },
      { type: 'tool_result', tool_use_id: 'b', content: INTERRUPTED_RESULT, is_error: true },
    ]);
    assert.deepEqual(msgs.at(-1), {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'c', content: INTERRUPTED_RESULT, is_error: true }],
    });
  });

  it('drops results with no call, duplicates, and leading assistant turns', () => {
    const msgs = partsToMessages([
      P({ role: 'assistant', content: 'orphan greeting', tool_calls: [call('z', 'x', '{}')] }),
      P({ role: 'tool', content: 'Z', tool_use_id: 'z' }),
      P({ role: 'user', content: 'hi' }),
      P({ role: 'tool', content: 'nobody asked', tool_use_id: 'ghost' }),
      P({ role: 'assistant', content: '', tool_calls: [call('a', 'x', '{}')] }),
      P({ role: 'tool', content: 'first', tool_use_id: 'a' }),
      P({ role: 'tool', content: 'second', tool_use_id: 'a' }),
    ]);
    assert.equal(msgs[0]!.role, 'user');
    assert.deepEqual(msgs[0]!.content, [{ type: 'text', text: 'hi' }]);
    assert.deepEqual(msgs.at(-1)!.content, [{ type: 'tool_result', tool_use_id: 'a', content: 'first' }]);
    assert.ok(!JSON.stringify(msgs).includes('ghost'));
  });

  it('holds a user message written between a call and its results until the results are in', () => {
    const msgs = partsToMessages([
      P({ role: 'user', content: 'go' }),
      P({ role: 'assistant', content: '', tool_calls: [call('a', 'x', '{}')] }),
      P({ role: 'user', content: '[TRIGGER: timer/t1]', is_trigger: true }),
      P({ role: 'tool', content: 'A', tool_use_id: 'a' }),
    ]);
    assert.deepEqual(msgs.at(-1)!.content, [
      { type: 'tool_result', tool_use_id: 'a', content: 'A' },
      { type: 'text', text: '[TRIGGER: timer/t1]' },
    ]);
  });

  it('wraps broken stored arguments in a valid object and skips empty turns', () => {
    const msgs = partsToMessages([
      P({ role: 'user', content: 'go' }),
      P({ role: 'assistant', content: '' }),
      P({ role: 'user', content: '   ' }),
      P({ role: 'assistant', content: '', tool_calls: [call('a', 'x', '{"path": "unterm')] }),
      P({ role: 'tool', content: '', tool_use_id: 'a' }),
    ]);
    assert.deepEqual((msgs[1]!.content as Array<{ input?: unknown }>)[0]!.input, {
      _invalid_json: '{"path": "unterm',
    });
    assert.deepEqual(msgs[2]!.content, [{ type: 'tool_result', tool_use_id: 'a', content: '(no output)' }]);
    assert.equal(msgs.length, 3);
  });

  it('converts Hive image_url data URLs to image blocks', () => {
    const msgs = partsToMessages([
      P({
        role: 'user',
        content: 'see',
        image_content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }],
      }),
    ]);
    assert.deepEqual(msgs[0]!.content, [
      { type: 'text', text: 'see' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
    ]);
  });

  it('stores a model turn in Hive shape: content null with tool_calls, arguments as the JSON text', () => {
    const t = toolUse('toolu_1', 'read_file', '{"path":"a"}');
    assert.deepEqual(assistantPartOf({ text: '', toolUses: [t] }), {
      role: 'assistant',
      content: '',
      tool_calls: [
        { id: 'toolu_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a"}' } },
      ],
    });
    assert.deepEqual(assistantPartOf({ text: 'hi', toolUses: [] }), { role: 'assistant', content: 'hi' });
  });

  it('selects the context after the last compaction marker: summary first, then the kept parts', () => {
    const parts = [
      P({ role: 'user', content: 'old 1' }),
      P({ role: 'assistant', content: 'old 2' }),
      P({ role: 'user', content: 'kept 3' }),
      P({ role: 'assistant', content: 'kept 4' }),
      P({ role: 'user', content: compactionMarkerContent(2, 'SUMMARY A'), is_transition_marker: true }),
      P({ role: 'user', content: 'new 6' }),
      P({ role: 'user', content: '[PHASE CHANGE] other marker', is_transition_marker: true }),
    ];
    const view = selectContext(parts);
    assert.equal(view.marker?.seq, 4);
    assert.deepEqual(
      view.parts.map((p) => p.seq),
      [4, 2, 3, 5, 6],
    );
    const later = [
      ...parts,
      P({ role: 'user', content: compactionMarkerContent(5, 'SUMMARY B'), is_transition_marker: true }),
    ];
    assert.deepEqual(
      selectContext(later).parts.map((p) => p.seq),
      [7, 5, 6],
    );
    const msgs = partsToMessages(selectContext(later).parts);
    assert.match(JSON.stringify(msgs[0]), /SUMMARY B/);
    assert.ok(!JSON.stringify(msgs).includes('SUMMARY A'));
  });
});
