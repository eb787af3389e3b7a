#!/usr/bin/env python3
"""The OCI artifacts, end to end: a real registry, ORAS, and Obelisk pulling the
component by digest.

- makes a CA and a certificate for 127.0.0.1, and starts a registry (Debian's
  `docker-registry`, the CNCF distribution) on a free port over TLS: Obelisk speaks
  only HTTPS to registries, and trusts the CA through SSL_CERT_FILE;
- pushes the release (`dist/`) with `packages/oci/publish.py`: the component and
  the WIT package, each tagged with the version;
- pulls both back with ORAS and compares: the manifest's media types and its one
  `application/wasm` layer, the layer's and the config's bytes against `dist/`, the
  digest by tag against the digest of the push;
- with `--repro-dist`, pushes a second release of the same commit to other
  repositories: the manifest digests must be equal (the artifacts are
  reproducible);
- starts Obelisk with the component's activity at `oci://...:<tag>@sha256:<digest>`
  and runs create-case and get-case against the Kibana simulator, checked in the
  simulator's request log; then checks that a wrong digest is refused.

Usage: oci_test.py --obelisk BIN --cli BIN --dist DIR [--repro-dist DIR]
Runs with a Python that has `oras` (packages/oci/requirements.txt): see oci_test.sh.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import oras.provider

import e2e
from e2e import PACKAGE, Obelisk, Process, Simulator, check, free_port

sys.path.insert(0, str(e2e.HERE.parent.parent / "packages" / "oci"))
import publish  # noqa: E402  (packages/oci/publish.py)

PREFIX_PATH = "test"


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def make_certificates(work: Path) -> tuple[Path, Path, Path]:
    """A CA, and a server certificate it signed for 127.0.0.1 (openssl)."""
    ca_key, ca, key, csr, cert = (work / n for n in ("ca.key", "ca.pem", "server.key",
                                                       "server.csr", "server.pem"))
    ext = work / "server.ext"
    ext.write_text("subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key), "-out",
            str(ca), "-days", "2", "-subj", "/CN=elastic-security test CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr),
            "-subj", "/CN=127.0.0.1")
    openssl("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key),
            "-CAcreateserial", "-out", str(cert), "-days", "2", "-extfile", str(ext))
    return ca, cert, key


def start_registry(work: Path, cert: Path, key: Path) -> tuple[Process, str]:
    port = free_port()
    config = work / "registry.yml"
    config.write_text(json.dumps({  # JSON is YAML
        "version": 0.1,
        "log": {"level": "warn"},
        "storage": {"filesystem": {"rootdirectory": str(work / "registry")}},
        "http": {"addr": f"127.0.0.1:{port}",
                 "tls": {"certificate": str(cert), "key": str(key)}},
    }))
    registry = Process("docker-registry", ["docker-registry", "serve", str(config)])
    host = f"127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return registry, host
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the registry did not start:\n" + "\n".join(registry.lines))


def check_pulled(client: oras.provider.Registry, reference: str, dist: Path, name: str,
                 layer_file: Path, work: Path) -> None:
    """Pulls `reference` back and compares it with the release's files."""
    target, digest = reference.split("@")
    manifest = client.get_manifest(target)
    check(manifest.get("mediaType") == "application/vnd.oci.image.manifest.v1+json",
          f"{name}: the manifest's mediaType", manifest)
    check(manifest["config"]["mediaType"] == publish.CONFIG_MEDIA_TYPE,
          f"{name}: the config's media type", manifest["config"])
    layers = manifest["layers"]
    check(len(layers) == 1 and layers[0]["mediaType"] == publish.LAYER_MEDIA_TYPE,
          f"{name}: one application/wasm layer", layers)
    released = layer_file.read_bytes()
    check(layers[0]["digest"] == sha256(released), f"{name}: the layer is the release's",
          layers[0])
    config_file = dist / "oci" / name / "config.json"
    check(manifest["config"]["digest"] == sha256(config_file.read_bytes()),
          f"{name}: the config is the release's", manifest["config"])
    annotations = manifest.get("annotations", {})
    expected = json.loads((dist / "oci" / name / "annotations.json").read_text())["$manifest"]
    check(annotations == expected, f"{name}: the manifest's annotations", annotations)
    config = json.loads(config_file.read_text())
    check(config["component"]["exports"], f"{name}: the config lists the exports", config)
    # The digest the registry gives for the tag is the one the push returned.
    response = client.do_request(
        f"https://{client.get_container(target).manifest_url()}", "HEAD",
        headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
    check(response.headers.get("Docker-Content-Digest") == digest,
          f"{name}: the tag's digest is the pushed one", dict(response.headers))
    # The layer pulled back, byte for byte.
    out = work / "pulled" / name
    files = client.pull(target=target, outdir=str(out))
    check(len(files) == 1 and Path(files[0]).read_bytes() == released,
          f"{name}: the pulled layer equals the release's file", files)
    print(f"{name}: pushed and pulled back, {reference}")


def obelisk_deployment(work: Path, location: str) -> Path:
    """deployment.toml's activity, located at `location` (no workflow)."""
    shipped = (e2e.HERE / "deployment.toml").read_text()
    activity = shipped[:shipped.index("# The workflow:")]
    check('location = "elastic_security.wasm"' in activity, "deployment.toml names the file")
    deploy = work / "deploy"
    deploy.mkdir(exist_ok=True)
    path = deploy / "deployment.toml"
    path.write_text(activity.replace('location = "elastic_security.wasm"',
                                     f'location = "{location}"'))
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--obelisk", required=True, help="the obelisk binary")
    parser.add_argument("--cli", required=True, help="the elastic-security binary (the simulator)")
    parser.add_argument("--dist", required=True, type=Path, help="the release (cargo xtask release)")
    parser.add_argument("--repro-dist", type=Path,
                        help="a second release of the same commit, built from scratch")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="oci-test-"))
    started = time.monotonic()
    processes: list[Process] = []
    try:
        ca, cert, key = make_certificates(work)
        registry, host = start_registry(work, cert, key)
        processes.append(registry)
        version = publish.release_version(args.dist)

        pinned = publish.publish(args.dist, f"{host}/{PREFIX_PATH}", ca_file=str(ca))
        check(set(pinned) == {"elastic-security", "elastic-security-wit"},
              "both artifacts pushed", pinned)
        client = publish.client(host, str(ca), plain_http=False)
        for name, layer in publish.ARTIFACTS:
            check(pinned[name].startswith(f"{host}/{PREFIX_PATH}/{name}:{version}@sha256:"),
                  f"{name}: tagged with the version", pinned[name])
            check_pulled(client, pinned[name], args.dist, name,
                         args.dist / layer.format(version=version), work)

        if args.repro_dist:
            again = publish.publish(args.repro_dist, f"{host}/{PREFIX_PATH}-repro", ca_file=str(ca))
            for name in pinned:
                first, second = (ref.split("@")[1] for ref in (pinned[name], again[name]))
                check(first == second, f"{name}: the second build's manifest digest",
                      f"{first} != {second}")
                print(f"{name}: the second build gives the same manifest {second}")

        # Obelisk pulls the component by tag and digest, over TLS with the test's CA.
        sim = Simulator(args.cli)
        processes.append(sim.process)
        location = f"oci://{pinned['elastic-security']}"
        api_port = free_port()
        env = e2e.server_env(work, api_port, SSL_CERT_FILE=str(ca))
        (work / "server.toml").write_text((e2e.HERE / "server.toml").read_text())
        obelisk = Obelisk(args.obelisk, work, obelisk_deployment(work, location), api_port, env)
        processes.append(obelisk.server)
        conn = {"base_url": sim.url, "auth": {"api_key_env": "KIBANA_API_KEY"},
                "timeout_ms": 5000}
        sim.clear()
        created = obelisk.run(f"{PACKAGE}/cases@{version}.create-case", [conn, {
            "title": "Pulled from the registry", "owner": "security_solution",
            "tags": ["oci"], "assignees": []}])
        check("ok" in created, "create-case through the pulled component", created)
        case_id = created["ok"]["kibana_case"]["case_id"]
        got = obelisk.run(f"{PACKAGE}/cases@{version}.get-case",
                          [conn, {"case_id": case_id, "include_comments": False}])
        check(got.get("ok", {}).get("title") == "Pulled from the registry",
              "get-case through the pulled component", got)
        seen = [f"{r['method']} {r['path']}" for r in sim.requests()]
        check(seen == ["POST /api/cases", f"GET /api/cases/{case_id}"],
              "the simulator received the create and the read", seen)
        print(f"obelisk: ran the component from {location}")
        obelisk.server.stop()

        # A digest that is not the tag's is refused: the server does not start.
        wrong = location.rsplit(":", 1)[0] + ":" + "0" * 64
        env = e2e.server_env(work, free_port(), SSL_CERT_FILE=str(ca))
        refused = subprocess.run(
            [args.obelisk, "server", "run", "--server-config", str(work / "server.toml"),
             "--deployment", str(obelisk_deployment(work, wrong))],
            env=env, cwd=work, capture_output=True, text=True, timeout=120)
        check(refused.returncode != 0 and "0" * 64 in refused.stdout + refused.stderr,
              "obelisk refuses a wrong digest, naming it",
              refused.stdout[-2000:] + refused.stderr[-2000:])
        said = [line for line in (refused.stdout + refused.stderr).splitlines() if "0" * 64 in line]
        print(f"obelisk: a wrong digest is refused: {said[-1][:300]}")
    finally:
        for process in reversed(processes):
            process.stop()
    print(f"oci: {e2e.checks} checks passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
