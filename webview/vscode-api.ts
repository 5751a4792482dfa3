// The webview's side of the channel: typed posting to the host and the small state VS Code keeps
// for us while the panel is hidden (retainContextWhenHidden is off, so the page is rebuilt).
import type { WebviewToHost } from '../src/shared/protocol';

import type { EarlyBoot } from './boot';

export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export interface PanelState {
  draft: string;
  triggersOpen: boolean;
}

/** The boot script (boot.ts), when it ran first: it holds the API (VS Code hands it out only once). */
export const earlyBoot: EarlyBoot | undefined = (window as unknown as { hiveEarly?: EarlyBoot }).hiveEarly;

const api: VsCodeApi = earlyBoot?.api ?? acquireVsCodeApi();

export function post(message: WebviewToHost): void {
  api.postMessage(message);
}

export function loadState(): PanelState {
  const s = api.getState() as Partial<PanelState> | undefined;
  return {
    draft: typeof s?.draft === 'string' ? s.draft : '',
    triggersOpen: typeof s?.triggersOpen === 'boolean' ? s.triggersOpen : true,
  };
}

export function saveState(patch: Partial<PanelState>): void {
  api.setState({ ...loadState(), ...patch });
}
