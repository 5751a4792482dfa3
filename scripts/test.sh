#!/usr/bin/env bash
# The whole test suite: type check, lint, build, runtime unit tests, then the real-host suites.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n== %s\n' "$*"; }
step "type check"; npx tsc --noEmit -p .
# The webview project is checked once it has sources (tsc refuses an empty project).
if compgen -G "webview/**/*.ts" >/dev/null || compgen -G "webview/*.ts" >/dev/null; then npx tsc --noEmit -p webview; fi
step "lint"; npx biome check .
step "build"; node scripts/build.mjs
step "runtime unit tests"; npx mocha
# The real-host setup also brings the Node 24 that node:sqlite tests need.
step "real VS Code host setup"
# It prints host.env (HIVE_NODE24, HIVE_CHROMIUM, …) for the steps below.
while IFS= read -r line; do export "${line?}"; done < <(bash scripts/vscode-host.sh)
step "chat webview harness (headless Chromium)"; npx tsx test/ui/webview-harness/run.ts
step "runtime unit tests under Node 24 (node:sqlite)"; node scripts/test-node24.mjs
step "real VS Code host tests"; bash scripts/host-tests.sh
