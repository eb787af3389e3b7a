#!/usr/bin/env python3
"""Two Obelisk servers on one PostgreSQL database: do they share the work?

Starts PostgreSQL (Debian's `postgresql` package: initdb into a temporary
directory, a Unix socket only), the Kibana simulator, and two Obelisk servers with
`server.toml` switched from SQLite to that database and the same deployment. Submits
`--executions` create-case executions (each with its own title), alternating the
server they are submitted to, waits for all of them, and reports:

- which server ran each execution (from each server's "Execution finished" log
  lines, which name the execution);
- whether any was lost (never finished) or ran twice (two finishes in the logs, or
  two POSTs with its title at the simulator, or two cases).

Obelisk does not document this mode; this script is how it was tried. Usage:
two_servers.py --obelisk BIN --cli BIN --component WASM --workflow WASM
[--executions 50]. As root, PostgreSQL runs as the user `postgres`.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator, Optional

import e2e
from e2e import (HERE, PACKAGE, VERSION, Obelisk, Simulator, deployment_dir, free_port,
                 http)

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--"] + args if os.geteuid() == 0 else args


def start_postgres(root: Path) -> Path:
    data, sock = root / "pgdata", root / "pgsock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    subprocess.run(as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust",
                                "-U", "obelisk"]), check=True, capture_output=True)
    subprocess.run(as_postgres([
        str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(root / "pg.log"), "-w",
        "-o", f"-c listen_addresses='' -k {sock} -c max_connections=200", "start"]),
        check=True, capture_output=True)
    return sock


def stop_postgres(root: Path) -> None:
    subprocess.run(as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(root / "pgdata"),
                                "-m", "fast", "stop"]), capture_output=True)


@contextlib.contextmanager
def cluster(obelisk: str, cli: str, component: str, workflow: str, names: str = "ab",
            edit_deployment: Optional[Callable[[str], str]] = None
            ) -> Iterator[tuple[Simulator, list[Obelisk]]]:
    """PostgreSQL (a fresh cluster in a temporary directory), the simulator, and one
    Obelisk server per name (its work directory `{name}`) with `server.toml`
    switched from SQLite to that database and the shipped deployment
    (`edit_deployment` may change its text first); all stopped and removed on exit.
    Yields the simulator and the servers."""
    root = Path(tempfile.mkdtemp(prefix="obelisk-pg-"))
    os.chmod(root, 0o755)
    servers: list[Obelisk] = []
    sim = None
    try:
        sock = start_postgres(root)
        sim = Simulator(cli)
        deployment = deployment_dir(root, component, workflow) / "deployment.toml"
        if edit_deployment is not None:
            deployment.write_text(edit_deployment(deployment.read_text()))
        config = (HERE / "server.toml").read_text().replace(
            'database.sqlite.directory = "${OBELISK_WORK_DIR}/sqlite"',
            'database.postgres.host = "${POSTGRES_HOST}"\n'
            'database.postgres.user = "obelisk"\n'
            'database.postgres.password = "unused"\n'
            'database.postgres.db_name = "obelisk"\n'
            'database.postgres.provision_policy = "auto"')
        for name in names:
            work = root / name
            work.mkdir()
            (work / "server.toml").write_text(config)
            port = free_port()
            env = e2e.server_env(work, port, POSTGRES_HOST=str(sock))
            t0 = time.monotonic()
            servers.append(Obelisk(obelisk, work, deployment, port, env))
            print(f"server {name} up in {time.monotonic() - t0:.1f} s")
        yield sim, servers
    finally:
        for server in servers:
            server.server.stop()
        if sim is not None:
            sim.process.stop()
        stop_postgres(root)
        shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for flag in ("--obelisk", "--cli", "--component", "--workflow"):
        parser.add_argument(flag, required=True)
    parser.add_argument("--executions", type=int, default=50)
    parser.add_argument("--wait", type=float, default=120,
                        help="seconds to wait for every execution to finish")
    parser.add_argument("--servers", type=int, choices=(1, 2), default=2)
    parser.add_argument("--workers", type=int, default=10,
                        help="with --follow: submissions waited on at the same time")
    parser.add_argument("--follow", action="store_true",
                        help="wait on each submission's own stream (?follow=true) instead")
    args = parser.parse_args()

    with cluster(args.obelisk, args.cli, args.component, args.workflow,
                 "ab"[:args.servers]) as (sim, servers):
        conn = {"base_url": sim.url, "auth": {"api_key_env": "KIBANA_API_KEY"}}
        ffqn = f"{PACKAGE}/cases@{VERSION}.create-case"
        sim.clear()
        t0 = time.monotonic()

        if args.follow:
            # Each submitted with `?follow=true`, ten at a time, to alternating
            # servers: does the submitting server's stream end when the other one
            # ran the execution?
            def follow(i: int) -> str:
                try:
                    servers[i % len(servers)].run(ffqn, [conn, {
                        "title": f"pg follow {i}", "owner": "security_solution",
                        "tags": [], "assignees": []}], timeout=args.wait)
                    return "answered"
                except (OSError, AssertionError) as e:
                    return type(e).__name__

            with concurrent.futures.ThreadPoolExecutor(max_workers=args.workers) as pool:
                outcomes = collections.Counter(pool.map(follow, range(args.executions)))
            print(f"follow: {dict(outcomes)} in {time.monotonic() - t0:.1f} s; simulator "
                  f"{http('GET', f'{sim.url}/_sim/cases')[1].get('default', 0)} cases")
            return 0 if outcomes.get("answered") == args.executions else 1

        submitted = {}
        for i in range(args.executions):
            server = servers[i % len(servers)]
            submitted[server.submit(ffqn, [conn, {
                "title": f"pg run {i}", "owner": "security_solution", "tags": [],
                "assignees": []}])] = server
        print(f"{len(submitted)} executions submitted in {time.monotonic() - t0:.1f} s")
        results: dict[str, dict] = {}
        deadline = time.monotonic() + args.wait
        while len(results) < len(submitted) and time.monotonic() < deadline:
            for execution_id, server in submitted.items():
                if execution_id not in results:
                    # Asked of the other server than the one it was submitted to.
                    other = servers[(servers.index(server) + 1) % len(servers)]
                    found = other.result(execution_id)
                    if found is not None:
                        results[execution_id] = found
            time.sleep(0.5)
        elapsed = time.monotonic() - t0
        time.sleep(3)  # let a late duplicate, if any, show

        ok = sum(1 for r in results.values() if "ok" in r)
        finished_by: dict[str, list[str]] = collections.defaultdict(list)
        for name, server in zip("ab", servers):
            for line in server.server.lines:
                if "Execution finished" in line and "create-case" in line:
                    found = re.search(r"execution_id=(E_\w+)", line)
                    if found:
                        finished_by[found.group(1)].append(name)
        per_server = collections.Counter(names[0] for names in finished_by.values())
        twice = {e: n for e, n in finished_by.items() if len(n) > 1}
        posts = collections.Counter(
            r["path"] for r in sim.requests() if r["method"] == "POST")
        titles = http("GET", f"{sim.url}/_sim/cases")[1].get("default", 0)
        print(f"{args.executions} executions submitted (alternating servers), "
              f"{len(results)} finished, {ok} ok, in {elapsed:.1f} s")
        print(f"ran on server a: {per_server.get('a', 0)}, on server b: "
              f"{per_server.get('b', 0)}; finished twice: {len(twice)}")
        print(f"simulator: {posts.get('/api/cases', 0)} POST /api/cases, {titles} cases")
        lost = args.executions - ok
        good = (ok == args.executions and not twice and titles == args.executions
                and posts.get("/api/cases", 0) == args.executions)
        print("result: " + ("none lost, none ran twice" if good else
                            f"LOST {lost}, TWICE {len(twice)}"))
        return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
