import assert from 'node:assert/strict';
import { phaseToolNames } from '../../../src/runtime/queen/phases';
import { DEFAULT_QUEENS, QueenProfileSchema } from '../../../src/runtime/queen/profiles';
import { buildQueenSystemPrompt, formatQueenIdentity } from '../../../src/runtime/queen/prompt';
import type { RecalledMemory } from '../../../src/runtime/queen/recall';

const alexandra = QueenProfileSchema.parse(DEFAULT_QUEENS.queen_technology);
const memory: RecalledMemory = {
  scope: 'Global Memories',
  filename: 'user-profile.md',
  name: 'User profile',
  description: 'Sam, CTO at Acme',
  type: 'profile',
  body: 'Sam runs a small team.',
  mtimeMs: Date.now(),
  score: 3,
};

describe('queen system prompt', () => {
  it('puts identity, phase with its tools, extra sections, then recalled memories', () => {
    const prompt = buildQueenSystemPrompt(alexandra, 'working', [memory], {
      extraSections: ['# Skills\nnone'],
    });
    const at = (s: string) => {
      const i = prompt.indexOf(s);
      assert.ok(i >= 0, `missing ${s}`);
      return i;
    };
    assert.ok(at('You are Alexandra, Head of Technology.') < at('# Current phase: WORKING'));
    assert.ok(at('# Current phase: WORKING') < at('# Skills\nnone'));
    assert.ok(at('# Skills\nnone') < at('--- Global Memories ---'));
    assert.ok(prompt.includes(`Tools in this phase: ${phaseToolNames('working').join(', ')}.`));
    assert.ok(prompt.endsWith('--- End Global Memories ---'));
  });

  it('changes only the phase part between phases, so the identity stays cache-stable', () => {
    const independent = buildQueenSystemPrompt(alexandra, 'independent', '');
    const reviewing = buildQueenSystemPrompt(alexandra, 'reviewing', '');
    const identity = formatQueenIdentity(alexandra);
    assert.ok(independent.startsWith(identity) && reviewing.startsWith(identity));
    assert.match(independent, /INDEPENDENT mode[\s\S]*start_incubating_colony/);
    assert.match(reviewing, /REVIEWING mode[\s\S]*set_trigger/);
    assert.ok(!independent.includes('What you remember'), 'no memory section without memories');
  });

  it("names the colony while incubating and uses the session's real tool list when given", () => {
    const prompt = buildQueenSystemPrompt(alexandra, 'incubating', 'RECALLED', {
      colonyName: 'news_digest',
      tools: ['ask_user', 'create_colony'],
    });
    assert.match(prompt, /drafting colony 'news_digest'/);
    assert.match(prompt, /Tools in this phase: ask_user, create_colony\./);
    assert.ok(prompt.endsWith('RECALLED'));
  });

  it('keeps the private background marked as never to be shown, and copes with a minimal profile', () => {
    assert.match(formatQueenIdentity(alexandra), /<private_background>\n\(Never mention this to the user/);
    const minimal = QueenProfileSchema.parse({ name: 'Ada', title: 'Head of Research' });
    assert.equal(formatQueenIdentity(minimal), '<identity>\nYou are Ada, Head of Research.\n</identity>');
  });
});
