import type { TriggerLogger } from './clock';
import { type TriggerDefinition, webhookSettings } from './definitions';
import type { RateLimit } from './rate-limit';
import { generateWebhookSecret, type TriggerSecretStore } from './secrets';
import { type WebhookInfo, webhookInfo } from './webhook-info';
import { type WebhookDecision, type WebhookRequestInfo, WebhookServer } from './webhook-server';

export interface WebhookHostOptions {
  secrets: TriggerSecretStore;
  /** For the "secret stored in …" text when a definition carries its own secret. */
  triggersFile: string;
  now: () => number;
  logger: TriggerLogger;
  maxBodyBytes?: number;
  rateLimit?: RateLimit;
}

/**
 * The session's webhook side: one server per distinct port that a webhook trigger names, so every
 * trigger is served where it says (Hive served only the first trigger's port, bug in
 * Hive: core/framework/triggers/webhook_server.py); a trigger naming no port joins a server already
 * running (else the default port). Routes come and go while servers run; a server left without
 * routes is closed.
 * Secrets: the definition's own `trigger_config.secret` if any, else the store's, else a new one.
 */
export class WebhookHost {
  /** By the port asked for (0: any free port), in start order. */
  private readonly servers = new Map<number, WebhookServer>();

  constructor(private readonly o: WebhookHostOptions) {}

  /** The first server's port (the only one when every trigger shares it). */
  get port(): number | undefined {
    return this.servers.values().next().value?.port;
  }

  /** Every listening port. */
  get ports(): number[] {
    return [...this.servers.values()].flatMap((s) => (s.port !== undefined ? [s.port] : []));
  }

  private serverOf(id: string): WebhookServer | undefined {
    for (const s of this.servers.values()) if (s.hasRoute(id)) return s;
    return undefined;
  }

  /** Serves the trigger's path; starts the server if needed (throws if its port is taken). */
  async attach(
    def: TriggerDefinition,
    onRequest: (req: WebhookRequestInfo) => WebhookDecision | Promise<WebhookDecision>,
  ): Promise<void> {
    const secret = await this.secretFor(def);
    const s = webhookSettings(def);
    const named = typeof def.trigger_config.port === 'number';
    const joined = named ? undefined : this.servers.values().next().value;
    const server = joined ?? (await this.ensureServer(s.port));
    server.addRoute({
      id: def.id,
      path: s.path,
      methods: s.methods,
      secret,
      rateLimit: s.rateLimit,
      onRequest,
    });
  }

  detach(id: string): void {
    const server = this.serverOf(id);
    if (!server) return;
    server.removeRoute(id);
    if (server.routeCount === 0) {
      for (const [port, s] of this.servers) if (s === server) this.servers.delete(port);
      void server.close();
    }
  }

  /** The URL callers use, when the trigger is being served. */
  urlFor(def: TriggerDefinition): string | undefined {
    return this.serverOf(def.id)?.url(webhookSettings(def).path);
  }

  async info(def: TriggerDefinition): Promise<WebhookInfo> {
    const secret = await this.secretFor(def);
    const s = webhookSettings(def);
    const server = this.serverOf(def.id);
    const listening = server !== undefined;
    const location =
      typeof def.trigger_config.secret === 'string'
        ? `${this.o.triggersFile} (trigger_config.secret)`
        : this.o.secrets.location;
    return webhookInfo(s, secret, server?.port ?? s.port, listening, location);
  }

  forget(id: string): Promise<void> {
    this.detach(id);
    return this.o.secrets.delete(id);
  }

  async close(): Promise<void> {
    const servers = [...this.servers.values()];
    this.servers.clear();
    await Promise.all(servers.map((s) => s.close()));
  }

  private async ensureServer(port: number): Promise<WebhookServer> {
    const running = this.servers.get(port);
    if (running) return running;
    const server = new WebhookServer({
      port,
      maxBodyBytes: this.o.maxBodyBytes,
      rateLimit: this.o.rateLimit,
      now: this.o.now,
    });
    await server.start();
    this.servers.set(port, server);
    this.o.logger.info(`Webhook server listening on 127.0.0.1:${server.port}`);
    return server;
  }

  private async secretFor(def: TriggerDefinition): Promise<string> {
    const inline = def.trigger_config.secret;
    if (typeof inline === 'string') return inline;
    const stored = await this.o.secrets.get(def.id);
    if (stored) return stored;
    const fresh = generateWebhookSecret();
    await this.o.secrets.set(def.id, fresh);
    return fresh;
  }
}
