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
# The real-host setup brings the pinned Node 24: the unit tests run under it (the product needs Node >=22.13
# for node:sqlite), whatever Node runs npm. It prints host.env (HIVE_NODE24, HIVE_CHROMIUM, …) for the steps below.
step "real VS Code host setup"
while IFS= read -r line; do export "${line?}"; done < <(bash scripts/vscode-host.sh)
step "runtime unit tests (Node 24)"; "$HIVE_NODE24" node_modules/mocha/bin/mocha.js
step "chat webview harness (headless Chromium)"; npx tsx test/ui/webview-harness/run.ts
step "runtime unit tests of node:sqlite (Node 24)"; node scripts/test-node24.mjs
step "real VS Code host tests"; bash scripts/host-tests.sh
