// The chat webview's HTML and Content Security Policy. No `vscode` import, so it is unit-tested
// directly and reused by the UI harness (test/ui/webview-harness), which then runs under the same CSP.
import { randomBytes } from 'node:crypto';

export interface ChatHtmlOptions {
  /** `webview.cspSource`: the origin VS Code serves local resources from. */
  cspSource: string;
  /** `webview.asWebviewUri(...)` of dist/webview-boot.js, dist/webview.js and dist/webview.css. */
  bootUri: string;
  scriptUri: string;
  styleUri: string;
  nonce: string;
}

/** A fresh nonce per page load: 144 random bits, base64 (valid CSP nonce characters). */
export function newNonce(): string {
  return randomBytes(18).toString('base64');
}

/**
 * The CSP. No 'unsafe-inline' and no 'unsafe-eval': scripts run only with the nonce, styles come from
 * our stylesheet or carry the nonce. The toolkit (FAST) styles its components with constructable
 * stylesheets, which style-src does not govern, and adds a nonce (read from the csp-nonce meta tag) to
 * the one <style> element it creates. Images only from our own resources or data: URIs; no remote
 * content, no frames, no forms, no network.
 */
export function chatCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function chatHtml(o: ChatHtmlOptions): string {
  const nonce = attr(o.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(chatCsp(o.cspSource, o.nonce))}">
<meta property="csp-nonce" content="${nonce}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(o.styleUri)}" nonce="${nonce}">
<title>Hive Chat</title>
</head>
<body>
<div id="root"></div>
<script nonce="${nonce}" src="${attr(o.bootUri)}"></script>
<script nonce="${nonce}" src="${attr(o.scriptUri)}"></script>
</body>
</html>
`;
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
