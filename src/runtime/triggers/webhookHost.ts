import type { TriggerLogger } from './clock';
import { type TriggerDefinition, webhookSettings } from './definitions';
import type { RateLimit } from './rateLimit';
import { generateWebhookSecret, type TriggerSecretStore } from './secrets';
import { type WebhookInfo, webhookInfo } from './webhookInfo';
import { type WebhookDecision, type WebhookRequestInfo, WebhookServer } from './webhookServer';

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
 * The session's webhook side: one server, started by the first webhook trigger on that trigger's
 * port (Hive's rule), then shared by every webhook trigger; routes come and go while it runs.
 * Secrets: the definition's own `trigger_config.secret` if any, else the store's, else a new one.
 */
export class WebhookHost {
  private server: WebhookServer | undefined;

  constructor(private readonly o: WebhookHostOptions) {}

  get port(): number | undefined {
    return this.server?.port;
  }

  /** Serves the trigger's path; starts the server if needed (throws if its port is taken). */
  async attach(
    def: TriggerDefinition,
    onRequest: (req: WebhookRequestInfo) => WebhookDecision | Promise<WebhookDecision>,
  ): Promise<void> {
    const secret = await this.secretFor(def);
    const s = webhookSettings(def);
    const server = await this.ensureServer(s.port);
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
    this.server?.removeRoute(id);
  }

  /** The URL callers use, when the trigger is being served. */
  urlFor(def: TriggerDefinition): string | undefined {
    return this.server?.hasRoute(def.id) ? this.server.url(webhookSettings(def).path) : undefined;
  }

  async info(def: TriggerDefinition): Promise<WebhookInfo> {
    const secret = await this.secretFor(def);
    const s = webhookSettings(def);
    const listening = this.server?.hasRoute(def.id) === true;
    const location =
      typeof def.trigger_config.secret === 'string'
        ? `${this.o.triggersFile} (trigger_config.secret)`
        : this.o.secrets.location;
    return webhookInfo(s, secret, this.server?.port ?? s.port, listening, location);
  }

  forget(id: string): Promise<void> {
    this.detach(id);
    return this.o.secrets.delete(id);
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.close();
  }

  private async ensureServer(port: number): Promise<WebhookServer> {
    if (this.server) return this.server;
    const server = new WebhookServer({
      port,
      maxBodyBytes: this.o.maxBodyBytes,
      rateLimit: this.o.rateLimit,
      now: this.o.now,
    });
    await server.start();
    this.server = server;
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
