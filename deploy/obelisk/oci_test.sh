#!/usr/bin/env bash
# The OCI test (oci_test.py): the release pushed to a local TLS registry with ORAS,
# pulled back, and run by Obelisk from `oci://...@sha256:...`. Needs a release in
# dist/ (`cargo xtask release`; a second one in $REPRO_DIST to compare manifest
# digests), the CLI (`cargo build -p host-test`), `obelisk` 0.41 on PATH (or
# OBELISK=...), Debian's `docker-registry` and `openssl`, and Python 3 with venv
# (ORAS is installed into a temporary venv from PyPI).
set -euo pipefail
cd "$(dirname "$0")/../.."
obelisk=$(command -v "${OBELISK:-obelisk}") || {
  echo "obelisk not found: cargo install --locked obelisk@0.41.5 (or set OBELISK)" >&2
  exit 1
}
for tool in docker-registry openssl; do
  command -v "$tool" >/dev/null || { echo "$tool not found (apt-get install $tool)" >&2; exit 1; }
done
dist="${ELASTIC_SECURITY_DIST:-dist}"
[[ -f "$dist/oci/elastic-security/config.json" ]] || {
  echo "no release in $dist: run \`cargo xtask release\` first" >&2
  exit 1
}
venv="$(mktemp -d)"
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r packages/oci/requirements.txt
"$venv/bin/python" deploy/obelisk/oci_test.py \
  --obelisk "$obelisk" \
  --cli target/debug/elastic-security \
  --dist "$dist" \
  ${REPRO_DIST:+--repro-dist "$REPRO_DIST"}
