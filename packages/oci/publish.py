#!/usr/bin/env python3
"""Pushes the release's OCI artifacts to a registry with ORAS (the `oras` package
from PyPI): the component as `<prefix>/elastic-security:<version>` and the WIT
package as `<prefix>/elastic-security-wit:<version>`, each in the CNCF Wasm OCI
layout that wkg, wasmCloud, Spin and Obelisk read: an OCI image manifest, a config
of type `application/vnd.wasm.config.v0+json` and one `application/wasm` layer.

The config and the manifest's annotations come from the release
(`dist/oci/<name>/`), so the manifest's digest is the same for every build of one
commit. Prints each artifact's reference pinned by that digest:

    python publish.py registry.example.com/security
    ghcr.io/acme/elastic-security:0.2.0@sha256:...

Credentials: those of `docker login` / `oras login` (the Docker config file), or
REGISTRY_USERNAME and REGISTRY_PASSWORD from the environment.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Union

import oras.provider

CONFIG_MEDIA_TYPE = "application/vnd.wasm.config.v0+json"
LAYER_MEDIA_TYPE = "application/wasm"
# (repository name, layer file in dist/ for a version)
ARTIFACTS = (
    ("elastic-security", "elastic-security-{version}.wasm"),
    ("elastic-security-wit", "elastic-security-wit-{version}.wasm"),
)


def client(registry: str, ca_file: str | None, plain_http: bool) -> oras.provider.Registry:
    tls_verify: Union[bool, str] = ca_file if ca_file else True
    c = oras.provider.Registry(hostname=registry, insecure=plain_http, tls_verify=tls_verify)
    username = os.environ.get("REGISTRY_USERNAME")
    if username:
        c.login(
            username=username,
            password=os.environ.get("REGISTRY_PASSWORD", ""),
            hostname=registry,
            tls_verify=bool(tls_verify),
        )
    return c


def release_version(dist: Path) -> str:
    config = json.loads((dist / "oci" / "elastic-security" / "annotations.json").read_text())
    return config["$manifest"]["org.opencontainers.image.version"]


def publish(dist: Path, prefix: str, ca_file: str | None = None, plain_http: bool = False) -> dict[str, str]:
    """Pushes both artifacts; returns {repository name: reference@digest}."""
    registry = prefix.split("/", 1)[0]
    c = client(registry, ca_file, plain_http)
    version = release_version(dist)
    pinned = {}
    for name, layer in ARTIFACTS:
        layer_file = dist / layer.format(version=version)
        meta = dist / "oci" / name
        target = f"{prefix}/{name}:{version}"
        # ORAS names the layer after the file (org.opencontainers.image.title) and
        # wants paths under the current directory unless told otherwise.
        response = c.push(
            target=target,
            files=[f"{layer_file}:{LAYER_MEDIA_TYPE}"],
            manifest_config=f"{meta / 'config.json'}:{CONFIG_MEDIA_TYPE}",
            annotation_file=str(meta / "annotations.json"),
            disable_path_validation=True,
        )
        digest = response.headers.get("Docker-Content-Digest")
        if not digest:
            raise RuntimeError(f"{target}: the registry gave no manifest digest")
        pinned[name] = f"{target}@{digest}"
    return pinned


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("prefix", help="registry and repository prefix, e.g. ghcr.io/acme")
    parser.add_argument("--dist", default="dist", type=Path, help="the release's directory (default: dist)")
    parser.add_argument("--ca-file", help="trust this CA (PEM) for the registry's TLS certificate")
    parser.add_argument("--plain-http", action="store_true", help="HTTP instead of HTTPS (a local test registry)")
    args = parser.parse_args()
    if not (args.dist / "oci" / "elastic-security" / "config.json").is_file():
        print(f"error: no release in {args.dist} (run `cargo xtask release` first)", file=sys.stderr)
        return 2
    for reference in publish(args.dist, args.prefix, args.ca_file, args.plain_http).values():
        print(reference)
    return 0


if __name__ == "__main__":
    sys.exit(main())
