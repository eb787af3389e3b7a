#!/usr/bin/env bash
# The Obelisk end-to-end test (e2e.py): builds the component and the CLI (cargo build
# -p host-test) and the workflow, then runs them on an Obelisk server. Needs
# `obelisk` 0.41 on PATH (or OBELISK=/path/to/obelisk) and the wasm32-unknown-unknown
# target (`rustup target add wasm32-unknown-unknown`).
set -euo pipefail
cd "$(dirname "$0")/../.."
obelisk=$(command -v "${OBELISK:-obelisk}") || {
  echo "obelisk not found: cargo install --locked obelisk@0.41.5 (or set OBELISK)" >&2
  exit 1
}
cargo build --locked -p host-test
(cd deploy/obelisk/workflow && cargo build --locked --release --target wasm32-unknown-unknown)
python3 deploy/obelisk/e2e.py \
  --obelisk "$obelisk" \
  --cli target/debug/elastic-security \
  --component target/guest/elastic_security.wasm \
  --workflow deploy/obelisk/workflow/target/wasm32-unknown-unknown/release/elastic_security_workflow.wasm
