// Serves the built chat webview on 127.0.0.1 exactly as the panel builds it (chatHtml: same CSP,
// same nonce rules), with the harness scripts (fake VS Code API, themes, scenarios) added before the
// bundle under the page's nonce. Only files under dist/ and this folder are served.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chatHtml, newNonce } from '../../../src/extension/chat/chat-html';

const ROOT = path.resolve(__dirname, '../../..');
const HARNESS_SCRIPTS = ['themes.js', 'fake-vscode.js', 'scenario.js'];
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

export interface HarnessServer {
  origin: string;
  close(): Promise<void>;
}

export async function startHarnessServer(): Promise<HarnessServer> {
  let origin = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const send = (status: number, body: string | Buffer, type = 'text/plain') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/') {
      const nonce = newNonce();
      let html = chatHtml({
        cspSource: origin,
        bootUri: `${origin}/dist/webview-boot.js`,
        scriptUri: `${origin}/dist/webview.js`,
        styleUri: `${origin}/dist/webview.css`,
        nonce,
      });
      const extra = HARNESS_SCRIPTS.map((f) => `<script nonce="${nonce}" src="/harness/${f}"></script>`).join(
        '\n',
      );
      html = html.replace('<script nonce=', `${extra}\n<script nonce=`);
      send(200, html, 'text/html; charset=utf-8');
      return;
    }
    if (url.pathname === '/favicon.ico') {
      send(204, '');
      return;
    }
    const file = resolveFile(url.pathname);
    if (!file) {
      send(404, 'not found');
      return;
    }
    readFile(file).then(
      (body) => send(200, body, TYPES[path.extname(file)] ?? 'application/octet-stream'),
      () => send(404, 'not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function resolveFile(pathname: string): string | undefined {
  const [, top, ...rest] = decodeURIComponent(pathname).split('/');
  const base = top === 'dist' ? path.join(ROOT, 'dist') : top === 'harness' ? __dirname : undefined;
  if (!base) return undefined;
  const file = path.resolve(base, rest.join('/'));
  return file.startsWith(base + path.sep) ? file : undefined;
}
