/**
 * Loads @anthropic-ai/sdk on first use, so activating the extension does not pay for it.
 * Only type imports reach the SDK statically; they vanish at build time.
 */
import type * as AnthropicSdk from '@anthropic-ai/sdk';

export type SdkModule = typeof AnthropicSdk;

let loading: Promise<SdkModule> | undefined;

export function loadSdk(): Promise<SdkModule> {
  loading ??= import('@anthropic-ai/sdk').catch((err: unknown) => {
    loading = undefined; // let a later call try again
    throw err;
  });
  return loading;
}

/** Whether the SDK module has been requested yet (tests check activation stays light). */
export function sdkRequested(): boolean {
  return loading !== undefined;
}

/** The SDK logs through this; we keep its chatter (e.g. unparseable chunks) out of stdout. */
export interface SdkLogger {
  error(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  debug(message: string, ...rest: unknown[]): void;
}

export const silentLogger: SdkLogger = {
  error() {},
  warn() {},
  info() {},
  debug() {},
};
