/**
 * Child process for crash.test.ts: runs a session against the scripted server, prints each milestone,
 * and is killed by the parent while its second turn is in flight.
 * argv: <hiveHome> <serverUrl> <sessionId>
 */
import { AnthropicProvider } from '../../../src/runtime/llm';
import { SessionManager } from '../../../src/runtime/session';

const [home, url, sid] = process.argv.slice(2) as [string, string, string];
const mgr = new SessionManager({
  hiveHome: home,
  provider: async () =>
    new AnthropicProvider({ model: 'claude-haiku-4-5', apiKey: 'test-key', baseURL: url }),
  logger: { warn() {} },
  reflection: false,
});

(async () => {
  const s = await mgr.createSession({ sessionId: sid, queenId: 'queen_operations' });
  await s.send('first');
  process.stdout.write('answered-first\n');
  await s.send('second'); // the server never answers; the parent kills us meanwhile
})();
