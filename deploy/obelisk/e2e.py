#!/usr/bin/env python3
"""End-to-end test of the component and the alert workflow on a real Obelisk server.

Starts the Kibana simulator (`elastic-security stub --control`) and an Obelisk server
with `server.toml` and `deployment.toml` from this directory (in a temporary work
directory), then, through Obelisk's HTTP API:

- checks that Obelisk took every function of the component's WIT as an activity;
- runs each operation once and checks its result and the requests the simulator
  received;
- checks the retry rule as Obelisk applies it: a 404 is not retried (one request),
  a 503 on a read is retried `max_retries` times, a create-case whose answer comes
  after its timeout is not retried (one request, one case), unless it has an
  idempotency key: then Obelisk retries it and the retry finds the case (one POST,
  one case);
- checks the secret: every request reached the simulator with the real API key,
  while the component held only Obelisk's placeholder (sent to an origin where
  Obelisk does not swap it in, the placeholder itself arrives), and the key is in
  none of Obelisk's files;
- runs the workflow and checks the case it made, and that the same alert again
  makes no second case.

Usage: e2e.py --obelisk BIN --cli BIN --component WASM --workflow WASM
Only the standard library is used. Exit status 0 when every check passed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable, Optional

HERE = Path(__file__).resolve().parent
WIT = HERE.parent.parent / "wit"
PACKAGE = "automation:elastic-security"
# The WIT package's version, as Obelisk names the functions (`...@0.2.0.create-case`).
VERSION = re.search(rf"^package {PACKAGE}@([^;]+);", (WIT / "world.wit").read_text(),
                    re.M).group(1)
WORKFLOW = "automation:elastic-security-workflow/alert-triage@0.1.0.open-case-for-alert"
# The real key: the simulator accepts it; Obelisk reads it from its environment.
API_KEY = "sim-api-key"
# From deployment.toml.
MAX_RETRIES = 3

checks = 0


def check(condition: bool, what: str, detail: Any = "") -> None:
    global checks
    if not condition:
        raise AssertionError(f"{what}: {detail}")
    checks += 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method: str, url: str, body: Any = None, token: Optional[str] = None,
         timeout: float = 60) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("accept", "application/json")
    if data is not None:
        req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
            status = resp.status
    except urllib.error.HTTPError as e:
        raw, status = e.read(), e.code
    text = raw.decode("utf-8", "replace")
    try:
        return status, json.loads(text) if text.strip() else None
    except json.JSONDecodeError:
        return status, text


class Process:
    """A child process whose output is kept and can be waited on."""

    def __init__(self, name: str, args: list[str], env: Optional[dict] = None,
                 cwd: Optional[Path] = None) -> None:
        self.name = name
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=env, cwd=cwd,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, seconds: float) -> re.Match:
        deadline = time.monotonic() + seconds
        regex = re.compile(pattern)
        while time.monotonic() < deadline:
            for line in list(self.lines):
                found = regex.search(line)
                if found:
                    return found
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(
            f"{self.name}: no line matching {pattern!r} within {seconds} s; output:\n"
            + "\n".join(self.lines[-60:])
        )

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wit_functions() -> list[str]:
    """Every exported function, as Obelisk names it, read from the WIT files."""
    world = (WIT / "world.wit").read_text()
    ffqns = []
    for interface in re.findall(r"^\s*export\s+([a-z-]+);", world, re.M):
        text = (WIT / f"{interface}.wit").read_text()
        for name in re.findall(r"^\s*([a-z][a-z0-9-]*):\s*func\(", text, re.M):
            ffqns.append(f"{PACKAGE}/{interface}@{VERSION}.{name}")
    return sorted(ffqns)


class Obelisk:
    def __init__(self, binary: str, work: Path, deployment: Path, api_port: int,
                 env: dict) -> None:
        self.base = f"http://127.0.0.1:{api_port}"
        self.server = Process(
            "obelisk",
            [binary, "server", "run", "--server-config", str(work / "server.toml"),
             "--deployment", str(deployment)],
            env=env, cwd=work,
        )
        self.token = self.server.wait_for(r"API startup token: (\S+)", 300).group(1)
        deadline = time.monotonic() + 300
        while True:
            try:
                status, _ = http("GET", f"{self.base}/v1/components", token=self.token,
                                 timeout=5)
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or self.server.proc.poll() is not None:
                raise AssertionError("Obelisk's API never answered:\n"
                                     + "\n".join(self.server.lines[-60:]))
            time.sleep(0.3)

    def submit(self, ffqn: str, params: list) -> str:
        """Submits an execution; returns its id at once."""
        status, body = http("POST", f"{self.base}/v1/executions",
                            {"ffqn": ffqn, "params": params}, self.token)
        found = re.search(r"E_\w+", str(body))
        if status not in (200, 201) or not found:
            raise AssertionError(f"submit {ffqn}: HTTP {status}: {body}")
        return found.group(0)

    def result(self, execution_id: str) -> Optional[dict]:
        """The execution's result, or None while it has not finished."""
        status, body = http("GET", f"{self.base}/v1/executions/{execution_id}",
                            token=self.token)
        if status == 425:
            return None
        if status != 200 or not isinstance(body, dict):
            raise AssertionError(f"result of {execution_id}: HTTP {status}: {body}")
        return body

    def run(self, ffqn: str, params: list, timeout: float = 300) -> dict:
        """Submits an execution and waits for its result: `{"ok": ...}`,
        `{"err": ...}` or `{"execution_failed": ...}`."""
        status, body = http("POST", f"{self.base}/v1/executions?follow=true",
                            {"ffqn": ffqn, "params": params}, self.token, timeout=timeout)
        if status not in (200, 201) or not isinstance(body, dict):
            raise AssertionError(f"submit {ffqn}: HTTP {status}: {body}")
        return body


