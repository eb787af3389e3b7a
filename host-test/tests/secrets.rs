//! Credentials and connector secrets never show: every operation, on success and on
//! every failure path (invalid input, 401, 4xx/5xx answers that echo the request's
//! headers and body, bodies that do not decode, no answer), through the typed API
//! (`Ok` and `Err` rendered with `Debug`, and the messages) and through the CLI binary
//! (stdout and stderr). Every string produced is searched for each secret and for the
//! base64 forms of the Basic credentials.
//!
//! The component itself has no stdio (the harness grants it none), so it has no logs
//! of its own: the CLI's stdout and stderr are the logs checked here.

mod common;

use std::fmt::Debug;
use std::process::Command;

use common::*;
use host_test::harness::bindings::{
    case_comments, cases, connectors, Auth, BasicCredentials, CommentType, Connection, Owner,
};
use host_test::harness::Failure;
use host_test::harness::{Harness, HarnessConfig};
use host_test::sim::{Fault, SimConfig};
use serde_json::json;

const KEY: &str = "sk-APIKEY-7f3a9c1e-c0ffee";
const WRONG_KEY: &str = "sk-WRONGKEY-0b5e-decaf";
const USER: &str = "soc-bot";
const PASSWORD: &str = "Pw-distinct-9d8e7f!#";
const WRONG_PASSWORD: &str = "Pw-WRONG-5a4b3c";
const CONN_TOKEN: &str = "tok-CONNSECRET-5b4a39";
const CONN_PASSWORD: &str = "connpw-CONNSECRET-77e1";

/// Standard base64 with padding, as in the Basic header.
fn base64(input: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(input)
}

