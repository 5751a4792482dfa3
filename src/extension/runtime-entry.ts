// Entry of dist/runtime.js (see bundles.ts): the session runtime, the model provider (and through it
// the Anthropic SDK), colony scaffolding. The extension requires it on first use (bundles.ts), so
// activation never even parses it.

export { loadColony } from '../runtime/colony/colony-load';
export { scaffoldColony } from '../runtime/colony/colony-scaffold';
export { AnthropicProvider } from '../runtime/llm/provider';
export { SessionManager } from '../runtime/session/manager';
export { LiveSettingsProvider } from './live-provider';
