#!/usr/bin/env bash
# `npm run dev`: on a desktop with VS Code, opens an Extension Development Host running this checkout
# on the sample workspace, and rebuilds on change (esbuild watch) until you press Ctrl+C.
# In VS Code itself, F5 does the same through .vscode/launch.json. Without desktop VS Code, use npm start.
set -euo pipefail
cd "$(dirname "$0")/.."
code_cli="${VSCODE_CLI:-$(command -v code || command -v code-insiders || true)}"
if [ -z "$code_cli" ]; then
  echo "npm run dev: VS Code's 'code' command is not on PATH (set VSCODE_CLI to it)." >&2
  echo "Without desktop VS Code, 'npm start' runs the extension in code-server instead." >&2
  exit 1
fi
node scripts/build.mjs
"$code_cli" --new-window --extensionDevelopmentPath="$PWD" "$PWD/sample/workspace"
echo "Extension Development Host started; rebuilding on change (Ctrl+C to stop). Reload its window to pick up a build."
exec node scripts/build.mjs --watch
