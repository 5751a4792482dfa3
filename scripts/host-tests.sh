#!/usr/bin/env bash
# The real VS Code host tests: installs (or reuses) code-server + Node 24 + Chromium under
# .vscode-test/, builds the extension and the extension-host test bundles, then runs the driver:
# the extension-host suite (test/extension) inside code-server's extension host, then the UI suite
# (test/ui) in Chromium. Fails loudly when the host cannot be set up; it never skips.
# Usage: scripts/host-tests.sh [--only ext|ui]   (screenshots and logs land in test-output/)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! bash scripts/vscode-host.sh >/dev/null; then
  echo "host-tests: FAILED: the real VS Code host could not be set up (see the error above)." >&2
  exit 1
fi
# The UI suite runs the packaged extension: `npm run package` builds dist/ (production) and the .vsix,
# which code-server installs like a user would (it works when installed from the .vsix).
npm run --silent package >/dev/null
node scripts/build-host-tests.mjs
exec node --import tsx scripts/host/run-tests.ts --vsix hive-vscode.vsix "$@"
