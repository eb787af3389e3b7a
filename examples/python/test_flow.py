"""pytest: the example flow against the Kibana simulator, through wasmtime-py.

Needs the component and the native CLI (for `elastic-security stub`), found
through $ELASTIC_SECURITY_COMPONENT and $ELASTIC_SECURITY_BIN (defaults: the
cargo build outputs of this repo). Run with `bash test.sh`.
"""

from __future__ import annotations

import socket
import uuid

import pytest
from wasmtime import component

from elastic_security_example import (
    ElasticSecurity,
    ElasticSecurityError,
    component_path,
    connection,
    simulator,
    simulator_path,
)
from flow import run_flow

API_KEY = "sim-api-key"


@pytest.fixture(scope="session")
def client() -> ElasticSecurity:
    path = component_path()
    if not path.is_file():
        pytest.fail(f"component not found: {path} (build first with `cargo build -p host-test`)")
    return ElasticSecurity(path)


@pytest.fixture(scope="session")
def kibana_url(tmp_path_factory: pytest.TempPathFactory):
    """Starts `elastic-security stub` on a free 127.0.0.1 port, stops it at the end."""
    binary = simulator_path()
    if not binary.is_file():
        pytest.fail(f"simulator not found: {binary} (build first with `cargo build -p host-test`)")
    log = tmp_path_factory.mktemp("stub") / "stub.log"
    with simulator(binary, log_path=log) as url:
        yield url


@pytest.fixture
def conn(kibana_url: str) -> dict:
    return connection(kibana_url, api_key=API_KEY, timeout_ms=10_000)


def unique_title(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:12]}"


def test_flow_create_tag_comment_list(client: ElasticSecurity, conn: dict) -> None:
    title = unique_title("Phishing wave")
    alert_id = unique_title("alert").replace(" ", "-")
    results = run_flow(client, conn, title, alert_id)

    created = results["created"]
    case_id = created["case-id"]
    marker = f"idempotency-key-alert-{alert_id}"
    assert results["created-now"] is True
    assert case_id
    assert created["title"] == title
    assert created["owner"] == "security-solution"
    assert created["severity"] == "high"
    assert created["status"] == "open"
    assert created["tags"] == ["phishing", marker]
    assert created["created-by"] == "elastic"
    assert created["updated-at"] is None  # option<string>: None until updated
    assert created["comments"] == []

    tagged = results["tagged"]
    assert tagged["case-id"] == case_id
    assert tagged["tags"] == ["phishing", marker, "email", "triage"]
    assert tagged["version"] != created["version"]

    comment = results["comment"]
    assert comment["case-id"] == case_id
    assert comment["comment-type"] == "user"
    assert comment["comment"] == "Blocked the sender at the mail gateway."
    assert comment["comment-id"]

    assert results["before"] == []
    assert [c["case-id"] for c in results["after"]] == [case_id]
    assert results["after"][0]["total-alerts"] == 1
    assert [a["alert-id"] for a in results["alerts"]] == [alert_id]

    listed = results["listed"]
    assert (listed["page"], listed["per-page"]) == (1, 1)  # return-all: the number returned
    assert listed["total"] == 1
    assert [c["case-id"] for c in listed["cases"]] == [case_id]
    assert listed["cases"][0]["tags"] == ["phishing", marker, "email", "triage"]
    assert listed["cases"][0]["total-comments"] == 1

    full = results["case"]
    assert full["total-comments"] == 1
    assert [c["comment-id"] for c in full["comments"]] == [comment["comment-id"]]

    assert results["missing"]["status-code"] == 404
    assert results["missing"]["kind"] == "not-found"

    # The same alert again: the key finds the case, the alert is attached once.
    again = run_flow(client, conn, title, alert_id)
    assert again["created-now"] is False
    assert again["created"]["case-id"] == case_id
    assert again["after"][0]["total-alerts"] == 1
    assert [a["alert-id"] for a in again["alerts"]] == [alert_id]


def test_list_cases_sees_every_new_case(client: ElasticSecurity, conn: dict) -> None:
    marker = uuid.uuid4().hex[:12]
    ids = {
        client.create_case(conn, f"Batch {marker} #{i}", owner="cases", tags=[marker])["kibana-case"]["case-id"]
        for i in range(3)
    }
    page = client.get_many_cases(conn, search=marker, search_fields=["title"], per_page=2)
    assert page["total"] == 3
    assert page["per-page"] == 2
    assert len(page["cases"]) == 2
    rest = client.get_many_cases(conn, search=marker, search_fields=["title"], per_page=2, page=2)
    assert {c["case-id"] for c in page["cases"] + rest["cases"]} == ids


