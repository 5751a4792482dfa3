/**
 * The model provider over @anthropic-ai/sdk: streamed turns with tool use, prompt caching, usage and cost,
 * our own retries (the SDK's are off) and abort at any moment.
 *
 * A stream that drops after text or tool input already reached the callbacks is retried as a whole turn:
 * the API cannot resume a message, so the next try starts from nothing and `onRetry` says
 * `discardPartial: true` so the caller throws the partial output away.
 */
import { contextWindowFor } from './context-window';
import { classifyError, ModelError, StreamIdleError } from './errors';
import { costOf, priceFor } from './pricing';
import { buildMessagesBody, type MessagesBody, type RequestDefaults } from './request';
import {
  abortableSleep,
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
  retryDelay,
  type Sleep,
  shouldRetry,
} from './retry';
import { loadSdk, type SdkLogger, type SdkModule, silentLogger } from './sdk';
import { type RawStreamEvent, TurnAssembler, toolUse } from './stream-assembly';
import type {
  AssembledToolUse,
  CallOptions,
  ModelConfig,
  ModelProvider,
  ModelRequest,
  ModelTurn,
  RetryInfo,
  StreamCallbacks,
  TextBlock,
  TurnUsage,
} from './types';

export const DEFAULT_MAX_TOKENS = 8192;
export { DEFAULT_CONTEXT_WINDOW } from './context-window';

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_STREAM_IDLE_MS = 120_000;

export interface ProviderDeps {
  /** Waits between tries; tests inject one that records the delays. */
  sleep?: Sleep;
  /** Jitter source in [0, 1). */
  random?: () => number;
  logger?: SdkLogger;
  loadSdk?: () => Promise<SdkModule>;
}

type Client = InstanceType<SdkModule['Anthropic']>;
type TurnBody = Omit<ModelTurn, 'attempts'>;

/** An error thrown by the caller's own callback: passed through untouched, never retried. */
class CallbackFailure {
  constructor(readonly error: unknown) {}
}

export class AnthropicProvider implements ModelProvider {
  readonly model: string;
  readonly contextWindow: number;
  private readonly policy: RetryPolicy;
  private readonly defaults: RequestDefaults;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private client: Promise<{ sdk: SdkModule; client: Client }> | undefined;

  constructor(
    private readonly config: ModelConfig,
    private readonly deps: ProviderDeps = {},
  ) {
    if (!config.model) throw new ModelError('bad_request', 'no model configured');
    this.model = config.model;
    this.contextWindow = contextWindowFor(config.model, config.contextWindow);
    this.policy = { ...DEFAULT_RETRY_POLICY, ...config.retry };
    this.policy.maxAttempts = Math.max(1, Math.floor(this.policy.maxAttempts));
    this.defaults = {
      model: config.model,
      maxTokens: config.maxTokens ?? DEFAULT_MAX_TOKENS,
      promptCaching: config.promptCaching ?? true,
    };
    this.sleep = deps.sleep ?? abortableSleep;
    this.random = deps.random ?? Math.random;
  }

  streamTurn(req: ModelRequest, opts: CallOptions = {}): Promise<ModelTurn> {
    const body = buildMessagesBody(req, this.defaults);
    return this.withRetries(opts.signal, opts.callbacks?.onRetry, (state) =>
      this.streamOnce(body, opts, state),
    );
  }

  complete(
    req: ModelRequest,
    opts: { signal?: AbortSignal; onRetry?: StreamCallbacks['onRetry'] } = {},
  ): Promise<ModelTurn> {
    const body = buildMessagesBody(req, this.defaults);
    return this.withRetries(opts.signal, opts.onRetry, () => this.createOnce(body, opts.signal));
  }

