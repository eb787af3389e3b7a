"""Look for the cases an alert is in, create a case, attach the alert, tag and
comment on the case, and list cases, through the component.

    python flow.py

Environment:
    KIBANA_URL            Kibana's base URL. When unset, the Kibana simulator
                          (`elastic-security stub`) is started on a free
                          127.0.0.1 port and used instead.
    KIBANA_API_KEY        API key (the "encoded" form). Default with the
                          simulator: `sim-api-key`.
    KIBANA_USERNAME, KIBANA_PASSWORD
                          Basic authentication instead of an API key.
    KIBANA_SPACE          Kibana space (default: the default space).
    ELASTIC_SECURITY_COMPONENT
                          The component (default: the one cargo builds in
                          this repo, ../../target/guest/).
    ELASTIC_SECURITY_BIN  The native CLI that runs the simulator (default
                          ../../target/debug/elastic-security).
"""

from __future__ import annotations

import json
import os
import sys
import time

from elastic_security_example import (
    ElasticSecurity,
    ElasticSecurityError,
    connection,
    simulator,
)


def run_flow(client: ElasticSecurity, conn: dict, title: str, alert_id: str = "py-alert-1") -> dict:
    """The example's steps; returns what each one gave."""
    # Before opening a case: is the alert in one already?
    before = client.get_cases_by_alert(conn, alert_id, owners=["security-solution"])

    # One case per alert: with the key, a repeat of this call (after a lost
    # answer, say) returns the case the first call made ("created" False).
    made = client.create_case(
        conn,
        title,
        owner="security-solution",
        description="Several users reported the same phishing mail.",
        severity="high",  # enum: the WIT case name as a str
        tags=["phishing"],
        idempotency_key=f"alert-{alert_id}",
    )
    case = made["kibana-case"]
    case_id = case["case-id"]

    # Tags: items are split on commas and trimmed by the component.
    tagged = client.add_tag(conn, case_id, ["email, triage"])

    comment = client.add_comment(conn, case_id, "Blocked the sender at the mail gateway.")
    client.call(
        "case-comments", "add-comment", conn,
        {"case-id": case_id, "comment-type": "alert", "alert-id": alert_id},
    )
    after = client.get_cases_by_alert(conn, alert_id)
    alerts = client.call("cases", "get-case-alerts", conn, case_id)

    # Every matching case, page after page, as one list.
    listed = client.get_many_cases(
        conn, search=title, search_fields=["title"], sort_order="desc", return_all=True
    )

    full = client.get_case(conn, case_id, include_comments=True)

    # An error comes back as the result's `err` case: here a 404.
    try:
        client.get_case(conn, "no-such-case-id")
        missing: dict = {}
    except ElasticSecurityError as err:
        missing = {"status-code": err.status_code, "kind": err.kind, "message": err.message}

    return {
        "before": before,
        "after": after,
        "alerts": alerts,
        "created": case,
        "created-now": made["created"],
        "tagged": tagged,
        "comment": comment,
        "listed": listed,
        "case": full,
        "missing": missing,
    }


def _summary(results: dict) -> str:
    case = results["case"]
    lines = [
        f"{'created' if results['created-now'] else 'found  '}   {case['case-id']}  {case['title']!r}  severity={case['severity']}",
        f"alert in  {len(results['before'])} case(s) before, then "
        + ", ".join(c["case-id"] for c in results["after"]),
        f"tags      {results['tagged']['tags']}",
        f"comment   {results['comment']['comment-id']}: {results['comment']['comment']!r}",
        f"listed    {results['listed']['total']} case(s) matching the title: "
        + ", ".join(c["case-id"] for c in results["listed"]["cases"]),
        f"get-case  status={case['status']} comments={len(case['comments'])}",
        f"missing   {json.dumps(results['missing'])}",
    ]
    return "\n".join(lines)


def main() -> int:
    client = ElasticSecurity()
    title = f"Phishing wave {time.strftime('%Y-%m-%d %H:%M:%S')}"
    # A new alert each run (the same one again would find the case made for it).
    alert_id = f"py-alert-{time.strftime('%Y%m%d-%H%M%S')}"
    url = os.environ.get("KIBANA_URL")
    space = os.environ.get("KIBANA_SPACE") or None
    if url:
        conn = connection(
            url,
            api_key=os.environ.get("KIBANA_API_KEY"),
            username=os.environ.get("KIBANA_USERNAME"),
            password=os.environ.get("KIBANA_PASSWORD"),
            space_id=space,
        )
        print(_summary(run_flow(client, conn, title, alert_id)))
        return 0
    with simulator() as sim_url:
        print(f"(no KIBANA_URL: using the simulator at {sim_url})")
        conn = connection(
            sim_url, api_key=os.environ.get("KIBANA_API_KEY", "sim-api-key"), space_id=space
        )
        print(_summary(run_flow(client, conn, title, alert_id)))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (ElasticSecurityError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)
