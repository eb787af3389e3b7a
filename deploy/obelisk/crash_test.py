#!/usr/bin/env python3
"""Kill one of two Obelisk servers in the middle of alert triages: is any case made
twice, any alert attached twice, any execution lost?

Each run starts PostgreSQL, the Kibana simulator and two Obelisk servers on that
database (`two_servers.cluster`), with the shipped deployment but a short
activity lock expiry (`--lock-expiry`, so that the surviving server takes over an
activity of the dead one after that long). Every request the simulator receives is
slowed (`--fault`, `--delay-ms`), so that activities are in flight. The run submits
`--executions` alert-triage executions (`alert-triage.open-case-for-alert`), each
for its own alert, alternating the server they are submitted to (`--submitters` at a
time); once the simulator
has received `--kill-after` requests it kills server a with SIGKILL, and polls
server b until every execution has finished (or `--wait` runs out). Then it lists
the simulator's cases and counts, per alert: the cases made for it (its title) and
the alerts attached to them.

A run passes when every execution finished `ok`, there is one case per alert, and
each alert is attached once. With `--workflow-without-keys` (the workflow built with
`--features without-keys`: create-case without an idempotency key), each run is
repeated with that workflow and its duplicate cases are counted and reported, not
judged: they are what the keys prevent.

The fault: `late-answer` (the default) carries each request out at once and answers
it `--delay-ms` later, like a Kibana that did the work and is slow to say so; a
server killed then has made a case whose answer it never stores. `slow` waits before
carrying the request out; the simulator drops a request whose client went away
before that, so fewer cut-off requests were carried out.

Usage: crash_test.py --obelisk BIN --cli BIN --component WASM --workflow WASM
[--workflow-without-keys WASM] [--runs 3] [--executions 100]. Prints a Markdown table
of the runs. Exit status 0 when every run with keys passed. Not in CI (a run takes
about 70 s on two cores, twice that with the workflow without keys); run by hand,
as README.md says.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import json
import os
import subprocess
import sys
import time

from e2e import WORKFLOW, Simulator, http
from two_servers import cluster

# The activity's lock expiry in the shipped deployment.toml, replaced for the test.
SHIPPED_LOCK_EXPIRY = "exec.lock_expiry.seconds = 120"


def queue_faults(sim: Simulator, fault: str, delay_ms: int, count: int) -> None:
    """`count` faults for the next requests (the control route takes 1000 at a time)."""
    while count > 0:
        times = min(count, 1000)
        status, body = http("POST", f"{sim.url}/_sim/faults",
                            {"fault": fault, "millis": delay_ms, "times": times})
        if status != 200:
            raise AssertionError(f"fault not queued: {status} {body}")
        count -= times


def list_cases(cli: str, url: str) -> list[dict]:
    """Every case of the default space, through the CLI (the component)."""
    out = subprocess.run(
        [cli, "call", "get-many-cases", "--url", url, "--compact",
         "--input", json.dumps({"ReturnAll": True, "Limit": 10000})],
        capture_output=True, text=True, timeout=120,
        env=dict(os.environ, KIBANA_API_KEY="sim-api-key"))
    if out.returncode != 0:
        raise AssertionError(f"get-many-cases failed: {out.stdout} {out.stderr}")
    return json.loads(out.stdout)["Cases"]


def one_run(args: argparse.Namespace, workflow: str, label: str) -> dict:
    """One cluster, one kill; what it counted."""
    def short_lock_expiry(deployment: str) -> str:
        if SHIPPED_LOCK_EXPIRY not in deployment:
            raise AssertionError(f"deployment.toml no longer has `{SHIPPED_LOCK_EXPIRY}`")
        return deployment.replace(SHIPPED_LOCK_EXPIRY,
                                  f"exec.lock_expiry.seconds = {args.lock_expiry}")

    with cluster(args.obelisk, args.cli, args.component, workflow,
                 edit_deployment=short_lock_expiry) as (sim, servers):
        conn = {"base_url": sim.url, "auth": {"api_key_env": "KIBANA_API_KEY"},
                "timeout_ms": 30_000}
        sim.clear()
        queue_faults(sim, args.fault, args.delay_ms, args.executions * 30)

        stamp = time.strftime("%H%M%S")
        titles = {f"Crash test: alert crash-{stamp}-{i:03d}": i for i in range(args.executions)}

        def submit(i: int) -> str:
            alert_id = f"crash-{stamp}-{i:03d}"
            return servers[i % 2].submit(WORKFLOW, [conn, {
                "title": f"Crash test: alert {alert_id}", "severity": "high",
                "alert": {"id": alert_id, "rule_name": "Crash test"}, "tags": ["crash"]}])

        t0 = time.monotonic()
        # Submitted several at a time: one by one, a server that is busy with the
        # executions already running accepts a submission only every half second or
        # so (each waits for one of the few database connections it pools).
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.submitters) as pool:
            submitted = list(pool.map(submit, range(args.executions)))
        print(f"{label}: {len(submitted)} executions submitted in {time.monotonic() - t0:.1f} s")

        # Kill server a once the simulator has seen `--kill-after` requests.
        while len(sim.requests()) < args.kill_after:
            if time.monotonic() - t0 > args.wait:
                raise AssertionError("the simulator never got the requests to kill at")
            time.sleep(0.05)
        killed_at = time.monotonic() - t0
        requests_at_kill = len(sim.requests())
        cases_at_kill = sim.case_count()
        servers[0].server.proc.kill()
        servers[0].server.proc.wait()
        print(f"{label}: killed server a at {killed_at:.1f} s ({requests_at_kill} "
              f"requests, {cases_at_kill} cases at the simulator)")

        survivor = servers[1]
        results: dict[str, dict] = {}
        deadline = time.monotonic() + args.wait
        while len(results) < len(submitted) and time.monotonic() < deadline:
            for execution in submitted:
                if execution not in results:
                    found = survivor.result(execution)
                    if found is not None:
                        results[execution] = found
            time.sleep(0.5)
        elapsed = time.monotonic() - t0
        http("DELETE", f"{sim.url}/_sim/faults")
        received = collections.Counter(
            f"{r['method']} {r['path']}" for r in sim.requests())
        cases = list_cases(args.cli, sim.url)

    ok = sum(1 for r in results.values() if "ok" in r)
    per_alert = collections.Counter(c["Title"] for c in cases if c["Title"] in titles)
    alerts: collections.Counter = collections.Counter()
    for case in cases:
        if case["Title"] in titles:
            alerts[case["Title"]] += case["TotalAlerts"]
    duplicates = sum(n - 1 for n in per_alert.values() if n > 1)
    no_case = sum(1 for t in titles if per_alert[t] == 0)
    twice = sum(1 for t in titles if alerts[t] > 1)
    unattached = sum(1 for t in titles if alerts[t] == 0)
    # Each execution looks its key up once (with keys) and posts its case once: what
    # is more was sent again by a re-run activity.
    lookups = received["GET /api/cases/_find"]
    posts = received["POST /api/cases"]
    print(f"{label}: {len(results)} finished ({ok} ok) in {elapsed:.1f} s; "
          f"{len(cases)} cases, {duplicates} duplicate(s), {no_case} alert(s) "
          f"without a case, {twice} attached twice, {unattached} not attached; "
          f"{lookups} key lookups, {posts} POST /api/cases")
    return {
        "label": label, "killed_at": killed_at, "requests_at_kill": requests_at_kill,
        "cases_at_kill": cases_at_kill, "finished": len(results), "ok": ok,
        "cases": len(cases), "duplicates": duplicates, "no_case": no_case,
        "attached_twice": twice, "unattached": unattached, "elapsed": elapsed,
        "lookups": lookups, "posts": posts,
        "errors": [r for r in results.values() if "ok" not in r][:3],
    }


def passed(run: dict, executions: int) -> bool:
    return (run["ok"] == executions and run["cases"] == executions
            and run["duplicates"] == 0 and run["no_case"] == 0
            and run["attached_twice"] == 0 and run["unattached"] == 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for flag in ("--obelisk", "--cli", "--component", "--workflow"):
        parser.add_argument(flag, required=True)
    parser.add_argument("--workflow-without-keys",
                        help="the workflow built with --features without-keys")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--executions", type=int, default=100)
    parser.add_argument("--fault", choices=("late-answer", "slow"), default="late-answer")
    parser.add_argument("--delay-ms", type=int, default=400,
                        help="how long the simulator takes over each request")
    parser.add_argument("--kill-after", type=int, default=150,
                        help="kill server a once the simulator has had this many requests")
    parser.add_argument("--lock-expiry", type=int, default=4,
                        help="seconds: the activities' lock expiry (and time limit)")
    parser.add_argument("--submitters", type=int, default=16,
                        help="submissions made at the same time")
    parser.add_argument("--wait", type=float, default=240,
                        help="seconds to wait for every execution to finish")
    args = parser.parse_args()

    rows = []
    good = True
    for run in range(1, args.runs + 1):
        keyed = one_run(args, args.workflow, f"run {run}, keys")
        good &= passed(keyed, args.executions)
        if keyed["errors"]:
            print(f"  errors: {keyed['errors']}")
        bare = None
        if args.workflow_without_keys:
            bare = one_run(args, args.workflow_without_keys, f"run {run}, no keys")
        rows.append((run, keyed, bare))

    print(f"\n{args.executions} executions per run, fault {args.fault} {args.delay_ms} ms, "
          f"lock expiry {args.lock_expiry} s, server a killed after {args.kill_after} "
          "requests\n")
    print("| run | keys | server a killed at | executions finished ok | cases "
          "| duplicate cases | creates run again | alerts attached twice / not at all |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for run, keyed, bare in rows:
        for keys, outcome in (("with", keyed), ("without", bare)):
            if outcome is None:
                continue
            # A create run again sends a second lookup with keys, a second POST without.
            again = (outcome["lookups"] if keys == "with" else outcome["posts"]) \
                - args.executions
            print(f"| {run} | {keys} | {outcome['killed_at']:.1f} s "
                  f"({outcome['cases_at_kill']} cases made) | {outcome['ok']} "
                  f"| {outcome['cases']} | {outcome['duplicates']} | {again} "
                  f"| {outcome['attached_twice']} / {outcome['unattached']} |")
    print("\nresult: " + ("every run with keys: one case per alert, each alert attached "
                          "once, none lost" if good else "FAILED"))
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