class Simulator:
    def __init__(self, cli: str) -> None:
        self.process = Process("simulator", [cli, "stub", "--control", "--listen",
                                             "127.0.0.1:0"])
        self.url = self.process.wait_for(r"listening on (http://\S+)", 30).group(1)

    def requests(self) -> list[dict]:
        return http("GET", f"{self.url}/_sim/requests")[1]

    def clear(self) -> None:
        http("DELETE", f"{self.url}/_sim/requests")

    def fault(self, **spec: Any) -> None:
        status, body = http("POST", f"{self.url}/_sim/faults", spec)
        check(status == 200, "fault queued", body)

    def latency(self, millis: int) -> None:
        status, body = http("POST", f"{self.url}/_sim/latency", {"millis": millis})
        check(status == 200, "latency set", body)

    def case_count(self, space: str = "default") -> int:
        return http("GET", f"{self.url}/_sim/cases")[1].get(space, 0)


# Where deployment.toml expects the workflow, relative to its directory.
WORKFLOW_WASM = "workflow/target/wasm32-unknown-unknown/release/elastic_security_workflow.wasm"


def deployment_dir(work: Path, component: str, workflow: str, extra: str = "") -> Path:
    """`work/deploy`: the shipped deployment.toml (with `extra` TOML before its
    workflow section), the component and the workflow at the paths it names."""
    deploy = work / "deploy"
    (deploy / WORKFLOW_WASM).parent.mkdir(parents=True)
    shutil.copy(component, deploy / "elastic_security.wasm")
    shutil.copy(workflow, deploy / WORKFLOW_WASM)
    (deploy / "deployment.toml").write_text(
        (HERE / "deployment.toml").read_text().replace(
            "\n# The workflow:", extra + "\n# The workflow:"))
    return deploy


def server_env(work: Path, api_port: int, **extra: str) -> dict:
    """The environment of an Obelisk server: this process's, with its work directory,
    its API port, the Kibana API key as the secret it reads, and `extra`."""
    env = dict(os.environ)
    env.update({
        "OBELISK_WORK_DIR": str(work),
        "OBELISK__API__LISTENING_ADDR": f"127.0.0.1:{api_port}",
        "KIBANA_API_KEY": API_KEY,
        **extra,
    })
    env.pop("OBELISK_API_TOKEN", None)
    return env


