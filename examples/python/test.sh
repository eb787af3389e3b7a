#!/usr/bin/env bash
# Runs the Python example's tests: a venv in .venv with the pinned requirements,
# then pytest against the component and the Kibana simulator (both built by cargo).
set -euo pipefail

# Paths given in the environment are relative to the caller's directory; the
# defaults are relative to this script's directory.
here="$(cd "$(dirname "$0")" && pwd)"
export ELASTIC_SECURITY_COMPONENT="$(realpath -m "${ELASTIC_SECURITY_COMPONENT:-$here/../../target/guest/elastic_security.wasm}")"
export ELASTIC_SECURITY_BIN="$(realpath -m "${ELASTIC_SECURITY_BIN:-$here/../../target/debug/elastic-security}")"
cd "$here"

missing=0
if [[ ! -f "$ELASTIC_SECURITY_COMPONENT" ]]; then
    echo "error: component not found: $ELASTIC_SECURITY_COMPONENT (build first with \`cargo build -p host-test\`)" >&2
    missing=1
fi
if [[ ! -x "$ELASTIC_SECURITY_BIN" ]]; then
    echo "error: simulator binary not found: $ELASTIC_SECURITY_BIN (build first with \`cargo build -p host-test\`)" >&2
    missing=1
fi
if [[ $missing -ne 0 ]]; then
    exit 1
fi

python="${PYTHON:-python3}"
if [[ ! -x .venv/bin/python ]]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt

.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