  private async withRetries(
    signal: AbortSignal | undefined,
    onRetry: ((info: RetryInfo) => void) | undefined,
    once: (state: { delivered: boolean }) => Promise<TurnBody>,
  ): Promise<ModelTurn> {
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted)
        throw withAttempts(new ModelError('aborted', 'the request was aborted'), attempt - 1);
      const state = { delivered: false };
      let sdk: SdkModule | undefined;
      try {
        sdk = (await this.connect()).sdk;
        return { ...(await once(state)), attempts: attempt };
      } catch (err) {
        if (err instanceof CallbackFailure) throw err.error;
        const error = withAttempts(classifyError(err, sdk, signal?.aborted ?? false), attempt);
        if (!shouldRetry(this.policy, attempt, error)) throw error;
        const delayMs = retryDelay(this.policy, attempt, error, this.random);
        const info = {
          attempt,
          maxAttempts: this.policy.maxAttempts,
          delayMs,
          error,
          discardPartial: state.delivered,
        };
        onRetry?.(info);
        try {
          await this.sleep(delayMs, signal);
        } catch {
          throw withAttempts(new ModelError('aborted', 'the request was aborted'), attempt);
        }
      }
    }
  }

  private async streamOnce(
    body: MessagesBody,
    opts: CallOptions,
    state: { delivered: boolean },
  ): Promise<TurnBody> {
    const { client } = await this.connect();
    const idleMs = this.config.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_MS;
    // One controller for the request, aborted by the caller's signal or by the idle timer. Linked by hand:
    // AbortSignal.any cost tens of µs per call in Node 20, more than the rest of this setup.
    const request = new AbortController();
    let idled = false;
    const onCallerAbort = () => request.abort(opts.signal?.reason);
    if (opts.signal?.aborted) onCallerAbort();
    else opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const signal = request.signal;
    // One timer, pushed back on every event: refresh() re-arms it without a new timer per SSE event.
    const timer = setTimeout(() => {
      idled = true;
      request.abort(new StreamIdleError(idleMs));
    }, idleMs);
    const arm = () => timer.refresh();
    const asm = new TurnAssembler(guard(opts.callbacks), body.model);
    try {
      const { data: stream, response } = await client.messages
        .create({ ...body, stream: true } as Parameters<Client['messages']['create']>[0] & { stream: true }, {
          signal,
          timeout: this.config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          maxRetries: 0,
        })
        .withResponse();
      for await (const event of stream) {
        arm();
        asm.handle(event as RawStreamEvent);
        state.delivered = asm.delivered;
      }
      // The SDK ends an aborted stream quietly; say why it ended.
      if (idled) throw new StreamIdleError(idleMs);
      if (opts.signal?.aborted) throw new ModelError('aborted', 'the request was aborted');
      const turn = asm.finish();
      return {
        ...turn,
        usage: this.priced(turn.usage, turn.model),
        requestId: response.headers.get('request-id') ?? undefined,
      };
    } catch (err) {
      state.delivered = asm.delivered;
      if (idled && !opts.signal?.aborted) throw new StreamIdleError(idleMs);
      throw err;
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  private async createOnce(body: MessagesBody, signal: AbortSignal | undefined): Promise<TurnBody> {
    const { client } = await this.connect();
    const { data, response } = await client.messages
      .create(body as Parameters<Client['messages']['create']>[0] & { stream?: false }, {
        signal,
        timeout: this.config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        maxRetries: 0,
      })
      .withResponse();
    const message = data as unknown as {
      content: Array<{ type: string; text?: string; id?: string; name?: string; input?: unknown }>;
      stop_reason: string | null;
      model: string;
      usage: Partial<TurnUsage>;
    };
    const content: Array<TextBlock | AssembledToolUse> = [];
    for (const b of message.content ?? []) {
      if (b.type === 'text' && b.text) content.push({ type: 'text', text: b.text });
      else if (b.type === 'tool_use')
        content.push(toolUse(b.id ?? '', b.name ?? '', JSON.stringify(b.input ?? {})));
    }
    const usage: TurnUsage = {
      input_tokens: message.usage?.input_tokens ?? 0,
      output_tokens: message.usage?.output_tokens ?? 0,
      cache_read_input_tokens: message.usage?.cache_read_input_tokens ?? 0,
      cache_creation_input_tokens: message.usage?.cache_creation_input_tokens ?? 0,
    };
    const model = message.model || body.model;
    return {
      content,
      thinkingBlocks: [],
      text: content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join(''),
      toolUses: content.filter((b): b is AssembledToolUse => b.type === 'tool_use'),
      stopReason: message.stop_reason ?? 'end_turn',
      model,
      usage: this.priced(usage, model),
      requestId: response.headers.get('request-id') ?? undefined,
    };
  }

  private priced(usage: TurnUsage, model: string): TurnUsage {
    const price = priceFor(model, this.config.prices) ?? priceFor(this.model, this.config.prices);
    return price ? { ...usage, cost_usd: costOf(usage, price) } : { ...usage };
  }

  private connect(): Promise<{ sdk: SdkModule; client: Client }> {
    this.client ??= (async () => {
      if (!this.config.apiKey) throw new ModelError('auth', 'no API key configured for the model');
      const sdk = await (this.deps.loadSdk ?? loadSdk)();
      const client = new sdk.Anthropic({
        apiKey: this.config.apiKey,
        // Always explicit, so ANTHROPIC_BASE_URL in the environment cannot redirect a configured client.
        baseURL: this.config.baseURL || 'https://api.anthropic.com',
        maxRetries: 0,
        timeout: this.config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        logger: this.deps.logger ?? silentLogger,
        defaultHeaders: this.config.defaultHeaders,
        openTelemetry: false,
      });
      return { sdk, client };
    })().catch((err: unknown) => {
      this.client = undefined;
      throw err;
    });
    return this.client;
  }
}

function withAttempts(e: ModelError, attempts: number): ModelError {
  e.attempts = attempts;
  return e;
}

/** Wraps callbacks so an exception of the caller's is told apart from a model failure. */
function guard(cb: StreamCallbacks | undefined): StreamCallbacks {
  if (!cb) return {};
  const wrap =
    <A extends unknown[]>(f: ((...a: A) => void) | undefined) =>
    (...a: A) => {
      if (!f) return;
      try {
        f(...a);
      } catch (err) {
        throw new CallbackFailure(err);
      }
    };
  return {
    onTextDelta: wrap(cb.onTextDelta?.bind(cb)),
    onThinkingDelta: wrap(cb.onThinkingDelta?.bind(cb)),
    onToolUseStart: wrap(cb.onToolUseStart?.bind(cb)),
    onToolInputDelta: wrap(cb.onToolInputDelta?.bind(cb)),
  };
}