/// Every string that must never appear, with a name for the failure message.
fn needles() -> Vec<(String, String)> {
    let mut n: Vec<(String, String)> = [
        ("api key", KEY),
        ("wrong api key", WRONG_KEY),
        ("password", PASSWORD),
        ("wrong password", WRONG_PASSWORD),
        ("connector token", CONN_TOKEN),
        ("connector password", CONN_PASSWORD),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    for (what, user, pw) in [
        ("basic token", USER, PASSWORD),
        ("wrong basic token", USER, WRONG_PASSWORD),
    ] {
        let token = base64(format!("{user}:{pw}").as_bytes());
        // The token, and a long enough piece of it to catch a truncated quote.
        n.push((what.into(), token.clone()));
        n.push((format!("{what} (start)"), token[..16].to_owned()));
    }
    n.push(("base64 of the api key".into(), base64(KEY.as_bytes())));
    n.push(("base64 of the password".into(), base64(PASSWORD.as_bytes())));
    n
}

/// Everything the test saw, with where it came from.
#[derive(Default)]
struct Seen {
    items: Vec<(String, String)>,
}

impl Seen {
    fn add(&mut self, origin: impl Into<String>, text: impl Into<String>) {
        self.items.push((origin.into(), text.into()));
    }

    /// Records a typed result: its `Debug`, and the error message alone.
    fn result<T: Debug>(&mut self, origin: &str, r: anyhow::Result<Result<T, Failure>>) {
        match r {
            Ok(Ok(v)) => self.add(origin, format!("{v:?} / {v:#?}")),
            Ok(Err(e)) => {
                self.add(origin, format!("{e:?} / {e:#?}"));
                self.add(origin, e.message.clone());
            }
            Err(trap) => self.add(origin, format!("TRAP {trap:?} / {trap:#}")),
        }
    }

    fn assert_clean(&self) {
        let mut leaks = Vec::new();
        for (origin, text) in &self.items {
            for (what, needle) in needles() {
                if text.contains(&needle) {
                    leaks.push(format!(
                        "{what} in {origin}: {}",
                        text.chars().take(300).collect::<String>()
                    ));
                }
            }
        }
        assert!(
            leaks.is_empty(),
            "{} leaks:\n  {}",
            leaks.len(),
            leaks.join("\n  ")
        );
    }
}

fn kit() -> Kit {
    let mut config = SimConfig::default();
    config.api_keys.push(KEY.into());
    config.users.push((USER.into(), PASSWORD.into()));
    Kit::with(config)
}

fn with_auth(kit: &Kit, auth: Auth) -> Connection {
    Connection {
        auth: Some(auth),
        ..kit.conn()
    }
}

fn basic(user: &str, password: &str) -> Auth {
    Auth::Basic(BasicCredentials {
        username: user.into(),
        password: password.into(),
    })
}

fn secrets_json() -> String {
    json!({"apiToken": CONN_TOKEN, "password": CONN_PASSWORD, "email": "bot@example.com"})
        .to_string()
}

fn connector(secrets: Option<String>) -> connectors::CreateConnectorInput {
    connectors::CreateConnectorInput {
        name: "secret-keeper".into(),
        connector_type_id: ".index".into(),
        config: Some(r#"{"index":"audit"}"#.into()),
        secrets,
        description: Some("holds secrets".into()),
    }
}

/// All 20 operations once (and return-all), against `case_id` and `comment_id`,
/// recording everything.
fn every_operation(
    h: &Harness,
    conn: &Connection,
    ids: (&str, &str, &str),
    tag: &str,
    seen: &mut Seen,
) {
    let (case_id, version, comment_id) = ids;
    let o = |op: &str| format!("{tag} {op}");
    seen.result(
        &o("create-case"),
        h.create_case(conn, &case_input("secret test")),
    );
    seen.result(
        &o("get-case"),
        h.get_case(
            conn,
            &cases::GetCaseInput {
                case_id: case_id.into(),
                include_comments: true,
                max_in_flight: None,
            },
        ),
    );
    seen.result(
        &o("get-many-cases"),
        h.get_many_cases(
            conn,
            &cases::GetManyCasesInput {
                page: None,
                per_page: None,
                sort_field: None,
                sort_order: None,
                search: Some("secret".into()),
                search_fields: vec![],
                status: None,
                owners: vec![Owner::SecuritySolution],
                assignees: vec![],
                return_all: false,
                limit: None,
                max_in_flight: None,
            },
        ),
    );
    seen.result(&o("get-case-status"), h.get_case_status(conn, case_id));
    seen.result(
        &o("update-case"),
        h.update_case(
            conn,
            &cases::UpdateCaseInput {
                case_id: case_id.into(),
                version: version.into(),
                title: Some(format!("renamed by {tag}")),
                description: None,
                status: None,
                severity: None,
                tags: None,
                assignees: None,
            },
        ),
    );
    seen.result(
        &o("add-comment"),
        h.add_comment(
            conn,
            &case_comments::AddCommentInput {
                case_id: case_id.into(),
                comment: Some("a comment".into()),
                comment_type: None,
                alert_id: None,
                alert_index: None,
                rule_id: None,
                rule_name: None,
            },
        ),
    );
    seen.result(
        &o("add-comment alert"),
        h.add_comment(
            conn,
            &case_comments::AddCommentInput {
                case_id: case_id.into(),
                comment: None,
                comment_type: Some(CommentType::Alert),
                alert_id: Some("alert-1".into()),
                alert_index: None,
                rule_id: None,
                rule_name: None,
            },
        ),
    );
    seen.result(&o("get-comment"), h.get_comment(conn, case_id, comment_id));
    seen.result(
        &o("get-many-comments"),
        h.get_many_comments(
            conn,
            &case_comments::GetManyCommentsInput {
                case_id: case_id.into(),
                page: None,
                per_page: None,
                return_all: false,
                limit: None,
                max_in_flight: None,
            },
        ),
    );
    seen.result(
        &o("update-comment"),
        h.update_comment(
            conn,
            &case_comments::UpdateCommentInput {
                case_id: case_id.into(),
                comment_id: comment_id.into(),
                comment: "edited".into(),
                version: "WzEsMV0=".into(),
            },
        ),
    );
    seen.result(&o("add-tag"), h.add_tag(conn, case_id, &strings(&["s"])));
    seen.result(
        &o("remove-tag"),
        h.remove_tag(conn, case_id, &strings(&["s"])),
    );
    seen.result(
        &o("create-connector"),
        h.create_connector(conn, &connector(Some(secrets_json()))),
    );
    seen.result(
        &o("get-many-connectors"),
        h.get_many_connectors(conn, Some(".jira")),
    );
    seen.result(
        &o("get-cases-by-alert"),
        h.get_cases_by_alert(
            conn,
            &cases::GetCasesByAlertInput {
                alert_id: "alert-1".into(),
                owners: vec![Owner::SecuritySolution],
            },
        ),
    );
    seen.result(&o("get-case-alerts"), h.get_case_alerts(conn, case_id));
    seen.result(
        &o("push-case"),
        h.push_case(conn, case_id, "no-such-connector"),
    );
    seen.result(
        &o("get-case-activity"),
        h.get_case_activity(
            conn,
            &cases::GetCaseActivityInput {
                case_id: case_id.into(),
                page: None,
                per_page: None,
                sort_order: None,
                types: vec![],
            },
        ),
    );
    seen.result(&o("get-case-tags"), h.get_case_tags(conn, &[]));
    seen.result(
        &o("get-many-comments all"),
        h.get_many_comments(
            conn,
            &case_comments::GetManyCommentsInput {
                case_id: case_id.into(),
                page: None,
                per_page: None,
                return_all: true,
                limit: None,
                max_in_flight: None,
            },
        ),
    );
    seen.result(
        &o("remove-comment"),
        h.remove_comment(conn, case_id, comment_id),
    );
    seen.result(
        &o("delete-case"),
        h.delete_case(
            conn,
            &cases::DeleteCaseInput {
                case_ids: vec![case_id.into(), "no-such-case".into()],
                max_in_flight: None,
            },
        ),
    );
}

/// A case with a comment, made with the good API key.
fn fixture(kit: &Kit) -> (String, String, String) {
    let conn = with_auth(kit, Auth::ApiKey(KEY.into()));
    let c = kit
        .h
        .create_case(&conn, &case_input("fixture"))
        .unwrap()
        .expect("created")
        .kibana_case;
    let comment = kit
        .h
        .add_comment(
            &conn,
            &case_comments::AddCommentInput {
                case_id: c.case_id.clone(),
                comment: Some("first".into()),
                comment_type: None,
                alert_id: None,
                alert_index: None,
                rule_id: None,
                rule_name: None,
            },
        )
        .unwrap()
        .expect("commented");
    let c = kit
        .h
        .get_case(
            &conn,
            &cases::GetCaseInput {
                case_id: c.case_id,
                include_comments: false,
                max_in_flight: None,
            },
        )
        .unwrap()
        .unwrap();
    (c.case_id, c.version, comment.comment_id)
}

/// What a request with `auth` (and, for create-connector, the secrets) carried, as
/// a hostile or debugging proxy would echo it back.
fn carried(auth: &Auth, connector: bool) -> String {
    let mut echo = match auth {
        Auth::ApiKey(key) => format!("authorization: ApiKey {key}"),
        Auth::Basic(b) => format!(
            "authorization: Basic {} (decoded: {}:{})",
            base64(format!("{}:{}", b.username, b.password).as_bytes()),
            b.username,
            b.password
        ),
        Auth::ApiKeyEnv(_) => unreachable!("the echo tests give the key itself"),
    };
    if connector {
        echo.push_str(&format!(
            " | body {{\"secrets\":{{\"apiToken\":\"{CONN_TOKEN}\",\"password\":\"{CONN_PASSWORD}\"}}}}"
        ));
    }
    echo
}

/// Answers that echo `carried`, for every status class, and 2xx bodies that do not
/// decode and quote it.
fn echo_bodies(auth: &Auth, connector: bool) -> Vec<(u16, String)> {
    let echo = carried(auth, connector);
    let mut quoted = match auth {
        Auth::ApiKey(key) => vec![key.clone()],
        Auth::Basic(b) => vec![b.password.clone()],
        Auth::ApiKeyEnv(_) => unreachable!("the echo tests give the key itself"),
    };
    if connector {
        quoted.push(CONN_TOKEN.into());
    }
    vec![
        (
            500,
            json!({"statusCode": 500, "error": "Internal Server Error", "message": echo})
                .to_string(),
        ),
        (500, format!("<html><pre>{echo}</pre></html>")),
        (
            400,
            json!({"statusCode": 400, "error": "Bad Request", "message": echo}).to_string(),
        ),
        (401, json!({"statusCode": 401, "error": echo}).to_string()),
        (413, echo.clone()),
        (503, format!("{}{echo}", " ".repeat(100))),
        (200, json!(echo).to_string()),
        // A JSON string where an object belongs: the parse error quotes it.
        (200, json!(quoted.join(" ")).to_string()),
        (200, format!("{{\"id\": \"{echo}\", \"version\": {echo}}}")),
        (
            201,
            json!({"id": 1, "name": echo, "config": echo}).to_string(),
        ),
    ]
}

/// `api-key-env`: the component reads the key from its environment, which the host
/// sets (Obelisk sets a placeholder there and swaps in the real key on the way
/// out). The key reaches Kibana and shows nowhere; a variable that is not set is
/// -1 naming the variable, with nothing sent.
#[test]
fn an_api_key_from_the_environment_reaches_kibana_and_shows_nowhere() {
    let kit = kit();
    let h = Harness::with_config(HarnessConfig {
        env: vec![
            ("KIBANA_API_KEY".into(), KEY.into()),
            ("KIBANA_WRONG_KEY".into(), WRONG_KEY.into()),
        ],
        ..HarnessConfig::default()
    })
    .unwrap();
    let mut seen = Seen::default();

    let conn = with_auth(&kit, Auth::ApiKeyEnv("KIBANA_API_KEY".into()));
    kit.sim.clear_requests();
    let case = h.create_case(&conn, &case_input("key from env")).unwrap();
    seen.add("env key create", format!("{case:?}"));
    assert!(case.is_ok(), "{case:?}");
    let sent = kit.only_request();
    let authorization = sent
        .headers
        .iter()
        .find(|(name, _)| name == "authorization")
        .map(|(_, value)| value.as_str());
    assert_eq!(authorization, Some(format!("ApiKey {KEY}").as_str()));

    let conn = with_auth(&kit, Auth::ApiKeyEnv("KIBANA_WRONG_KEY".into()));
    let refused = h.get_case_status(&conn, "any").unwrap();
    seen.add("env wrong key", format!("{refused:?}"));
    assert_eq!(refused.expect_err("401").status_code, 401);

    kit.sim.clear_requests();
    let conn = with_auth(&kit, Auth::ApiKeyEnv("KIBANA_NOT_SET".into()));
    let e = h
        .get_case_status(&conn, "any")
        .unwrap()
        .expect_err("no such variable");
    assert_eq!(e.status_code, -1);
    assert_eq!(
        e.message,
        "connection.auth.api-key-env: no environment variable `KIBANA_NOT_SET` is set for the component"
    );
    assert!(kit.requests().is_empty());
    seen.assert_clean();
}

#[test]
fn typed_api_success_and_401_never_show_credentials() {
    let kit = kit();
    let mut seen = Seen::default();
    for (tag, auth) in [
        ("api-key", Auth::ApiKey(KEY.into())),
        ("basic", basic(USER, PASSWORD)),
        ("wrong api-key", Auth::ApiKey(WRONG_KEY.into())),
        ("wrong basic", basic(USER, WRONG_PASSWORD)),
    ] {
        let ids = fixture(&kit);
        let conn = with_auth(&kit, auth);
        every_operation(kit.h, &conn, (&ids.0, &ids.1, &ids.2), tag, &mut seen);
    }
    // The simulator's record redacts the authorization header and hides bodies.
    seen.add("simulator requests Debug", format!("{:?}", kit.requests()));
    // 401s really happened, and successes too.
    let all: String = seen.items.iter().map(|(_, t)| t.as_str()).collect();
    assert!(all.contains("Unauthorized"), "no 401 seen");
    assert!(all.contains("CaseComment"), "no success seen");
    seen.assert_clean();
}

#[test]
fn typed_api_echoing_errors_never_show_credentials() {
    let kit = kit();
    let mut seen = Seen::default();
    let (case_id, version, comment_id) = fixture(&kit);
    let ids = (case_id.as_str(), version.as_str(), comment_id.as_str());
    for (tag, auth) in [
        ("api-key", Auth::ApiKey(KEY.into())),
        ("basic", basic(USER, PASSWORD)),
    ] {
        let conn = with_auth(&kit, auth.clone());
        for op in 0..20 {
            for (i, (status, body)) in echo_bodies(&auth, op == 12).into_iter().enumerate() {
                // The echo on the operation's first request...
                let tag = format!("{tag} echo #{i} {status}");
                kit.sim.inject(Fault::Status(status, body.clone()));
                run_one(kit.h, &conn, op, ids, &tag, &mut seen);
                // ...and, for the read-then-write operations, on the second.
                // (Exactly the operations that always send a second request.)
                if [4, 5, 9].contains(&op) {
                    kit.sim.inject(Fault::Pass);
                    kit.sim.inject(Fault::Status(status, body));
                    run_one(kit.h, &conn, op, ids, &tag, &mut seen);
                }
            }
        }
        kit.sim.inject(Fault::Html502);
        run_one(kit.h, &conn, 0, ids, "html 502", &mut seen);
    }
    let all: String = seen.items.iter().map(|(_, t)| t.as_str()).collect();
    assert!(
        all.contains("<redacted>"),
        "the echoes were seen and redacted"
    );
    seen.assert_clean();
}

/// One operation by number (the order of `every_operation`).
fn run_one(
    h: &Harness,
    conn: &Connection,
    op: usize,
    ids: (&str, &str, &str),
    tag: &str,
    seen: &mut Seen,
) {
    let (case_id, version, comment_id) = ids;
    let o = format!("{tag} op#{op}");
    match op {
        0 => seen.result(&o, h.create_case(conn, &case_input("x"))),
        1 => seen.result(
            &o,
            h.get_case(
                conn,
                &cases::GetCaseInput {
                    case_id: case_id.into(),
                    include_comments: true,
                    max_in_flight: None,
                },
            ),
        ),
        2 => seen.result(&o, h.get_many_cases(conn, &many_cases())),
        3 => seen.result(&o, h.get_case_status(conn, case_id)),
        4 => seen.result(
            &o,
            h.add_comment(
                conn,
                &case_comments::AddCommentInput {
                    case_id: case_id.into(),
                    comment: Some("c".into()),
                    comment_type: None,
                    alert_id: None,
                    alert_index: None,
                    rule_id: None,
                    rule_name: None,
                },
            ),
        ),
        5 => seen.result(
            &o,
            h.update_comment(
                conn,
                &case_comments::UpdateCommentInput {
                    case_id: case_id.into(),
                    comment_id: comment_id.into(),
                    comment: "e".into(),
                    version: "WzEsMV0=".into(),
                },
            ),
        ),
        6 => seen.result(&o, h.get_comment(conn, case_id, comment_id)),
        7 => seen.result(
            &o,
            h.get_many_comments(
                conn,
                &case_comments::GetManyCommentsInput {
                    case_id: case_id.into(),
                    page: None,
                    per_page: None,
                    return_all: false,
                    limit: None,
                    max_in_flight: None,
                },
            ),
        ),
        8 => seen.result(&o, h.remove_comment(conn, case_id, "no-such-comment")),
        9 => {
            // A new tag each time, so that a write always follows the read.
            let new_tag = format!("t{}", seen.items.len());
            seen.result(&o, h.add_tag(conn, case_id, &[new_tag]))
        }
        10 => seen.result(
            &o,
            h.remove_tag(conn, case_id, &strings(&["fixture-never"])),
        ),
        11 => seen.result(
            &o,
            h.update_case(
                conn,
                &cases::UpdateCaseInput {
                    case_id: case_id.into(),
                    version: version.into(),
                    title: None,
                    description: None,
                    status: None,
                    severity: Some(host_test::harness::bindings::Severity::High),
                    tags: None,
                    assignees: None,
                },
            ),
        ),
        12 => seen.result(
            &o,
            h.create_connector(conn, &connector(Some(secrets_json()))),
        ),
        13 => seen.result(
            &o,
            h.delete_case(
                conn,
                &cases::DeleteCaseInput {
                    case_ids: vec!["no-such-1".into(), "no-such-2".into()],
                    max_in_flight: None,
                },
            ),
        ),
        14 => seen.result(&o, h.get_many_connectors(conn, None)),
        15 => seen.result(
            &o,
            h.get_cases_by_alert(
                conn,
                &cases::GetCasesByAlertInput {
                    alert_id: "alert-1".into(),
                    owners: vec![],
                },
            ),
        ),
        16 => seen.result(&o, h.get_case_alerts(conn, case_id)),
        17 => seen.result(&o, h.push_case(conn, case_id, "no-such-connector")),
        18 => seen.result(
            &o,
            h.get_case_activity(
                conn,
                &cases::GetCaseActivityInput {
                    case_id: case_id.into(),
                    page: None,
                    per_page: None,
                    sort_order: None,
                    types: vec![],
                },
            ),
        ),
        _ => seen.result(&o, h.get_case_tags(conn, &[])),
    }
}

#[test]
fn typed_api_invalid_input_and_unreachable_never_show_credentials() {
    let kit = kit();
    let mut seen = Seen::default();
    let (case_id, version, comment_id) = fixture(&kit);
    kit.sim.clear_requests();
    let bad_auths = [
        Auth::ApiKey(format!("{KEY}\r\nX-Evil: 1")),
        Auth::ApiKey(format!("{KEY} {KEY}")),
        Auth::ApiKey(format!("{KEY}\u{0}")),
        Auth::ApiKey(format!("{KEY}{}", "A".repeat(5000))),
        Auth::ApiKey(format!("ключ{KEY}")),
        basic(USER, &format!("{PASSWORD}\n")),
        basic(USER, &format!("{PASSWORD}{}", "p".repeat(5000))),
        basic(&format!("{USER}:{PASSWORD}"), PASSWORD),
        basic("", PASSWORD),
    ];
    for (i, auth) in bad_auths.into_iter().enumerate() {
        let conn = with_auth(&kit, auth);
        every_operation(
            kit.h,
            &conn,
            (&case_id, &version, &comment_id),
            &format!("bad auth #{i}"),
            &mut seen,
        );
    }
    // Good credentials with another bad connection field, and no Kibana at all.
    for (tag, conn) in [
        (
            "bad url",
            Connection {
                base_url: format!("{}/?token={KEY}", kit.sim.url()),
                ..with_auth(&kit, Auth::ApiKey(KEY.into()))
            },
        ),
        (
            "bad space",
            Connection {
                space_id: Some(format!("x{PASSWORD}")),
                ..with_auth(&kit, basic(USER, PASSWORD))
            },
        ),
        (
            "unreachable",
            Connection {
                base_url: "http://127.0.0.1:9".into(),
                timeout_ms: Some(2_000),
                ..with_auth(&kit, basic(USER, PASSWORD))
            },
        ),
    ] {
        every_operation(
            kit.h,
            &conn,
            (&case_id, &version, &comment_id),
            tag,
            &mut seen,
        );
    }
    assert!(kit.requests().is_empty(), "nothing reached Kibana");
    seen.assert_clean();
}

#[test]
fn connector_secrets_never_show() {
    let kit = kit();
    let conn = with_auth(&kit, Auth::ApiKey(KEY.into()));
    let mut seen = Seen::default();
    // Success: sent to Kibana, never in the output.
    let r = kit
        .h
        .create_connector(&conn, &connector(Some(secrets_json())));
    let req = kit.only_request();
    assert_eq!(
        req.body_json().unwrap()["secrets"]["apiToken"],
        CONN_TOKEN,
        "Kibana gets the secrets"
    );
    assert!(format!("{req:?}").contains("bytes"));
    seen.add("simulator request Debug", format!("{req:?}"));
    seen.result("success", r);
    // Invalid secrets: the message says what is wrong, not what was given.
    for (i, text) in [
        format!("[\"{CONN_TOKEN}\"]"),
        format!("{{\"apiToken\": {CONN_TOKEN}}}"),
        format!("{{\"apiToken\": \"{CONN_TOKEN}\""),
        CONN_TOKEN.to_owned(),
        format!("\"{CONN_TOKEN}\""),
    ]
    .into_iter()
    .enumerate()
    {
        kit.sim.clear_requests();
        let r = kit.h.create_connector(&conn, &connector(Some(text)));
        assert!(kit.requests().is_empty());
        seen.result(&format!("invalid secrets #{i}"), r);
    }
    // Kibana (or a proxy) echoing the secrets in an error, for each status class.
    for (status, body) in echo_bodies(&Auth::ApiKey(KEY.into()), true) {
        kit.sim.inject(Fault::Status(status, body));
        let r = kit
            .h
            .create_connector(&conn, &connector(Some(secrets_json())));
        seen.result(&format!("echo {status}"), r);
    }
    // Secrets in config (where they do not belong) are the caller's business, but
    // connector secrets given as a string holding JSON are handled the same way.
    kit.sim.inject(Fault::Status(
        400,
        json!({"message": format!("bad {CONN_TOKEN}")}).to_string(),
    ));
    let r = kit
        .h
        .create_connector(&conn, &connector(Some(format!("  {}  ", secrets_json()))));
    seen.result("padded secrets echo", r);
    seen.assert_clean();
}

/// The CLI binary: stdout and stderr of success, 401, an echoing error, a 2xx that
/// does not decode, invalid input, a usage error and a connector with Secrets, with the
/// key and the password given as flags and as environment variables. (Each run
/// compiles the component, so the runs are few.)
#[test]
fn cli_never_shows_credentials() {
    let kit = kit();
    let (case_id, _, _) = fixture(&kit);
    let url = kit.sim.url();
    let mut seen = Seen::default();
    let run = |op: &str, input: &str, flags: &[&str], envs: &[(&str, &str)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_elastic-security"));
        for var in [
            "KIBANA_URL",
            "KIBANA_API_KEY",
            "KIBANA_USERNAME",
            "KIBANA_PASSWORD",
        ] {
            cmd.env_remove(var);
        }
        cmd.args(["call", op, "--url", &url, "--input", input])
            .args(flags)
            .envs(envs.iter().copied());
        let out = cmd.output().expect("the binary runs");
        format!(
            "exit {:?}\nstdout: {}\nstderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let key_flags = ["--api-key", KEY];
    let basic_flags = ["--username", USER, "--password", PASSWORD];
    let key_auth = Auth::ApiKey(KEY.into());
    let basic_auth = basic(USER, PASSWORD);
    let connector_input = json!({"Name": "n", "ConnectorTypeId": ".index",
        "Config": {"index": "x"},
        "Secrets": {"apiToken": CONN_TOKEN, "password": CONN_PASSWORD}})
    .to_string();
    let get_case = json!({"CaseId": case_id, "IncludeComments": true}).to_string();

    // Successes.
    seen.add(
        "cli key connector",
        run("create-connector", &connector_input, &key_flags, &[]),
    );
    seen.add(
        "cli key get-case",
        run("get-case", &get_case, &key_flags, &[]),
    );
    seen.add(
        "cli basic get-case",
        run("get-case", &get_case, &basic_flags, &[]),
    );
    seen.add(
        "cli env key get-many-cases",
        run("get-many-cases", "{}", &[], &[("KIBANA_API_KEY", KEY)]),
    );
    // 401s.
    seen.add(
        "cli wrong key",
        run("get-case", &get_case, &["--api-key", WRONG_KEY], &[]),
    );
    seen.add(
        "cli wrong password from env",
        run(
            "get-many-cases",
            "{}",
            &[],
            &[
                ("KIBANA_USERNAME", USER),
                ("KIBANA_PASSWORD", WRONG_PASSWORD),
            ],
        ),
    );
    // Echoing answers: an error and a 2xx that does not decode.
    for (tag, flags, auth, op, input, connector) in [
        (
            "key",
            &key_flags[..],
            &key_auth,
            "get-case",
            get_case.as_str(),
            false,
        ),
        (
            "basic",
            &basic_flags[..],
            &basic_auth,
            "get-case",
            get_case.as_str(),
            false,
        ),
        (
            "key",
            &key_flags[..],
            &key_auth,
            "create-connector",
            connector_input.as_str(),
            true,
        ),
    ] {
        for index in [0, 8] {
            let (status, body) = echo_bodies(auth, connector).swap_remove(index);
            kit.sim.inject(Fault::Status(status, body));
            seen.add(
                format!("cli {tag} {op} echo {status}"),
                run(op, input, flags, &[]),
            );
        }
    }
    // Invalid input, bad secrets, a usage error, header splitting, with credentials.
    seen.add(
        "cli invalid",
        run("get-many-cases", r#"{"PerPage":0}"#, &basic_flags, &[]),
    );
    let bad_secrets = json!({"Name": "n", "ConnectorTypeId": ".index",
        "Secrets": format!("[\"{CONN_TOKEN}\"]")})
    .to_string();
    seen.add(
        "cli bad secrets",
        run("create-connector", &bad_secrets, &key_flags, &[]),
    );
    seen.add(
        "cli usage error",
        run("get-case", &get_case, &["--bogus", "--api-key", KEY], &[]),
    );
    let crlf = format!("{PASSWORD}\n");
    seen.add(
        "cli crlf password",
        run(
            "get-many-cases",
            "{}",
            &["--username", USER, "--password", &crlf],
            &[],
        ),
    );
    let crlf = format!("{KEY}\r\nX-Evil: 1");
    seen.add(
        "cli crlf key",
        run("get-many-cases", "{}", &["--api-key", &crlf], &[]),
    );

    let all: String = seen.items.iter().map(|(_, t)| t.as_str()).collect();
    assert!(all.contains("\"StatusCode\": 401"), "{all}");
    assert!(all.contains("\"StatusCode\": 200"), "{all}");
    assert!(all.contains("<redacted>"), "{all}");
    seen.assert_clean();
}
