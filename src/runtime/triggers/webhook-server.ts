import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HiveError } from '../errors';
import { ConnectionGuard } from './connection-guard';
import { DEFAULT_WEBHOOK_RATE_LIMIT, type RateLimit, TokenBucket } from './rate-limit';
import {
  firstHeader,
  persistableHeaders,
  persistableQuery,
  SECRET_HEADER,
  SIGNATURE_HEADERS,
  secretMatches,
  signatureMatches,
} from './webhook-auth';
import { parsePayload } from './webhook-body';

/**
 * The session's webhook server (docs/hive-format.md §3 rule 11, minus docs/hive-format.md §5 bug 4): bound to 127.0.0.1 only,
 * every route authenticated, routes added and removed while running, bounded bodies, per-route rate
 * limits. Checks run cheapest first, and a request that fails one never reaches the queen:
 *   404 unknown path → 405 wrong method (with Allow) → 413 declared body too large → 401 no
 *   credentials or wrong X-Hive-Secret (body not read) → 429 over the route's rate (X-Hive-Secret
 *   callers, before reading the body) → 413 body grew too large (reading stops) → 401 bad signature
 *   → 429 over the rate (signed callers) → the route's decision (202 {"status":"accepted"} or e.g. 503).
 * Unauthenticated requests never consume the route's tokens, so a flood of them cannot starve a
 * caller that knows the secret.
 */

export const WEBHOOK_HOST = '127.0.0.1';
/** Senders' delivery ids: GitHub's, and the common Idempotency-Key. */
const DELIVERY_ID_HEADERS = ['x-github-delivery', 'idempotency-key'] as const;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Rejected requests with a body up to this size are drained so keep-alive connections survive. */
const DRAIN_LIMIT = 64 * 1024;

export interface WebhookRequestInfo {
  path: string;
  method: string;
  /** Without credentials (authorization, cookies, secrets, tokens, signatures). */
  headers: Record<string, string>;
  /** Parsed JSON body; `{}` when empty; `{raw_body: text}` when not JSON (Hive's fallback). */
  payload: unknown;
  query_params: Record<string, string>;
  /** The sender's delivery id (X-GitHub-Delivery or Idempotency-Key), for redelivery dedupe. */
  delivery_key?: string;
}

export type WebhookDecision =
  | { accepted: true; duplicate?: boolean }
  | { accepted: false; status: number; error: string; retryAfterSeconds?: number };

export interface WebhookRouteSpec {
  id: string;
  path: string;
  methods: string[];
  secret: string;
  rateLimit?: RateLimit;
  /** May be async: the 202 waits for it (the delivery is persisted first). */
  onRequest(info: WebhookRequestInfo): WebhookDecision | Promise<WebhookDecision>;
}

export interface WebhookServerOptions {
  /** 0 = any free port. */
  port: number;
  maxBodyBytes?: number;
  rateLimit?: RateLimit;
  now?: () => number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** A signed request's body must arrive within this (it is read before the signature can be checked). */
  bodyTimeoutMs?: number;
  /** Open connections at most; past it the oldest idle or header-sending one is dropped. */
  maxConnections?: number;
  /** Bodies being read at once (signed requests), and their bytes together. */
  maxPendingBodies?: number;
  maxPendingBodyBytes?: number;
  /** How long close() lets requests in hand finish (their 202 sent) before cutting connections. */
  closeGraceMs?: number;
}

export class WebhookRouteConflictError extends HiveError {
  constructor(path: string, method: string, other: string) {
    super(
      'WEBHOOK_ROUTE_CONFLICT',
      `Webhook route ${method} ${path} is already served by trigger "${other}"`,
    );
    this.name = 'WebhookRouteConflictError';
  }
}

interface Route extends WebhookRouteSpec {
  bucket: TokenBucket;
}

export class WebhookServer {
  private server: Server | undefined;
  private readonly routes = new Map<string, Route>();
  private actualPort: number | undefined;
  private readonly maxBody: number;
  private readonly now: () => number;
  /** Responses sent, by status code (for benchmarks and diagnostics). */
  readonly counts: Record<number, number> = {};
  readonly guard: ConnectionGuard;
  private pendingBodies = 0;
  private pendingBytes = 0;
  private inHand = 0;
  private readonly inHandDone = new Set<() => void>();

  constructor(private readonly options: WebhookServerOptions) {
    this.maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.now = options.now ?? Date.now;
    this.guard = new ConnectionGuard(options.maxConnections ?? 256);
  }

  get port(): number | undefined {
    return this.actualPort;
  }

  get listening(): boolean {
    return this.server?.listening === true;
  }

