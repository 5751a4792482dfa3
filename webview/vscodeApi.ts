// The webview's side of the channel: typed posting to the host and the small state VS Code keeps
// for us while the panel is hidden (retainContextWhenHidden is off, so the page is rebuilt).
import type { WebviewToHost } from '../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export interface PanelState {
  draft: string;
  triggersOpen: boolean;
}

const api: VsCodeApi = acquireVsCodeApi();

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
