import assert from 'node:assert/strict';
import { chatCsp, chatHtml, newNonce } from '../../../src/extension/chat/chat-html';

const SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

function cspOf(html: string): Map<string, string[]> {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
  assert.ok(m, 'the page declares a CSP');
  const content = m[1]!.replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  return new Map(
    content.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

describe('chat webview HTML', () => {
  const nonce = newNonce();
  const html = chatHtml({
    cspSource: SOURCE,
    bootUri: `${SOURCE}/ext/dist/webview-boot.js`,
    scriptUri: `${SOURCE}/ext/dist/webview.js`,
    styleUri: `${SOURCE}/ext/dist/webview.css`,
    nonce,
  });

  it('has a strict CSP: nothing by default, nonce-only scripts, no inline or eval', () => {
    const csp = cspOf(html);
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    assert.deepEqual(csp.get('script-src'), [`'nonce-${nonce}'`]);
    assert.deepEqual(csp.get('style-src'), [SOURCE, `'nonce-${nonce}'`]);
    assert.deepEqual(csp.get('img-src'), [SOURCE, 'data:']);
    assert.deepEqual(csp.get('font-src'), [SOURCE]);
    assert.deepEqual(csp.get('base-uri'), ["'none'"]);
    assert.ok(!/unsafe-(inline|eval|hashes)/.test(chatCsp(SOURCE, nonce)));
    assert.ok(!/https?:\/\/(?!file\+)/.test(chatCsp(SOURCE, nonce)), 'no remote origins');
  });

  it('loads the boot script then the bundle, each with the nonce, and no inline code', () => {
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.deepEqual(
      scripts.map((s) => /src="([^"]*)"/.exec(s[1]!)?.[1]),
      [`${SOURCE}/ext/dist/webview-boot.js`, `${SOURCE}/ext/dist/webview.js`],
    );
    for (const s of scripts) {
      assert.match(s[1]!, new RegExp(`nonce="${nonce.replace(/[+/]/g, '\\$&')}"`));
      assert.equal(s[2], '');
    }
    assert.ok(!/\son\w+=/.test(html), 'no inline event handlers');
    assert.ok(!/\sstyle=/.test(html), 'no inline styles');
  });

  it('shares the nonce with the toolkit through the csp-nonce meta tag', () => {
    assert.match(html, new RegExp(`<meta property="csp-nonce" content="${nonce.replace(/[+/]/g, '\\$&')}">`));
  });

  it('makes a new unguessable nonce each time, in CSP-valid characters', () => {
    const seen = new Set(Array.from({ length: 50 }, () => newNonce()));
    assert.equal(seen.size, 50);
    for (const n of seen) assert.match(n, /^[A-Za-z0-9+/]{24}$/);
  });

  it('escapes resource URIs so they cannot break out of attributes', () => {
    const evil = chatHtml({
      cspSource: SOURCE,
      bootUri: 'b.js',
      scriptUri: 'x"><script>alert(1)</script>',
      styleUri: 's.css',
      nonce: 'n',
    });
    assert.ok(!evil.includes('<script>alert(1)'));
    assert.match(evil, /src="x&quot;&gt;&lt;script&gt;/);
  });
});