def routes(requests: list[dict]) -> list[str]:
    return [f"{r['method']} {r['path']}" for r in requests]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--obelisk", required=True, help="the obelisk binary")
    parser.add_argument("--cli", required=True, help="the elastic-security binary")
    parser.add_argument("--component", required=True, help="elastic_security.wasm")
    parser.add_argument("--workflow", required=True, help="the workflow's .wasm")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="obelisk-e2e-"))
    sim: Optional[Simulator] = None
    obelisk: Optional[Obelisk] = None
    started = time.monotonic()
    try:
        sim = Simulator(args.cli)
        port = sim.url.rsplit(":", 1)[1]
        # The shipped configs, with a test-only origin added to both: the
        # simulator as `localhost`, allowed but without the secret, so that what
        # the component sends there is what it holds.
        unswapped = '\n[[{}allowed_host]]\npattern = "http://localhost:*"\nmethods = "*"\n'
        deploy = deployment_dir(work, args.component, args.workflow,
                                unswapped.format("activity_wasm."))
        (work / "server.toml").write_text(
            (HERE / "server.toml").read_text() + unswapped.format("outbound_http."))

        api_port = free_port()
        env = server_env(work, api_port)
        t0 = time.monotonic()
        obelisk = Obelisk(args.obelisk, work, deploy / "deployment.toml", api_port, env)
        print(f"obelisk server up in {time.monotonic() - t0:.1f} s")

        # Every function of the WIT is an activity (none skipped for its return type).
        out = subprocess.run(
            [args.obelisk, "component", "list", "--api-url", obelisk.base,
             "--api-token", obelisk.token],
            capture_output=True, text=True, timeout=60,
        )
        listed = out.stdout + out.stderr
        expected = wit_functions()
        missing = [f for f in expected if f not in listed]
        check(out.returncode == 0 and not missing,
              f"obelisk component list shows all {len(expected)} functions",
              f"missing {missing}\n{listed}")
        check(WORKFLOW in listed, "the workflow is listed", listed)
        print(f"obelisk component list: all {len(expected)} functions exported")

        conn = {"base_url": sim.url, "auth": {"api_key_env": "KIBANA_API_KEY"},
                "timeout_ms": 5000}
        ran: set[str] = set()

        def op(interface: str, name: str, params: list,
               expect: str = "ok") -> Any:
            ffqn = f"{PACKAGE}/{interface}@{VERSION}.{name}"
            result = obelisk.run(ffqn, [conn] + params)
            check(expect in result, f"{name} answers {expect}", result)
            ran.add(ffqn)
            return result[expect]

        # ---- each operation once, against the simulator's log
        sim.clear()
        made = op("cases", "create-case", [{
            "title": "Obelisk: phishing wave", "owner": "security_solution",
            "severity": "high", "tags": ["phishing"], "assignees": []}])
        check(made["created"] is True, "create-case: created now", made)
        case_id = made["kibana_case"]["case_id"]
        check(routes(sim.requests()) == ["POST /api/cases"], "create-case: one POST",
              sim.requests())
        got = op("cases", "get-case", [{"case_id": case_id, "include_comments": False}])
        check(got["title"] == "Obelisk: phishing wave", "get-case: the title", got)
        status = op("cases", "get-case-status", [case_id])
        check(status["status"] == "open", "get-case-status: open", status)
        page = op("cases", "get-many-cases", [{
            "search": "phishing", "search_fields": ["title"], "owners": [],
            "assignees": [], "return_all": False}])
        check(page["total"] == 1, "get-many-cases: one case", page)
        updated = op("cases", "update-case", [{
            "case_id": case_id, "version": got["version"], "status": "in_progress"}])
        check(updated["status"] == "in_progress", "update-case", updated)
        comment = op("case-comments", "add-comment", [{
            "case_id": case_id, "comment": "Mail gateway blocked 40 messages"}])
        comment_id = comment["comment_id"]
        read = op("case-comments", "get-comment", [case_id, comment_id])
        check(read["comment"] == "Mail gateway blocked 40 messages", "get-comment", read)
        comments = op("case-comments", "get-many-comments", [{"case_id": case_id,
                                                              "return_all": False}])
        check(comments["total"] == 1, "get-many-comments", comments)
        edited = op("case-comments", "update-comment", [{
            "case_id": case_id, "comment_id": comment_id, "comment": "40 blocked",
            "version": read["version"]}])
        check(edited["comment"] == "40 blocked", "update-comment", edited)
        tags = op("case-tags", "add-tag", [case_id, ["email", "triage"]])
        check(sorted(tags["tags"]) == ["email", "phishing", "triage"], "add-tag", tags)
        tags = op("case-tags", "remove-tag", [case_id, ["triage"]])
        check(sorted(tags["tags"]) == ["email", "phishing"], "remove-tag", tags)
        removed = op("case-comments", "remove-comment", [case_id, comment_id])
        check(removed["deleted"] is True, "remove-comment", removed)
        connector = op("connectors", "create-connector", [{
            "name": "SOC webhook", "connector_type_id": ".webhook",
            "config": json.dumps({"url": "https://hooks.example/soc", "method": "post"}),
            "secrets": json.dumps({"user": "bot", "password": "hook-s3cr3t"})}])
        check("hook-s3cr3t" not in json.dumps(connector), "create-connector: no secret",
              connector)
        # Beyond the node: the cases of an alert, a case's alerts, push, activity,
        # connectors, tags in use.
        op("case-comments", "add-comment", [{
            "case_id": case_id, "comment_type": "alert", "alert_id": "alert-e2e-1",
            "rule_id": "rule-1", "rule_name": "Phishing link clicked"}])
        related = op("cases", "get-cases-by-alert", [{"alert_id": "alert-e2e-1",
                                                      "owners": []}])
        check([c["case_id"] for c in related] == [case_id], "get-cases-by-alert", related)
        alerts = op("cases", "get-case-alerts", [case_id])
        check([a["alert_id"] for a in alerts] == ["alert-e2e-1"], "get-case-alerts", alerts)
        jira = op("connectors", "create-connector", [{
            "name": "SOC Jira", "connector_type_id": ".jira",
            "config": json.dumps({"apiUrl": "https://jira.example", "projectKey": "SOC"}),
            "secrets": json.dumps({"email": "bot@example.com", "apiToken": "jira-s3cr3t"})}])
        listed = op("connectors", "get-many-connectors", [".jira"])
        check([c["connector_id"] for c in listed] == [jira["connector_id"]]
              and "jira-s3cr3t" not in json.dumps(listed), "get-many-connectors", listed)
        pushed = op("cases", "push-case", [case_id, jira["connector_id"]])
        check(pushed["external_service"]["connector_id"] == jira["connector_id"],
              "push-case", pushed)
        activity = op("cases", "get-case-activity", [{"case_id": case_id,
                                                      "types": ["pushed"]}])
        check(activity["total"] == 1, "get-case-activity: the push", activity)
        in_use = op("case-tags", "get-case-tags", [["security_solution"]])
        check("email" in in_use and "phishing" in in_use, "get-case-tags", in_use)
        deleted = op("cases", "delete-case", [{"case_ids": [case_id]}])
        check(deleted["deleted_count"] == 1 and deleted["status_code"] == 204
              and sim.case_count() == 0, "delete-case", deleted)
        log = sim.requests()
        check(all(r["auth"] == "api-key accepted" for r in log),
              "every request carried the real key", log)
        not_run = [f for f in expected if f not in ran]
        check(not not_run, "every operation ran", not_run)
        print(f"{len(ran)} operations ran through Obelisk; {len(log)} requests, "
              "all with the real API key")

        # ---- requests in flight together within one activity: delete-case's call
        # per id once the bulk call is refused (unknown ids), 4 at a time, each
        # answer taking 200 ms
        sim.clear()
        sim.latency(200)
        unknown = [f"unknown-{i}" for i in range(6)]
        deleted = op("cases", "delete-case", [{"case_ids": unknown, "max_in_flight": 4}])
        sim.latency(0)
        check(deleted["failed_count"] == 6 and deleted["status_code"] == 404
              and [f["case_id"] for f in deleted["failed_items"]] == unknown,
              "delete-case: each unknown id failed, in their order", deleted)
        log = sim.requests()
        check(len(log) == 7 and log[0]["serving"] == 1
              and max(r["serving"] for r in log) == 4,
              "delete-case: the calls per id 4 at a time", log)
        print("delete-case through Obelisk: 6 calls per id, 4 in flight together")

        # ---- the retry rule, as Obelisk applies it
        sim.clear()
        err = op("cases", "get-case", [{"case_id": "no-such-case",
                                        "include_comments": False}], "err")
        check("permanent" in err and err["permanent"]["status_code"] == 404,
              "404: permanent", err)
        time.sleep(1.5)
        check(routes(sim.requests()) == ["GET /api/cases/no-such-case"],
              "404: one request, not retried", sim.requests())

        keep = op("cases", "create-case", [{
            "title": "Obelisk: retries", "owner": "security_solution", "tags": [],
            "assignees": []}])["kibana_case"]
        sim.clear()
        sim.fault(fault="status", status=503, message="Kibana is restarting",
                  times=MAX_RETRIES + 5)
        t0 = time.monotonic()
        err = op("cases", "get-case-status", [keep["case_id"]], "err")
        check("retryable" in err and err["retryable"]["status_code"] == 503,
              "503 on a read: retryable", err)
        reads = routes(sim.requests())
        check(reads == [f"GET /api/cases/{keep['case_id']}"] * (MAX_RETRIES + 1),
              f"503 on a read: tried 1 + max_retries = {MAX_RETRIES + 1} times", reads)
        print(f"503 on a read: {len(reads)} requests in {time.monotonic() - t0:.1f} s")
        http("DELETE", f"{sim.url}/_sim/faults")

        sim.clear()
        before = sim.case_count()
        sim.fault(fault="late-answer", millis=4000)
        slow_conn = dict(conn, timeout_ms=1000)
        result = obelisk.run(f"{PACKAGE}/cases@{VERSION}.create-case", [slow_conn, {
            "title": "Obelisk: slow Kibana", "owner": "security_solution", "tags": [],
            "assignees": []}])
        err = result.get("err", {})
        check("permanent" in err and err["permanent"]["kind"] == "timeout",
              "timeout on create-case: permanent", result)
        time.sleep(5)  # longer than a retry's backoff and the late answer
        check(routes(sim.requests()) == ["POST /api/cases"],
              "timeout on create-case: one request, not retried", sim.requests())
        check(sim.case_count() == before + 1, "timeout on create-case: one case created",
              sim.case_count())

        # With a key, the same late answer: Obelisk retries, and the retry finds the
        # case the first attempt made.
        sim.clear()
        sim.fault(fault="pass")
        sim.fault(fault="late-answer", millis=4000)
        result = obelisk.run(f"{PACKAGE}/cases@{VERSION}.create-case", [slow_conn, {
            "title": "Obelisk: slow Kibana, keyed", "owner": "security_solution",
            "tags": [], "assignees": [], "idempotency_key": "e2e-late-answer"}])
        check(result.get("ok", {}).get("created") is False,
              "timeout on a keyed create-case: retried, the case found", result)
        find = "GET /api/cases/_find"
        check(routes(sim.requests()) == [find, "POST /api/cases", find],
              "timeout on a keyed create-case: one POST, then the lookup finds it",
              sim.requests())
        check(sim.case_count() == before + 2, "timeout on a keyed create-case: one case",
              sim.case_count())
        print("404 not retried; 503 on a read retried; create-case timeout not retried "
              "without a key, retried and found with one")

        # ---- the secret
        sim.clear()
        local = dict(conn, base_url=sim.url.replace("127.0.0.1", "localhost"))
        result = obelisk.run(f"{PACKAGE}/cases@{VERSION}.get-case-status",
                             [local, keep["case_id"]])
        check(result.get("err", {}).get("permanent", {}).get("status_code") == 401,
              "without the swap, Kibana refuses the placeholder", result)
        seen = sim.requests()
        check(len(seen) == 1 and seen[0]["auth"] == "api-key refused"
              and seen[0].get("auth-key-prefix") == "OBELISK_SECRET_",
              "the component held Obelisk's placeholder, not the key", seen)
        leaked = [str(p) for p in work.rglob("*") if p.is_file()
                  and API_KEY.encode() in p.read_bytes()]
        output = "\n".join(obelisk.server.lines)
        check(not leaked and API_KEY not in output,
              "the key is in none of Obelisk's files or output", leaked)
        print("the key reached Kibana; the component saw only the placeholder")

        # ---- the workflow
        sim.clear()
        result = obelisk.run(WORKFLOW, [conn, {
            "title": "Obelisk: alert on host-17", "severity": "critical",
            "alert": {"id": "alert-5f1c", "index": ".alerts-security.alerts-default",
                      "rule_id": "rule-7", "rule_name": "Suspicious PowerShell"},
            "tags": ["edr", "host-17"]}])
        check("ok" in result, "the workflow answers ok", result)
        made = result["ok"]
        got = op("cases", "get-case", [{"case_id": made, "include_comments": False}])
        check(got["title"] == "Obelisk: alert on host-17" and got["severity"] == "critical",
              "workflow: the case", got)
        # The tags given, and the marker of the idempotency key the workflow derived
        # from the alert's id.
        check(sorted(got["tags"]) == ["edr", "host-17", "idempotency-key-alert-alert-5f1c"],
              "workflow: the tags", got)
        # Kibana counts the alerts attached (comments/_find lists user comments only).
        check(got["total_alerts"] == 1, "workflow: the alert attached", got)
        steps = [r for r in routes(sim.requests()) if r.startswith("POST")]
        check(steps == ["POST /api/cases", f"POST /api/cases/{made}/comments"],
              "workflow: one create, one comment", routes(sim.requests()))
        check("GET /api/cases/_find" in routes(sim.requests()),
              "workflow: the key looked up before the create", routes(sim.requests()))
        # The same alert again: the case it is in, no second case.
        sim.clear()
        again = obelisk.run(WORKFLOW, [conn, {
            "title": "Obelisk: alert on host-17, again",
            "alert": {"id": "alert-5f1c"}, "tags": []}])
        check(again.get("ok") == made, "workflow: an alert already in a case", again)
        check(routes(sim.requests()) == ["GET /api/cases/alerts/alert-5f1c"],
              "workflow: only the lookup", routes(sim.requests()))
        # An alert id that is not a key as it is: the key is its SHA-256.
        odd = "siem:alert/5f1c"
        result = obelisk.run(WORKFLOW, [conn, {
            "title": "Obelisk: an alert with an odd id", "alert": {"id": odd}, "tags": []}])
        check("ok" in result, "workflow: an odd alert id", result)
        got = op("cases", "get-case", [{"case_id": result["ok"], "include_comments": False}])
        digest = hashlib.sha256(odd.encode()).hexdigest()
        check(got["tags"] == [f"idempotency-key-alert-sha256-{digest}"]
              and got["total_alerts"] == 1, "workflow: the odd id's key hashed", got)
        print(f"workflow: case {made} with its alert and tags")
    except AssertionError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        if obelisk is not None:
            print("--- obelisk output (last 40 lines)", file=sys.stderr)
            print("\n".join(obelisk.server.lines[-40:]), file=sys.stderr)
        return 1
    finally:
        if obelisk is not None:
            obelisk.server.stop()
        if sim is not None:
            sim.process.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"obelisk e2e: {checks} checks passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
