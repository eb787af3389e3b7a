#!/usr/bin/env bash
# `npm test`: the node in a real n8n 2.41.1, headless, against the Kibana simulator.
#   1. n8n and its Node.js 24, installed once into a cache (install-n8n.sh);
#   2. this package packed once (unless N8N_NODES_TGZ names a tarball already);
#   3. node's test runner on test/*.test.mjs, one file at a time (each starts its own
#      simulator and n8n user folder).
# Environment: see harness.mjs (ELASTIC_SECURITY_BIN, ELASTIC_SECURITY_NPM_TGZ,
# N8N_NODES_TGZ) and install-n8n.sh (ELASTIC_SECURITY_N8N_DIR). Extra arguments go to
# `node --test` (e.g. --test-name-pattern=incident).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="$(dirname "$here")"

started=$SECONDS
bash "$here/install-n8n.sh" >/dev/null
echo "n8n: ready in $((SECONDS - started)) s"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [[ -z "${N8N_NODES_TGZ:-}" ]]; then
  (cd "$package" && npm pack --silent --pack-destination "$work" >/dev/null)
  N8N_NODES_TGZ="$(ls "$work"/*.tgz)"
  export N8N_NODES_TGZ
fi

cd "$package"
node --test --test-concurrency=1 --test-reporter=spec "$@" test/*.test.mjs
