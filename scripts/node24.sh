#!/usr/bin/env bash
# Runs node from the pinned Node 24 of the real-host setup (installed on demand into .vscode-test/),
# for code that needs what Node 20 lacks, such as node:sqlite. Arguments go to node unchanged.
#   scripts/node24.sh -e "require('node:sqlite')"
#   scripts/node24.sh node_modules/mocha/bin/mocha.js 'test/runtime/colony/**/*.test.ts'
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
line="$(bash "$root/scripts/vscode-host.sh" --node-only)" || {
  echo "node24.sh: Node 24 could not be installed (see the error above)" >&2
  exit 1
}
exec "${line#HIVE_NODE24=}" "$@"
