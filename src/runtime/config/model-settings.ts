import { configurationFile } from '../storage/paths';
import { readTextSafe } from '../storage/safe-read';

/** What the model provider needs, and where each value came from (shown to the user on errors). */
export interface ModelSettings {
  apiKey: string | null;
  keySource: 'secret-storage' | 'env:ANTHROPIC_API_KEY' | `config-env:${string}` | 'none';
  model: string;
  baseURL: string | null;
  maxTokens: number;
  /** Problems found while reading configuration.json; never fatal. */
  warnings: string[];
}

/** Values the editor supplies (settings + SecretStorage); empty strings mean "not set". */
export interface ModelSettingsInput {
  hiveHome: string;
  secretKey?: string | null;
  model?: string;
  baseURL?: string;
  maxTokens?: number;
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_MODEL = 'claude-sonnet-4-20250514';
export const DEFAULT_MAX_TOKENS = 8192;

interface HiveLlmConfig {
  provider?: unknown;
  model?: unknown;
  max_tokens?: unknown;
  api_key_env_var?: unknown;
  api_base?: unknown;
}

/**
 * Key order (docs/architecture.md, "The model"): SecretStorage, then ANTHROPIC_API_KEY, then the env var that Hive's
 * `~/.hive/configuration.json` names in `llm.api_key_env_var`. Editor settings beat the file for
 * model, base URL and max tokens, so a Hive user gets their Hive choices without retyping them.
 */
export async function resolveModelSettings(input: ModelSettingsInput): Promise<ModelSettings> {
  const env = input.env ?? process.env;
  const warnings: string[] = [];
  const llm = await readHiveLlmConfig(input.hiveHome, warnings);

  let apiKey: string | null = null;
  let keySource: ModelSettings['keySource'] = 'none';
  if (input.secretKey?.trim()) {
    apiKey = input.secretKey.trim();
    keySource = 'secret-storage';
  } else if (env.ANTHROPIC_API_KEY?.trim()) {
    apiKey = env.ANTHROPIC_API_KEY.trim();
    keySource = 'env:ANTHROPIC_API_KEY';
  } else if (typeof llm.api_key_env_var === 'string' && env[llm.api_key_env_var]?.trim()) {
    apiKey = env[llm.api_key_env_var]?.trim() ?? null;
    keySource = `config-env:${llm.api_key_env_var}`;
  }

  const fileModel = anthropicModelFromConfig(llm);
  const fileMax = typeof llm.max_tokens === 'number' && llm.max_tokens > 0 ? llm.max_tokens : undefined;
  const fileBase = typeof llm.api_base === 'string' && llm.api_base.trim() ? llm.api_base.trim() : undefined;
  return {
    apiKey,
    keySource,
    model: input.model?.trim() || fileModel || DEFAULT_MODEL,
    baseURL: input.baseURL?.trim() || fileBase || env.ANTHROPIC_BASE_URL?.trim() || null,
    maxTokens: input.maxTokens && input.maxTokens > 0 ? input.maxTokens : (fileMax ?? DEFAULT_MAX_TOKENS),
    warnings,
  };
}

/** Hive stores `provider` + `model`; only Anthropic models are usable by our Anthropic client. */
function anthropicModelFromConfig(llm: HiveLlmConfig): string | undefined {
  if (typeof llm.model !== 'string' || !llm.model.trim()) return undefined;
  const provider = typeof llm.provider === 'string' ? llm.provider.toLowerCase() : 'anthropic';
  if (provider !== 'anthropic') return undefined;
  return llm.model.trim().replace(/^anthropic\//, '');
}

async function readHiveLlmConfig(home: string, warnings: string[]): Promise<HiveLlmConfig> {
  const file = configurationFile(home);
  let text: string;
  try {
    text = await readTextSafe(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') warnings.push(`${file}: ${(err as Error).message}`);
    return {};
  }
  try {
    // Hive reads it as utf-8-sig: tolerate a BOM.
    const parsed: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    const llm = (parsed as { llm?: unknown } | null)?.llm;
    if (llm === undefined) return {};
    if (typeof llm !== 'object' || llm === null || Array.isArray(llm)) {
      warnings.push(`${file}: "llm" must be an object; ignored`);
      return {};
    }
    return llm as HiveLlmConfig;
  } catch (err) {
    warnings.push(`${file}: not valid JSON (${(err as Error).message}); ignored`);
    return {};
  }
}