def test_raw_error_is_the_error_variant(client: ElasticSecurity, conn: dict) -> None:
    """Without the wrapper: a Record in; out, the `ok` Record itself or the
    error as Variant("permanent"|"retryable", Record)."""
    fn = client.func("cases", "get-case")
    raw_conn = component.Record()
    for key, value in connection(conn["base-url"], api_key=API_KEY).items():
        setattr(raw_conn, key, value)
    raw_input = component.Record()
    setattr(raw_input, "case-id", "does-not-exist")
    setattr(raw_input, "include-comments", False)

    result = fn(client.store, raw_conn, raw_input)

    # The `err` side alone (wasmtime-py does not wrap a result whose sides have
    # different Python types): the WIT `error` variant, here `permanent` (a 404)
    # with the `error-info` record.
    assert isinstance(result, component.Variant)
    assert result.tag == "permanent"
    info = result.payload
    assert getattr(info, "status-code") == 404
    assert info.kind == "not-found"
    assert "does-not-exist" in info.message


def test_missing_case_is_not_found(client: ElasticSecurity, conn: dict) -> None:
    with pytest.raises(ElasticSecurityError) as info:
        client.get_case(conn, "no-such-case")
    assert info.value.status_code == 404
    assert info.value.kind == "not-found"
    assert info.value.retryable is False


@pytest.mark.parametrize(
    ("interface", "name", "args", "field"),
    [
        ("cases", "get-case", [{"case-id": "  ", "include-comments": False}], "case-id"),
        ("cases", "create-case", [{"title": "", "owner": "cases"}], "title"),
        ("case-tags", "add-tag", ["", ["x"]], "case-id"),
        ("case-comments", "add-comment", [{"case-id": "some-id", "comment": " "}], "comment"),
    ],
)
def test_invalid_input_names_the_field(
    client: ElasticSecurity, conn: dict, interface: str, name: str, args: list, field: str
) -> None:
    with pytest.raises(ElasticSecurityError) as info:
        client.call(interface, name, conn, *args)
    assert info.value.status_code == -1
    assert info.value.kind == "invalid-input"
    assert field in info.value.message


def test_secret_never_in_error_messages(client: ElasticSecurity, kibana_url: str) -> None:
    secret = "do-not-leak-" + uuid.uuid4().hex
    cases = [
        # Refused by Kibana: 401.
        (connection(kibana_url, api_key=secret), 401, "unauthorized", None),
        (connection(kibana_url, username="elastic", password=secret), 401, "unauthorized", None),
        # Refused by the component before sending: -1, naming the field, not the value.
        (connection(kibana_url, api_key=secret + "\n"), -1, "invalid-input", "api-key"),
        (connection(kibana_url, username="elastic", password=secret + "\x01"), -1, "invalid-input", "password"),
    ]
    for conn, status, kind, field in cases:
        with pytest.raises(ElasticSecurityError) as info:
            client.get_many_cases(conn)
        err = info.value
        assert (err.status_code, err.kind) == (status, kind)
        if field:
            assert field in err.message
        assert secret not in err.message
        assert secret not in str(err)


def test_basic_auth_and_spaces(client: ElasticSecurity, kibana_url: str) -> None:
    soc = connection(kibana_url, username="elastic", password="changeme", space_id="soc-team")
    default = connection(kibana_url, api_key=API_KEY)
    title = unique_title("Space case")
    case = client.create_case(soc, title)["kibana-case"]
    assert client.get_case(soc, case["case-id"])["title"] == title
    assert client.get_many_cases(soc, search=title, search_fields=["title"])["total"] == 1
    assert client.get_many_cases(default, search=title, search_fields=["title"])["total"] == 0


def test_api_key_from_the_components_environment(kibana_url: str) -> None:
    """`api-key-env`: the key is read from the component's environment, which the
    host sets; a variable that is not set is -1 naming it, nothing sent."""
    with_env = ElasticSecurity(env={"KIBANA_API_KEY": API_KEY})
    conn = connection(kibana_url, api_key_env="KIBANA_API_KEY")
    title = unique_title("Env key case")
    case = with_env.create_case(conn, title)["kibana-case"]
    assert with_env.get_case(conn, case["case-id"])["title"] == title
    with pytest.raises(ElasticSecurityError) as info:
        with_env.get_many_cases(connection(kibana_url, api_key_env="NOT_SET_HERE"))
    assert info.value.status_code == -1
    assert "NOT_SET_HERE" in info.value.message


def test_unreachable_kibana_is_status_0(client: ElasticSecurity) -> None:
    with socket.socket() as sock:  # a free port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    conn = connection(f"http://127.0.0.1:{port}", api_key="secret-key-xyz", timeout_ms=2_000)
    with pytest.raises(ElasticSecurityError) as info:
        client.get_many_cases(conn)
    assert info.value.status_code == 0
    assert info.value.kind == "unreachable"
    assert info.value.retryable is True  # nothing was sent
    assert "secret-key-xyz" not in info.value.message
