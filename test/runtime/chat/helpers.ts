import { ChatBridge, type ChatBridgeDeps } from '../../../src/extension/chat/chat-bridge';
import { SessionFeed } from '../../../src/extension/chat/session-feed';
import type { ChatSession } from '../../../src/extension/chat/session-sources';
import type { SessionManager } from '../../../src/runtime/session';
import { type HostToWebview, parseHostMessage } from '../../../src/shared/protocol';

/** A bridge whose "panel" records every post (each one checked against the protocol, as the page does). */
export class BridgeHarness {
  readonly posts: HostToWebview[] = [];
  readonly clipboard: string[] = [];
  readonly warnings: string[] = [];
  /** Posts the protocol rejects (the page would drop them): every test expects none. */
  readonly invalid: string[] = [];
  readonly feeds = new Map<ChatSession, SessionFeed>();
  trusted = true;
  readonly bridge: ChatBridge;
  private waiters: Array<{ pred: (m: HostToWebview) => boolean; resolve: (m: HostToWebview) => void }> = [];

  constructor(manager?: SessionManager, extra: Partial<ChatBridgeDeps> = {}) {
    this.bridge = new ChatBridge({
      post: (m) => this.record(m),
      writeClipboard: async (text) => {
        this.clipboard.push(text);
      },
      createSession: async (first) => {
        if (!manager) throw new Error('no manager');
        return manager.createSession({ queenId: 'queen_technology', initialPrompt: first });
      },
      resumeSession: manager ? (id) => manager.resumeSession(id) : undefined,
      feedFor: (s) => this.feedFor(s),
      isTrusted: () => this.trusted,
      log: { warn: (m) => this.warnings.push(m), info: () => {} },
      ...extra,
    });
  }

  feedFor(s: ChatSession): SessionFeed {
    let f = this.feeds.get(s);
    if (!f) {
      f = new SessionFeed(s);
      this.feeds.set(s, f);
    }
    return f;
  }

  /** Resolves with the first post from now on (or already recorded after `from`) matching `pred`. */
  next<T extends HostToWebview['type']>(
    type: T,
    pred: (m: Extract<HostToWebview, { type: T }>) => boolean = () => true,
    from = this.posts.length,
  ): Promise<Extract<HostToWebview, { type: T }>> {
    const match = (m: HostToWebview) => m.type === type && pred(m as Extract<HostToWebview, { type: T }>);
    const found = this.posts.slice(from).find(match);
    if (found) return Promise.resolve(found as Extract<HostToWebview, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for a "${type}" post`)), 10_000);
      this.waiters.push({
        pred: match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<HostToWebview, { type: T }>);
        },
      });
    });
  }

  of<T extends HostToWebview['type']>(type: T, from = 0): Array<Extract<HostToWebview, { type: T }>> {
    return this.posts.slice(from).filter((m) => m.type === type) as Array<
      Extract<HostToWebview, { type: T }>
    >;
  }

  /** Index just after the last snapshot post (the start of the current "page view"). */
  lastSnapshotIndex(): number {
    for (let i = this.posts.length - 1; i >= 0; i--) if (this.posts[i]?.type === 'snapshot') return i;
    return -1;
  }

  private record(m: HostToWebview): boolean {
    // The page drops anything the protocol rejects; so must a test.
    const parsed = parseHostMessage(JSON.parse(JSON.stringify(m)));
    if (!parsed.ok) this.invalid.push(parsed.error);
    this.posts.push(m);
    for (const w of [...this.waiters]) {
      if (w.pred(m)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
    return true;
  }
}

/** Texts of the streamed reply `messageId`, as the page would assemble it. */
export function streamedText(posts: HostToWebview[], messageId: string): string {
  let text = '';
  for (const m of posts) {
    if (m.type === 'textDelta' && m.messageId === messageId) text = m.snapshot ?? text + m.text;
  }
  return text;
}
