import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Caps the webhook server's open connections without letting idle or slow ones lock out a real sender
 * (a slowloris on loopback): past the cap, the oldest connection with no request being handled (still
 * sending its headers, or idle between keep-alive requests) is dropped to make room; only when every
 * connection is busy is the newcomer refused. Hive's server had no cap (Hive: core/framework/triggers/
 * webhook_server.py, aiohttp defaults).
 */
export class ConnectionGuard {
  /** Open sockets, oldest first, with the number of requests being handled on each. */
  private readonly open = new Map<Socket, { busy: number }>();
  evicted = 0;
  refused = 0;

  constructor(private readonly max: number) {}

  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.admit(socket));
  }

  get size(): number {
    return this.open.size;
  }

  /** A request on this socket is being handled: it is not evicted until done. */
  busy(socket: Socket | null | undefined): () => void {
    const s = socket ? this.open.get(socket) : undefined;
    if (!s) return () => undefined;
    s.busy++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      s.busy--;
    };
  }

  /** Connections with a request in hand. */
  get busyCount(): number {
    let n = 0;
    for (const s of this.open.values()) if (s.busy > 0) n++;
    return n;
  }

  private admit(socket: Socket): void {
    if (this.open.size >= this.max) {
      const victim = [...this.open].find(([, s]) => s.busy === 0)?.[0];
      if (!victim) {
        this.refused++;
        socket.destroy();
        return;
      }
      this.evicted++;
      this.open.delete(victim);
      victim.destroy();
    }
    this.open.set(socket, { busy: 0 });
    socket.once('close', () => this.open.delete(socket));
  }
}
