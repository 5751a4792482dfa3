// The chat page's first script (dist/webview-boot.js, a few hundred bytes): it says `ready` to the
// extension while the main bundle is still downloading and starting, and keeps the messages that come
// back until the bundle takes them over (main.ts). So the extension reads the session's newest page
// in parallel with the bundle's start instead of after it.
import type { WebviewToHost } from '../src/shared/protocol';
import type { VsCodeApi } from './vscode-api';

declare function acquireVsCodeApi(): VsCodeApi;

export interface EarlyBoot {
  readonly api: VsCodeApi;
  /** Stops buffering and returns what arrived so far, oldest first. */
  take(): unknown[];
}

(() => {
  const api = acquireVsCodeApi();
  const queue: unknown[] = [];
  const keep = (event: MessageEvent) => queue.push(event.data);
  window.addEventListener('message', keep);
  const early: EarlyBoot = {
    api,
    take: () => {
      window.removeEventListener('message', keep);
      return queue.splice(0);
    },
  };
  (window as unknown as { hiveEarly: EarlyBoot }).hiveEarly = early;
  const ready: WebviewToHost = { type: 'ready' };
  performance.mark('hive:ready');
  api.postMessage(ready);
})();
