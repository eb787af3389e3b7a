#!/usr/bin/env bash
# Transpiles the built elastic-security component with jco and runs it on Node.js
# (preview2-shim) against the Kibana simulator: `node --test test/`.
#
#   ELASTIC_SECURITY_COMPONENT  the component (.wasm); default
#                               ../../target/guest/elastic_security.wasm
#   ELASTIC_SECURITY_BIN        the native CLI whose `stub` is the simulator; default
#                               ../../target/debug/elastic-security
# Relative values are taken from the current directory; the defaults from this
# script's directory. Needs Node.js 20+ and npm (the npm registry, for `npm ci`).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
absolute() {
  case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$PWD" "$1" ;;
  esac
}
component="$(absolute "${ELASTIC_SECURITY_COMPONENT:-$here/../../target/guest/elastic_security.wasm}")"
bin="$(absolute "${ELASTIC_SECURITY_BIN:-$here/../../target/debug/elastic-security}")"
cd "$here"

missing=0
if [[ ! -f "$component" ]]; then
  echo "examples/js: component not found: $component" >&2
  missing=1
fi
if [[ ! -x "$bin" ]]; then
  echo "examples/js: elastic-security binary not found (or not executable): $bin" >&2
  missing=1
fi
if ((missing)); then
  echo 'examples/js: build first with `cargo build -p host-test` (from the repository root),' >&2
  echo '             or point ELASTIC_SECURITY_COMPONENT / ELASTIC_SECURITY_BIN at the files.' >&2
  exit 1
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if ((node_major < 20)); then
  echo "examples/js: Node.js 20 or newer is needed (found $(node --version))" >&2
  exit 1
fi

echo "examples/js: npm ci"
npm ci --no-audit --no-fund --loglevel=error

echo "examples/js: jco transpile -> generated/"
rm -rf generated
# --map: wasi:http comes from wasi-http-shim.js (preview2-shim's, with one fix;
# see that file and README.md). Every other WASI import is preview2-shim's.
npx --no-install jco transpile "$component" \
  --out-dir generated \
  --name elastic_security \
  --map 'wasi:http/*=../wasi-http-shim.js#*' \
  --quiet

echo "examples/js: node --test"
ELASTIC_SECURITY_BIN="$bin" node --test --test-reporter=spec test/*.test.mjs
