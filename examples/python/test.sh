#!/usr/bin/env bash
# Installs the wheel the way a user does: the release's wheel (from `cargo xtask
# release`) into a fresh virtual environment, then
#   - checks that the installed component is the release's (same sha256),
#   - type-checks the example with `mypy --strict` against the wheel's types,
#   - runs flow.py and pytest against the Kibana simulator.
#
#   ELASTIC_SECURITY_DIST  the release's directory; default ../../dist
#   ELASTIC_SECURITY_BIN   the native CLI whose `stub` is the simulator; default
#                          ../../target/debug/elastic-security
#   PYTHON                 the interpreter (3.10+ with venv); default python3
# Relative values are taken from the current directory, the defaults from this
# script's. Extra arguments go to pytest.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
dist="$(realpath -m "${ELASTIC_SECURITY_DIST:-$here/../../dist}")"
export ELASTIC_SECURITY_BIN="$(realpath -m "${ELASTIC_SECURITY_BIN:-$here/../../target/debug/elastic-security}")"
shopt -s nullglob
wheels=("$dist"/elastic_security_wasm-*.whl)
components=("$dist"/elastic-security-[0-9]*.wasm)

missing=0
if ((${#wheels[@]} != 1 || ${#components[@]} != 1)); then
    echo "examples/python: no release in $dist (run \`cargo xtask release\` first)" >&2
    missing=1
fi
if [[ ! -x "$ELASTIC_SECURITY_BIN" ]]; then
    echo "examples/python: the simulator is missing: $ELASTIC_SECURITY_BIN (run \`cargo build -p host-test\` first)" >&2
    missing=1
fi
((missing == 0)) || exit 1

venv="$(mktemp -d)"
trap 'rm -rf "$venv"' EXIT
"${PYTHON:-python3}" -m venv "$venv"
echo "examples/python: pip install $(basename "${wheels[0]}") into a fresh venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$here/requirements.txt" "${wheels[0]}"

echo "examples/python: the installed component is the release's"
installed="$("$venv/bin/python" -c 'import elastic_security_wasm, pathlib; print(pathlib.Path(elastic_security_wasm.__file__).parent / "elastic_security.wasm")')"
if [[ "$(sha256sum <"$installed")" != "$(sha256sum <"${components[0]}")" ]]; then
    echo "examples/python: the wheel's component is not the release's" >&2
    exit 1
fi

echo "examples/python: the wheel names no directory of the machine that built it"
repo="$(cd "$here/../.." && pwd)"
if grep -rlF -e "$repo" -e "$HOME/" "$(dirname "$installed")"; then
    echo "examples/python: the files above name $repo or $HOME" >&2
    exit 1
fi

cd "$here"
echo "examples/python: mypy --strict"
"$venv/bin/python" -m mypy --strict --no-incremental flow.py simulator.py test_flow.py

echo "examples/python: python flow.py (the simulator's key from the environment)"
KIBANA_API_KEY=sim-api-key "$venv/bin/python" flow.py

echo "examples/python: pytest"
"$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
