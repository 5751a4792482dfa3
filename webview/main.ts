// Entry point of the chat webview bundle (dist/webview.js + dist/webview.css).
import './styles.css';
import './conversation.css';
import * as z from 'zod/mini';
import { App } from './app';
import { registerComponents } from './components';
import { earlyBoot, loadState, post, saveState } from './vscode-api';

// The bundle's modules are loaded: the real-host bench reads this mark (and 'hive:ready') to split up
// the time a panel takes to show a session.
performance.mark('hive:boot');
// zod compiles validators with `new Function` unless told not to; our CSP forbids eval.
z.config({ jitless: true });
registerComponents();

const root = document.getElementById('root') ?? document.body;
const app = new App(root, { post, loadState, saveState });
window.addEventListener('message', (event: MessageEvent) => app.receive(event.data));
// Exposed for the UI test harness (test/ui/webview-harness), which reads what the panel rendered.
(window as unknown as { hiveChat: App }).hiveChat = app;
if (earlyBoot) {
  // The boot script said `ready` already; what the extension sent since then is applied now, in order
  // (no message event can run between adding the listener above and this).
  for (const message of earlyBoot.take()) app.receive(message);
} else {
  performance.mark('hive:ready');
  post({ type: 'ready' });
}
