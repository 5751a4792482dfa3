import { HiveError } from '../runtime/errors';
// The "no API key" error, free of `vscode` so the runtime bundle (runtimeEntry.ts) can throw it too.
// Bundles each get their own copy of the class: recognise it by name (isMissingApiKey).
export class MissingApiKeyError extends HiveError {
  override name = 'MissingApiKeyError';
  constructor() {
    super(
      'MISSING_API_KEY',
      'No Anthropic API key: set one with "Hive: Set API Key" (kept in VS Code\'s secret storage), or set ANTHROPIC_API_KEY.',
    );
  }
}

export function isMissingApiKey(err: unknown): boolean {
  return (err as Error | undefined)?.name === 'MissingApiKeyError';
}
