import assert from 'node:assert/strict';
import { buildMessagesBody } from '../../../src/runtime/llm/request';
import { type RawStreamEvent, TurnAssembler } from '../../../src/runtime/llm/stream-assembly';
import type { ModelMessage } from '../../../src/runtime/llm/types';

const defaults = { model: 'claude-sonnet-4-6', maxTokens: 1000, promptCaching: false };
const history: ModelMessage[] = [
  { role: 'user', content: 'hi' },
  {
    role: 'assistant',
    content: [
      { type: 'thinking', thinking: 'hmm', signature: 'sig' },
      { type: 'redacted_thinking', data: 'opaque' },
      { type: 'text', text: 'hello' },
    ],
  },
  { role: 'user', content: 'again' },
];

describe('extended thinking: request body and stream assembly', () => {
  it('asks for thinking with the budget, keeps max_tokens above it and drops temperature', () => {
    const body = buildMessagesBody(
      { messages: history, thinking: { budgetTokens: 4096 }, temperature: 0.2 },
      defaults,
    );
    assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 4096 });
    assert.equal(body.max_tokens, 4096 + 1000);
    assert.equal(body.temperature, undefined);
    assert.deepEqual(
      (body.messages[1]!.content as Array<{ type: string }>).map((b) => b.type),
      ['thinking', 'redacted_thinking', 'text'],
    );
  });

  it('thinking turned on in the middle of a tool loop waits for the loop to end (the API would refuse it)', () => {
    const loop: ModelMessage[] = [
      { role: 'user', content: 'fix the typo' },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 't1', name: 'read_file', input: { path: 'a' } }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'teh' }] },
    ];
    const mid = buildMessagesBody(
      { messages: loop, thinking: { budgetTokens: 2048 }, temperature: 0.3 },
      defaults,
    );
    assert.equal(mid.thinking, undefined, 'no thinking while the loop that began without it runs');
    assert.equal(mid.temperature, 0.3);
    assert.equal(mid.max_tokens, 1000);
    // The loop's assistant turn began with thinking: thinking goes on.
    const signed: ModelMessage[] = [
      loop[0]!,
      {
        role: 'assistant',
        content: [{ type: 'thinking', thinking: 'read it', signature: 'sig' }, ...(loop[1]!.content as [])],
      },
      loop[2]!,
    ];
    assert.deepEqual(
      buildMessagesBody({ messages: signed, thinking: { budgetTokens: 2048 } }, defaults).thinking,
      {
        type: 'enabled',
        budget_tokens: 2048,
      },
    );
    // The next user message ends the loop: thinking is on again.
    const next = buildMessagesBody(
      {
        messages: [...loop, { role: 'assistant', content: 'fixed' }, { role: 'user', content: 'thanks' }],
        thinking: { budgetTokens: 2048 },
      },
      defaults,
    );
    assert.deepEqual(next.thinking, { type: 'enabled', budget_tokens: 2048 });
  });

  it('raises a budget under the API minimum to 1024', () => {
    const body = buildMessagesBody(
      { messages: history, thinking: { budgetTokens: 10 }, maxTokens: 8000 },
      defaults,
    );
    assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 1024 });
    assert.equal(body.max_tokens, 8000, 'already above the budget');
  });

  it('without thinking, earlier thinking blocks stay out and temperature goes through', () => {
    const body = buildMessagesBody({ messages: history, temperature: 0.2 }, defaults);
    assert.equal(body.thinking, undefined);
    assert.equal(body.temperature, 0.2);
    assert.deepEqual(
      (body.messages[1]!.content as Array<{ type: string }>).map((b) => b.type),
      ['text'],
    );
    assert.equal((history[1]!.content as unknown[]).length, 3, 'the input is not changed');
  });

  it('assembles thinking_delta and signature_delta into a signed block, apart from the text', () => {
    const seen: string[] = [];
    const asm = new TurnAssembler({ onThinkingDelta: (_d, snap) => seen.push(snap) }, 'm');
    const events: RawStreamEvent[] = [
      { type: 'message_start', message: { model: 'm', usage: { input_tokens: 5 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Step one. ' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Step two.' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQB' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'redacted_thinking', data: 'xyz' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'text' } },
      { type: 'content_block_delta', index: 2, delta: { type: 'text_delta', text: 'Answer.' } },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } },
      { type: 'message_stop' },
    ];
    for (const e of events) asm.handle(e);
    const turn = asm.finish();
    assert.deepEqual(seen, ['Step one. ', 'Step one. Step two.']);
    assert.equal(turn.text, 'Answer.');
    assert.deepEqual(turn.thinkingBlocks, [
      { type: 'thinking', thinking: 'Step one. Step two.', signature: 'EqQB' },
      { type: 'redacted_thinking', data: 'xyz' },
    ]);
    assert.deepEqual(
      turn.content.map((b) => b.type),
      ['thinking', 'redacted_thinking', 'text'],
    );
  });
});
