// A model provider that follows the settings: each call resolves the current model settings
// (SecretStorage key, hive.model, hive.maxTokens, hive.apiBaseUrl) and reuses one AnthropicProvider
// per distinct configuration, so a changed setting or key applies to the next turn of every session.
import type { ModelSettings } from '../runtime/config/model-settings';
import { ModelError } from '../runtime/llm/errors';
import type {
  CallOptions,
  ModelProvider,
  ModelRequest,
  ModelTurn,
  StreamCallbacks,
} from '../runtime/llm/types';
import { MissingApiKeyError } from './missing-key';

export type ProviderFactory = (settings: ModelSettings & { apiKey: string }) => ModelProvider;

export class LiveSettingsProvider implements ModelProvider {
  private current: { sig: string; provider: ModelProvider };

  constructor(
    initial: ModelSettings & { apiKey: string },
    private readonly resolve: () => Promise<ModelSettings>,
    private readonly make: ProviderFactory,
  ) {
    this.current = { sig: signature(initial), provider: make(initial) };
  }

  get model(): string {
    return this.current.provider.model;
  }

  get contextWindow(): number {
    return this.current.provider.contextWindow;
  }

  async streamTurn(req: ModelRequest, opts?: CallOptions): Promise<ModelTurn> {
    return (await this.provider()).streamTurn(req, opts);
  }

  async complete(
    req: ModelRequest,
    opts?: { signal?: AbortSignal; onRetry?: StreamCallbacks['onRetry'] },
  ): Promise<ModelTurn> {
    return (await this.provider()).complete(req, opts);
  }

  private async provider(): Promise<ModelProvider> {
    const s = await this.resolve();
    // A model error, so the turn fails cleanly (shown in the chat with its message) instead of
    // breaking the queen's loop.
    if (!s.apiKey) throw new ModelError('auth', new MissingApiKeyError().message);
    const sig = signature(s);
    if (sig !== this.current.sig)
      this.current = { sig, provider: this.make(s as ModelSettings & { apiKey: string }) };
    return this.current.provider;
  }
}

/** Identifies a configuration without keeping the key itself around in a readable string. */
function signature(s: ModelSettings): string {
  return JSON.stringify([hash(s.apiKey ?? ''), s.model, s.baseURL, s.maxTokens]);
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
