import { AnthropicProvider, type ModelConfig, type ProviderDeps } from '../../src/runtime/llm';
import type { ScriptedServer } from './scripted-anthropic-server';

/** A provider pointed at the scripted server whose backoff sleeps are recorded instead of waited. */
export function providerFor(
  server: ScriptedServer,
  config: Partial<ModelConfig> = {},
  deps: ProviderDeps = {},
): { provider: AnthropicProvider; delays: number[] } {
  const delays: number[] = [];
  const provider = new AnthropicProvider(
    { model: 'claude-haiku-4-5', apiKey: 'test-key', baseURL: server.url, ...config },
    {
      sleep: async (ms, signal) => {
        delays.push(ms);
        if (signal?.aborted) throw signal.reason;
      },
      random: () => 0.5,
      ...deps,
    },
  );
  return { provider, delays };
}
