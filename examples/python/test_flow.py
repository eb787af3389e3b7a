"""pytest: the wheel `elastic-security-wasm`, installed as a user installs it,
against the Kibana simulator. Run with `bash test.sh` (it makes a fresh venv with
the release's wheel)."""

from __future__ import annotations

import dataclasses
import importlib.metadata
import socket
import uuid
from typing import Any, Callable, Iterator, Optional

import pytest

from elastic_security_wasm import (
    AddCommentInput,
    Auth,
    AuthApiKey,
    AuthApiKeyEnv,
    AuthBasic,
    BasicCredentials,
    CaseStatus,
    Connection,
    CreateCaseInput,
    ElasticSecurity,
    ElasticSecurityError,
    ErrorKind,
    GetCaseInput,
    GetManyCasesInput,
    KibanaCase,
    Owner,
    Severity,
)
from flow import run_flow
from simulator import API_KEY, simulator, simulator_path


@pytest.fixture(scope="session")
def es() -> ElasticSecurity:
    return ElasticSecurity()  # the component shipped in the wheel


@pytest.fixture(scope="session")
def kibana_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Starts `elastic-security stub` on a free 127.0.0.1 port, stops it at the end."""
    binary = simulator_path()
    if not binary.is_file():
        pytest.fail(f"simulator not found: {binary} (build first with `cargo build -p host-test`)")
    log = tmp_path_factory.mktemp("stub") / "stub.log"
    with simulator(binary, log_path=log) as url:
        yield url


@pytest.fixture
def conn(kibana_url: str) -> Connection:
    return Connection(base_url=kibana_url, auth=AuthApiKey(API_KEY), timeout_ms=10_000)


def unique_title(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:12]}"


def test_the_wheel_is_the_wit_packages_version() -> None:
    import elastic_security_wasm

    assert elastic_security_wasm.PACKAGE == "automation:elastic-security"
    assert elastic_security_wasm.VERSION == importlib.metadata.version("elastic-security-wasm")


def test_flow_create_tag_comment_list(es: ElasticSecurity, conn: Connection) -> None:
    title = unique_title("Phishing wave")
    alert_id = unique_title("alert").replace(" ", "-")
    results = run_flow(es, conn, title, alert_id)

    created = results.created
    case_id = created.case_id
    marker = f"idempotency-key-alert-{alert_id}"
    assert results.created_now is True
    assert isinstance(created, KibanaCase)
    assert case_id
    assert created.title == title
    assert created.owner is Owner.SECURITY_SOLUTION
    assert created.severity is Severity.HIGH
    assert created.status is CaseStatus.OPEN
    assert created.tags == ["phishing", marker]
    assert created.created_by == "elastic"
    assert created.updated_at is None  # option<string>: None until updated
    assert created.comments == []

    assert results.tagged.case_id == case_id
    assert results.tagged.tags == ["phishing", marker, "email", "triage"]
    assert results.tagged.version != created.version

    comment = results.comment
    assert comment.case_id == case_id
    assert comment.comment_type.value == "user"
    assert comment.comment == "Blocked the sender at the mail gateway."
    assert comment.comment_id

    assert results.before == []
    assert [c.case_id for c in results.after] == [case_id]
    assert results.after[0].total_alerts == 1
    assert [a.alert_id for a in results.alerts] == [alert_id]

    listed = results.listed
    assert (listed.page, listed.per_page) == (1, 1)  # return-all: the number returned
    assert listed.total == 1
    assert [c.case_id for c in listed.cases] == [case_id]
    assert listed.cases[0].tags == ["phishing", marker, "email", "triage"]
    assert listed.cases[0].total_comments == 1

    assert results.case.total_comments == 1
    assert [c.comment_id for c in results.case.comments] == [comment.comment_id]

    assert results.missing is not None
    assert results.missing.status_code == 404
    assert results.missing.kind == ErrorKind.NOT_FOUND

    # The same alert again: the key finds the case, the alert is attached once.
    again = run_flow(es, conn, title, alert_id)
    assert again.created_now is False
    assert again.created.case_id == case_id
    assert again.after[0].total_alerts == 1
    assert [a.alert_id for a in again.alerts] == [alert_id]


def test_records_are_frozen_dataclasses_with_defaults() -> None:
    given = CreateCaseInput(title="t", owner=Owner.CASES)
    assert given.tags == [] and given.description is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        given.title = "u"  # type: ignore[misc]
    with pytest.raises(TypeError):
        CreateCaseInput("t", Owner.CASES)  # type: ignore[call-arg]  # keyword arguments only


def test_list_cases_sees_every_new_case(es: ElasticSecurity, conn: Connection) -> None:
    marker = uuid.uuid4().hex[:12]
    ids = {
        es.cases.create_case(conn, CreateCaseInput(
            title=f"Batch {marker} #{i}", owner=Owner.CASES, tags=[marker]
        )).kibana_case.case_id
        for i in range(3)
    }
    page = es.cases.get_many_cases(conn, GetManyCasesInput(
        search=marker, search_fields=["title"], per_page=2
    ))
    assert (page.total, page.per_page, len(page.cases)) == (3, 2, 2)
    rest = es.cases.get_many_cases(conn, GetManyCasesInput(
        search=marker, search_fields=["title"], per_page=2, page=2
    ))
    assert {c.case_id for c in page.cases + rest.cases} == ids


def test_return_all_with_pages_in_flight_together(es: ElasticSecurity, conn: Connection) -> None:
    marker = uuid.uuid4().hex[:12]
    made = [
        es.cases.create_case(conn, CreateCaseInput(
            title=f"Batch {marker} #{i}", owner=Owner.CASES, tags=[marker]
        )).kibana_case.case_id
        for i in range(250)
    ]
    def find(max_in_flight: int) -> GetManyCasesInput:
        return GetManyCasesInput(
            search=marker, search_fields=["title"], return_all=True, max_in_flight=max_in_flight
        )
    # 3 pages: page 1, then pages 2 and 3 together; the newest case first.
    listed = es.cases.get_many_cases(conn, find(4))
    assert listed.total == 250
    assert [c.case_id for c in listed.cases] == made[::-1]
    one_by_one = es.cases.get_many_cases(conn, find(1))
    assert [c.case_id for c in one_by_one.cases] == made[::-1]
    with pytest.raises(ElasticSecurityError) as info:
        es.cases.get_many_cases(conn, find(0))
    assert (info.value.status_code, info.value.kind) == (-1, "invalid-input")
    assert info.value.message.startswith("max-in-flight: must be between 1 and 16")


def test_missing_case_is_not_found(es: ElasticSecurity, conn: Connection) -> None:
    with pytest.raises(ElasticSecurityError) as info:
        es.cases.get_case(conn, GetCaseInput(case_id="no-such-case"))
    assert info.value.status_code == 404
    assert info.value.kind == "not-found"
    assert info.value.retryable is False
    assert "no-such-case" in info.value.message


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda es, c: es.cases.get_case(c, GetCaseInput(case_id="  ")), "case-id"),
        (lambda es, c: es.cases.create_case(c, CreateCaseInput(title="", owner=Owner.CASES)), "title"),
        (lambda es, c: es.case_tags.add_tag(c, "", ["x"]), "case-id"),
        (lambda es, c: es.case_comments.add_comment(c, AddCommentInput(case_id="some-id", comment=" ")), "comment"),
    ],
)
def test_invalid_input_names_the_field(
    es: ElasticSecurity, conn: Connection, call: Callable[[ElasticSecurity, Connection], Any], field: str
) -> None:
    with pytest.raises(ElasticSecurityError) as info:
        call(es, conn)
    assert info.value.status_code == -1
    assert info.value.kind == ErrorKind.INVALID_INPUT
    assert field in info.value.message


def test_secret_never_in_error_messages(es: ElasticSecurity, kibana_url: str) -> None:
    secret = "do-not-leak-" + uuid.uuid4().hex

    def basic(password: str) -> Auth:
        return AuthBasic(BasicCredentials(username="elastic", password=password))

    cases: list[tuple[Auth, int, str, Optional[str]]] = [
        # Refused by Kibana: 401.
        (AuthApiKey(secret), 401, "unauthorized", None),
        (basic(secret), 401, "unauthorized", None),
        # Refused by the component before sending: -1, naming the field, not the value.
        (AuthApiKey(secret + "\n"), -1, "invalid-input", "api-key"),
        (basic(secret + "\x01"), -1, "invalid-input", "password"),
    ]
    for auth, status, kind, field in cases:
        with pytest.raises(ElasticSecurityError) as info:
            es.cases.get_many_cases(Connection(base_url=kibana_url, auth=auth), GetManyCasesInput())
        err = info.value
        assert (err.status_code, err.kind) == (status, kind)
        if field:
            assert field in err.message
        assert secret not in err.message
        assert secret not in str(err)
        assert secret not in repr(err)


def test_basic_auth_and_spaces(es: ElasticSecurity, kibana_url: str) -> None:
    soc = Connection(
        base_url=kibana_url,
        auth=AuthBasic(BasicCredentials(username="elastic", password="changeme")),
        space_id="soc-team",
    )
    default = Connection(base_url=kibana_url, auth=AuthApiKey(API_KEY))
    title = unique_title("Space case")
    case = es.cases.create_case(soc, CreateCaseInput(title=title, owner=Owner.CASES)).kibana_case
    assert es.cases.get_case(soc, GetCaseInput(case_id=case.case_id)).title == title
    find = GetManyCasesInput(search=title, search_fields=["title"])
    assert es.cases.get_many_cases(soc, find).total == 1
    assert es.cases.get_many_cases(default, find).total == 0


def test_api_key_from_the_components_environment(kibana_url: str) -> None:
    """`api-key-env`: the key is read from the component's environment, which the
    host sets; a variable that is not set is -1 naming it, nothing sent."""
    with_env = ElasticSecurity(env={"KIBANA_API_KEY": API_KEY})
    conn = Connection(base_url=kibana_url, auth=AuthApiKeyEnv("KIBANA_API_KEY"))
    title = unique_title("Env key case")
    case = with_env.cases.create_case(conn, CreateCaseInput(title=title, owner=Owner.CASES)).kibana_case
    assert with_env.cases.get_case(conn, GetCaseInput(case_id=case.case_id)).title == title
    with pytest.raises(ElasticSecurityError) as info:
        with_env.cases.get_many_cases(
            Connection(base_url=kibana_url, auth=AuthApiKeyEnv("NOT_SET_HERE")), GetManyCasesInput()
        )
    assert info.value.status_code == -1
    assert "NOT_SET_HERE" in info.value.message


def test_unreachable_kibana_is_status_0_and_retryable(es: ElasticSecurity) -> None:
    with socket.socket() as sock:  # a free port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    conn = Connection(
        base_url=f"http://127.0.0.1:{port}", auth=AuthApiKey("secret-key-xyz"), timeout_ms=2_000
    )
    with pytest.raises(ElasticSecurityError) as info:
        es.cases.get_many_cases(conn, GetManyCasesInput())
    assert info.value.status_code == 0
    assert info.value.kind == ErrorKind.UNREACHABLE
    assert info.value.retryable is True  # nothing was sent
    assert "secret-key-xyz" not in info.value.message