  url(path: string): string {
    return `http://${WEBHOOK_HOST}:${this.actualPort ?? this.options.port}${path}`;
  }

  /** Listens on 127.0.0.1; resolves with the actual port. Idempotent. */
  async start(): Promise<number> {
    if (this.server) return this.actualPort!;
    // Header and request timeouts are enforced by a sweep this often (Node's default is 30 s).
    const server = createServer({ connectionsCheckingInterval: 1000 }, (req, res) => this.track(req, res));
    this.guard.attach(server);
    server.headersTimeout = this.options.headersTimeoutMs ?? 10_000;
    server.requestTimeout = this.options.requestTimeoutMs ?? 30_000;
    server.keepAliveTimeout = 5_000;
    this.server = server;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.options.port, WEBHOOK_HOST, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      this.server = undefined;
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'EADDRINUSE' ? 'is already in use' : `cannot be used (${(err as Error).message})`;
      throw new Error(`Webhook server: port ${this.options.port} on ${WEBHOOK_HOST} ${why}`);
    }
    this.actualPort = (server.address() as AddressInfo).port;
    return this.actualPort;
  }

  addRoute(spec: WebhookRouteSpec): void {
    const methods = spec.methods.map((m) => m.toUpperCase());
    for (const other of this.routes.values()) {
      if (other.id === spec.id || other.path !== spec.path) continue;
      const clash = methods.find((m) => other.methods.includes(m));
      if (clash) throw new WebhookRouteConflictError(spec.path, clash, other.id);
    }
    const limit = spec.rateLimit ?? this.options.rateLimit ?? DEFAULT_WEBHOOK_RATE_LIMIT;
    this.routes.set(spec.id, { ...spec, methods, bucket: new TokenBucket(limit, this.now) });
  }

  removeRoute(id: string): boolean {
    return this.routes.delete(id);
  }

  get routeCount(): number {
    return this.routes.size;
  }

  hasRoute(id: string): boolean {
    return this.routes.has(id);
  }

  /** Stops listening and drops every open connection at once. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.routes.clear();
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // Requests in hand (a delivery being persisted) finish first: their sender gets its answer.
    if (this.inHand > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.closeGraceMs ?? 2000);
        this.inHandDone.add(() => {
          if (this.inHand === 0) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    }
    server.closeAllConnections();
    await closed;
  }

  /** Counts the request as in hand until its response is done (close() waits for those). */
  private track(req: IncomingMessage, res: ServerResponse): void {
    this.inHand++;
    const release = this.guard.busy(req.socket);
    res.once('close', () => {
      release();
      this.inHand--;
      for (const f of this.inHandDone) f();
    });
    this.handle(req, res);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${WEBHOOK_HOST}`);
    } catch {
      this.reject(req, res, 400, 'Bad request target');
      return;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const onPath = [...this.routes.values()].filter((r) => r.path === url.pathname);
    if (onPath.length === 0) {
      this.reject(req, res, 404, 'Not found');
      return;
    }
    const route = onPath.find((r) => r.methods.includes(method));
    if (!route) {
      const allow = [...new Set(onPath.flatMap((r) => r.methods))].join(', ');
      this.reject(req, res, 405, `Method ${method} not allowed`, { Allow: allow });
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.maxBody) {
      this.reject(req, res, 413, `Body larger than ${this.maxBody} bytes`);
      return;
    }

    const given = firstHeader(req.headers, SECRET_HEADER);
    const signature = SIGNATURE_HEADERS.map((h) => firstHeader(req.headers, h)).find((v) => v !== undefined);
    if (given === undefined && signature === undefined) {
      this.reject(req, res, 401, 'Missing X-Hive-Secret or X-Hive-Signature-256 header');
      return;
    }
    const byHeader = given !== undefined;
    if (byHeader && !secretMatches(given, route.secret)) {
      this.reject(req, res, 401, 'Invalid secret');
      return;
    }
    if (byHeader && !this.takeToken(req, res, route)) return;
    // A signature cannot be checked before the body is read: at least its form is, and the bodies
    // read at once are capped so unauthenticated senders cannot hold much memory.
    if (!byHeader && !/^sha256=[0-9a-f]{64}$/i.test(signature!.trim())) {
      this.reject(req, res, 401, 'Invalid signature');
      return;
    }
    const maxPending = this.options.maxPendingBodies ?? 32;
    const maxPendingBytes = this.options.maxPendingBodyBytes ?? 16 * 1024 * 1024;
    if (!byHeader && (this.pendingBodies >= maxPending || this.pendingBytes + declared > maxPendingBytes)) {
      this.reject(
        req,
        res,
        503,
        'Too many requests being received; retry shortly',
        { 'Retry-After': '5' },
        5,
      );
      return;
    }

    this.readBody(req, res, (body) => {
      if (!byHeader && !signatureMatches(signature!, body, route.secret)) {
        this.send(res, 401, { error: 'Invalid signature' });
        return;
      }
      if (!byHeader && !this.takeToken(req, res, route)) return;
      const info: WebhookRequestInfo = {
        path: url.pathname,
        method,
        headers: persistableHeaders(req.headers),
        payload: parsePayload(body, firstHeader(req.headers, 'content-type')),
        query_params: persistableQuery(url.searchParams),
      };
      const key = DELIVERY_ID_HEADERS.map((h) => firstHeader(req.headers, h)).find((v) => v !== undefined);
      if (key !== undefined && key.length <= 200) info.delivery_key = key;
      const failed: WebhookDecision = {
        accepted: false,
        status: 500,
        error: 'Trigger failed to accept the request',
      };
      let pending: WebhookDecision | Promise<WebhookDecision>;
      try {
        pending = route.onRequest(info);
      } catch {
        pending = failed;
      }
      void Promise.resolve(pending)
        .catch(() => failed)
        .then((decision) => {
          if (decision.accepted) {
            this.send(
              res,
              202,
              decision.duplicate ? { status: 'accepted', duplicate: true } : { status: 'accepted' },
            );
            return;
          }
          const extra = decision.retryAfterSeconds
            ? { 'Retry-After': String(decision.retryAfterSeconds) }
            : undefined;
          this.send(res, decision.status, { error: decision.error }, extra);
        });
    });
  }

  private takeToken(req: IncomingMessage, res: ServerResponse, route: Route): boolean {
    const taken = route.bucket.take();
    if (taken.ok) return true;
    const seconds = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
    this.reject(
      req,
      res,
      429,
      'Too many requests for this webhook',
      { 'Retry-After': String(seconds) },
      seconds,
    );
    return false;
  }

  /**
   * Streams the body up to the limit; past it, answers 413 and stops reading. Counted in the pending
   * bodies until it ends; one that does not arrive within the body timeout is answered 408 and cut.
   */
  private readBody(req: IncomingMessage, res: ServerResponse, done: (body: Buffer) => void): void {
    if (req.readableEnded) {
      done(Buffer.alloc(0));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    this.pendingBodies++;
    let counted = true;
    const uncount = () => {
      if (!counted) return;
      counted = false;
      this.pendingBodies--;
      this.pendingBytes -= size;
    };
    const timer = setTimeout(() => {
      over = true;
      chunks.length = 0;
      uncount();
      req.pause();
      this.send(res, 408, { error: 'Body not received in time' }, { Connection: 'close' }, true);
    }, this.options.bodyTimeoutMs ?? 10_000);
    const finish = () => {
      clearTimeout(timer);
      uncount();
    };
    res.once('close', finish);
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      this.pendingBytes += chunk.length;
      const maxPendingBytes = this.options.maxPendingBodyBytes ?? 16 * 1024 * 1024;
      if (size > this.maxBody || this.pendingBytes > maxPendingBytes) {
        over = true;
        chunks.length = 0;
        finish();
        req.pause();
        const [status, error] =
          size > this.maxBody
            ? [413, `Body larger than ${this.maxBody} bytes`]
            : [503, 'Too many requests being received; retry shortly'];
        this.send(res, status, { error }, { Connection: 'close' }, true);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      finish();
      if (!over) done(Buffer.concat(chunks, size));
    });
    req.on('error', () => undefined);
  }

  /** Answers without reading the body: small bodies are drained (keep-alive), big ones cut. */
  private reject(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    error: string,
    headers?: Record<string, string>,
    retryAfter?: number,
  ): void {
    const length = Number(req.headers['content-length'] ?? 0);
    const chunked = req.headers['transfer-encoding'] !== undefined;
    const cut = chunked || length > DRAIN_LIMIT;
    if (!cut) req.resume();
    const body = retryAfter ? { error, retry_after: retryAfter } : { error };
    this.send(res, status, body, cut ? { ...headers, Connection: 'close' } : headers, cut);
  }

  private send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers?: Record<string, string>,
    cutConnection = false,
  ): void {
    if (res.headersSent) return;
    this.counts[status] = (this.counts[status] ?? 0) + 1;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text, () => {
      if (!cutConnection) return;
      // The unread rest of the body is never read: half-close so the client gets the answer,
      // then drop the socket shortly after.
      const socket = res.socket;
      socket?.end();
      setTimeout(() => socket?.destroy(), 1000).unref();
    });
  }
}
