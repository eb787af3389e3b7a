#!/usr/bin/env bash
# Installs the npm package the way a user does: its tarball (from `cargo xtask
# release`) into a fresh temporary project made of this example, then
#   - checks that the installed component is the release's (same sha256),
#   - type-checks example.ts with `tsc --strict` against the package's declarations,
#   - runs flow.mjs and `node --test test/` against the Kibana simulator.
#
#   ELASTIC_SECURITY_DIST  the release's directory; default ../../dist
#   ELASTIC_SECURITY_BIN   the native CLI whose `stub` is the simulator; default
#                          ../../target/debug/elastic-security
# Relative values are taken from the current directory, the defaults from this
# script's. Needs Node.js 20+ and npm (the npm registry, for the package's
# dependencies and TypeScript).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dist="$(realpath -m "${ELASTIC_SECURITY_DIST:-$here/../../dist}")"
bin="$(realpath -m "${ELASTIC_SECURITY_BIN:-$here/../../target/debug/elastic-security}")"
version="$(node -p "require('$here/package.json').dependencies['@elastic-security-wasm/component']")"
tarball="$dist/elastic-security-wasm-component-$version.tgz"

missing=0
if [[ ! -f "$tarball" ]]; then
  echo "examples/js: the npm package is missing: $tarball (run \`cargo xtask release\` first)" >&2
  missing=1
fi
if [[ ! -x "$bin" ]]; then
  echo "examples/js: the simulator is missing: $bin (run \`cargo build -p host-test\` first)" >&2
  missing=1
fi
((missing == 0)) || exit 1
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if ((node_major < 20)); then
  echo "examples/js: Node.js 20 or newer is needed (found $(node --version))" >&2
  exit 1
fi

project="$(mktemp -d)"
trap 'rm -rf "$project"' EXIT
cp -r "$here/package.json" "$here/tsconfig.json" "$here/example.ts" "$here/flow.mjs" \
  "$here/kibana-stub.mjs" "$here/test" "$project/"
cd "$project"

echo "examples/js: npm install $(basename "$tarball") into a fresh project"
npm install --no-audit --no-fund --loglevel=error "$tarball"

echo "examples/js: the installed component is the release's"
installed="$(sha256sum node_modules/@elastic-security-wasm/component/elastic_security.wasm | cut -d' ' -f1)"
released="$(sha256sum "$dist/elastic-security-$version.wasm" | cut -d' ' -f1)"
if [[ "$installed" != "$released" ]]; then
  echo "examples/js: the package's component ($installed) is not the release's ($released)" >&2
  exit 1
fi

echo "examples/js: the package's node manifest is the release's, readable from CommonJS"
node -e "
const installed = require('@elastic-security-wasm/component/elastic-security.node.json');
const released = require(process.argv[1]);
if (JSON.stringify(installed) !== JSON.stringify(released)) { console.error('not the release manifest'); process.exit(1); }
if (installed.operations.length !== 20) { console.error('not 20 operations'); process.exit(1); }
" "$dist/elastic-security.node.json"

echo "examples/js: the package names no directory of the machine that built it"
repo="$(cd "$here/../.." && pwd)"
if grep -rlF -e "$repo" -e "$HOME/" node_modules/@elastic-security-wasm/component; then
  echo "examples/js: the files above name $repo or $HOME" >&2
  exit 1
fi

echo "examples/js: tsc --strict (example.ts against the package's declarations)"
npx --no-install tsc -p tsconfig.json

export ELASTIC_SECURITY_BIN="$bin"
echo "examples/js: node flow.mjs (the simulator's key from the environment)"
KIBANA_API_KEY=sim-api-key node flow.mjs

echo "examples/js: node --test"
node --test --test-reporter=spec test/*.test.mjs
