"""Look for the cases an alert is in, create a case, attach the alert, tag and
comment on the case, and list cases, through the wheel `elastic-security-wasm`.

    python flow.py

Environment:
    KIBANA_URL            Kibana's base URL. When unset, the Kibana simulator
                          (`elastic-security stub`) is started on a free
                          127.0.0.1 port and used instead.
    KIBANA_API_KEY        API key (the "encoded" form); with the simulator,
                          `sim-api-key`.
    KIBANA_USERNAME, KIBANA_PASSWORD
                          Basic authentication instead of an API key.
    KIBANA_SPACE          Kibana space (default: the default space).
    ELASTIC_SECURITY_BIN  The native CLI that runs the simulator (default
                          ../../target/debug/elastic-security).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from typing import Optional

from elastic_security_wasm import (
    AddCommentInput,
    Auth,
    AuthApiKey,
    AuthBasic,
    BasicCredentials,
    CaseAlert,
    CaseComment,
    CommentType,
    Connection,
    CreateCaseInput,
    ElasticSecurity,
    ElasticSecurityError,
    GetCaseInput,
    GetCasesByAlertInput,
    GetManyCasesInput,
    KibanaCase,
    CasePage,
    Owner,
    RelatedCase,
    Severity,
    SortOrder,
    TagsOutput,
)
from simulator import simulator


@dataclass
class FlowResults:
    before: list[RelatedCase]
    created: KibanaCase
    created_now: bool
    tagged: TagsOutput
    comment: CaseComment
    after: list[RelatedCase]
    alerts: list[CaseAlert]
    listed: CasePage
    case: KibanaCase
    missing: Optional[ElasticSecurityError]


def run_flow(es: ElasticSecurity, conn: Connection, title: str, alert_id: str = "py-alert-1") -> FlowResults:
    """The example's steps; returns what each one gave."""
    # Before opening a case: is the alert in one already?
    before = es.cases.get_cases_by_alert(
        conn, GetCasesByAlertInput(alert_id=alert_id, owners=[Owner.SECURITY_SOLUTION])
    )
    # One case per alert: with the key, a repeat of this call (after a lost answer,
    # say) returns the case the first call made (`created` False).
    made = es.cases.create_case(conn, CreateCaseInput(
        title=title,
        owner=Owner.SECURITY_SOLUTION,
        description="Several users reported the same phishing mail.",
        severity=Severity.HIGH,
        tags=["phishing"],
        idempotency_key=f"alert-{alert_id}",
    ))
    created = made.kibana_case
    # Tags: items are split on commas and trimmed by the component.
    tagged = es.case_tags.add_tag(conn, created.case_id, ["email, triage"])
    comment = es.case_comments.add_comment(conn, AddCommentInput(
        case_id=created.case_id, comment="Blocked the sender at the mail gateway."
    ))
    es.case_comments.add_comment(conn, AddCommentInput(
        case_id=created.case_id, comment_type=CommentType.ALERT, alert_id=alert_id
    ))
    after = es.cases.get_cases_by_alert(conn, GetCasesByAlertInput(alert_id=alert_id))
    alerts = es.cases.get_case_alerts(conn, created.case_id)
    # Every matching case, page after page (up to 4 requests in flight together once
    # the first page gives the total), as one list.
    listed = es.cases.get_many_cases(conn, GetManyCasesInput(
        search=title, search_fields=["title"], sort_order=SortOrder.DESC, return_all=True,
        max_in_flight=4,
    ))
    case = es.cases.get_case(conn, GetCaseInput(case_id=created.case_id, include_comments=True))
    # A failed operation raises ElasticSecurityError: here a 404.
    missing: Optional[ElasticSecurityError] = None
    try:
        es.cases.get_case(conn, GetCaseInput(case_id="no-such-case-id"))
    except ElasticSecurityError as err:
        missing = err
    return FlowResults(before, created, made.created, tagged, comment, after, alerts, listed, case, missing)


def summary(results: FlowResults) -> str:
    case = results.case
    missing = results.missing
    return "\n".join([
        f"{'created' if results.created_now else 'found  '}   {case.case_id}  {case.title!r}  severity={case.severity.value}",
        f"alert in  {len(results.before)} case(s) before, then "
        + ", ".join(c.case_id for c in results.after),
        f"tags      {results.tagged.tags}",
        f"comment   {results.comment.comment_id}: {results.comment.comment!r}",
        f"listed    {results.listed.total} case(s) matching the title: "
        + ", ".join(c.case_id for c in results.listed.cases),
        f"get-case  status={case.status.value} comments={len(case.comments)}",
        f"missing   {missing.status_code} {missing.kind}" if missing else "missing   -",
    ])


def auth_from_env() -> Optional[Auth]:
    """The credentials from the environment: never written in the code."""
    api_key = os.environ.get("KIBANA_API_KEY")
    if api_key:
        return AuthApiKey(api_key)
    username = os.environ.get("KIBANA_USERNAME")
    if username:
        return AuthBasic(BasicCredentials(
            username=username, password=os.environ.get("KIBANA_PASSWORD", "")
        ))
    return None


def main() -> int:
    es = ElasticSecurity()
    title = f"Phishing wave {time.strftime('%Y-%m-%d %H:%M:%S')}"
    space = os.environ.get("KIBANA_SPACE") or None
    url = os.environ.get("KIBANA_URL")
    if url:
        conn = Connection(base_url=url, auth=auth_from_env(), space_id=space)
        print(summary(run_flow(es, conn, title)))
        return 0
    with simulator() as sim_url:
        print(f"(no KIBANA_URL: using the simulator at {sim_url})")
        conn = Connection(base_url=sim_url, auth=auth_from_env(), space_id=space)
        print(summary(run_flow(es, conn, title)))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (ElasticSecurityError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)
