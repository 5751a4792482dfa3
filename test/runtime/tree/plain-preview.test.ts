import assert from 'node:assert/strict';
import { plainPreview } from '../../../src/extension/tree/plain-preview';

describe('Sessions tree: plain preview of a Markdown reply', () => {
  it('drops heading, list and quote markers at line starts', () => {
    assert.equal(
      plainPreview('## 0.1.0 - Test script\n- first\n> quoted\n1. one'),
      '0.1.0 - Test script first quoted one',
    );
  });

  it('keeps the words of emphasis, code and links', () => {
    assert.equal(
      plainPreview('Run **npm test** with `--grep x`, see [the docs](https://x.y) and _this_'),
      'Run npm test with --grep x, see the docs and this',
    );
  });

  it('leaves plain text, snake_case and arithmetic alone', () => {
    assert.equal(plainPreview('a_b_c is 2 * 3 * 4'), 'a_b_c is 2 * 3 * 4');
  });

  it('gives undefined for empty or markup-only text', () => {
    assert.equal(plainPreview(undefined), undefined);
    assert.equal(plainPreview('  \n ** '), undefined);
  });
});
