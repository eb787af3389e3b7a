//! Bad input, table-driven, end to end: every operation and every field, through the
//! real component against the simulator. Each row must give status -1, kind
//! `invalid-input`, a message naming the field (as the component names it: the WIT
//! field, `connection.*` for the connection), a short message (never the hostile value
//! itself), and nothing recorded by the simulator.

mod common;

use std::fmt::Debug;
use std::process::Command;

use common::*;
use host_test::cli::{contract, operations};
use host_test::harness::bindings::{
    case_comments, cases, connectors, Auth, BasicCredentials, CaseConnectorType, CaseStatus,
    CommentType, Connection, ErrorKind,
};
use host_test::harness::Failure;
use host_test::harness::Harness;
use serde_json::{json, Value};

/// What a row produced: the success rendered with `Debug`, or the error.
type Outcome = Result<String, Failure>;
type Call = Box<dyn Fn(&Harness, &Connection) -> Outcome>;

/// One row of a table: what is wrong, the field the message must name, the call.
struct Row {
    what: String,
    field: &'static str,
    call: Call,
}

fn row(
    what: impl Into<String>,
    field: &'static str,
    call: impl Fn(&Harness, &Connection) -> Outcome + 'static,
) -> Row {
    Row {
        what: what.into(),
        field,
        call: Box::new(call),
    }
}

/// A trap (a bug: the component must never trap) is reported as status -999, so the
/// table names the row instead of stopping at it.
fn out<T: Debug>(r: anyhow::Result<Result<T, Failure>>) -> Outcome {
    match r {
        Ok(r) => r.map(|v| format!("{v:?}")),
        Err(trap) => Err(Failure {
            status_code: -999,
            kind: ErrorKind::ServerError,
            message: format!(
                "TRAP: {}",
                format!("{trap:#}").chars().take(300).collect::<String>()
            ),
            retryable: false,
        }),
    }
}

/// Two mebibytes of text.
fn huge() -> String {
    "x".repeat(2 * 1024 * 1024)
}

/// Two mebibytes of two-byte characters (one UTF-16 unit each).
fn huge_utf8() -> String {
    "é".repeat(1024 * 1024)
}

/// Runs every row against the kit's connection (or the row's own) and reports every
/// row that did not behave, all at once.
fn check_rows(kit: &Kit, conn: &Connection, rows: Vec<Row>) {
    let mut failures = Vec::new();
    let total = rows.len();
    for row in rows {
        kit.sim.clear_requests();
        let result = (row.call)(kit.h, conn);
        let sent = kit.requests();
        let problem = match &result {
            Ok(v) => Some(format!(
                "accepted: {}",
                v.chars().take(200).collect::<String>()
            )),
            Err(e) if e.status_code != -1 || e.kind != ErrorKind::InvalidInput => Some(format!(
                "status {} kind {:?}: {}",
                e.status_code,
                e.kind,
                e.message.chars().take(200).collect::<String>()
            )),
            Err(e) if !e.message.contains(row.field) => Some(format!(
                "message does not name `{}`: {}",
                row.field, e.message
            )),
            Err(e) if e.message.len() > 1024 => Some(format!(
                "message is {} bytes long (it quotes the value?)",
                e.message.len()
            )),
            Err(_) if !sent.is_empty() => Some(format!("requests were sent: {sent:?}")),
            Err(_) => None,
        };
        if let Some(problem) = problem {
            failures.push(format!("{}: {problem}", row.what));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} rows failed:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

/// A case and one of its comments, with the simulator's request log cleared, so that
/// a row the component wrongly accepts would really reach (and change) Kibana.
fn fixture(kit: &Kit) -> (String, String, String) {
    let c = kit
        .h
        .create_case(&kit.conn(), &case_input("fixture"))
        .unwrap()
        .expect("create-case")
        .kibana_case;
    let comment = kit
        .h
        .add_comment(&kit.conn(), &user_comment(&c.case_id, "first"))
        .unwrap()
        .expect("add-comment");
    kit.sim.clear_requests();
    (c.case_id, c.version, comment.comment_id)
}

fn update_input(case_id: &str, version: &str) -> cases::UpdateCaseInput {
    cases::UpdateCaseInput {
        case_id: case_id.into(),
        version: version.into(),
        title: None,
        description: None,
        status: Some(CaseStatus::InProgress),
        severity: None,
        tags: None,
        assignees: None,
    }
}

fn connector_input() -> connectors::CreateConnectorInput {
    connectors::CreateConnectorInput {
        name: "an index connector".into(),
        connector_type_id: ".index".into(),
        config: Some(r#"{"index":"audit"}"#.into()),
        secrets: None,
        description: None,
    }
}

/// Every one of the 14 operations with valid input (for the connection rows).
fn all_operations(case_id: &str, version: &str, comment_id: &str) -> Vec<(&'static str, Call)> {
    let (id, v, cid) = (
        case_id.to_owned(),
        version.to_owned(),
        comment_id.to_owned(),
    );
    let mut list: Vec<(&'static str, Call)> = Vec::new();
    list.push((
        "create-case",
        Box::new(|h, c| out(h.create_case(c, &case_input("ok")))),
    ));
    let i = id.clone();
    list.push((
        "delete-case",
        Box::new(move |h, c| {
            out(h.delete_case(
                c,
                &cases::DeleteCaseInput {
                    case_ids: vec![i.clone()],
                    max_in_flight: None,
                },
            ))
        }),
    ));
    let i = id.clone();
    list.push((
        "get-case",
        Box::new(move |h, c| {
            out(h.get_case(
                c,
                &cases::GetCaseInput {
                    case_id: i.clone(),
                    include_comments: true,
                    max_in_flight: None,
                },
            ))
        }),
    ));
    list.push((
        "get-many-cases",
        Box::new(|h, c| out(h.get_many_cases(c, &many_cases()))),
    ));
    let i = id.clone();
    list.push((
        "get-case-status",
        Box::new(move |h, c| out(h.get_case_status(c, &i))),
    ));
    let (i, ver) = (id.clone(), v.clone());
    list.push((
        "update-case",
        Box::new(move |h, c| out(h.update_case(c, &update_input(&i, &ver)))),
    ));
    let i = id.clone();
    list.push((
        "add-comment",
        Box::new(move |h, c| out(h.add_comment(c, &user_comment(&i, "hi")))),
    ));
    let (i, ci) = (id.clone(), cid.clone());
    list.push((
        "get-comment",
        Box::new(move |h, c| out(h.get_comment(c, &i, &ci))),
    ));
    let i = id.clone();
    list.push((
        "get-many-comments",
        Box::new(move |h, c| {
            out(h.get_many_comments(
                c,
                &case_comments::GetManyCommentsInput {
                    case_id: i.clone(),
                    page: None,
                    per_page: None,
                    return_all: false,
                    limit: None,
                    max_in_flight: None,
                },
            ))
        }),
    ));
    let (i, ci) = (id.clone(), cid.clone());
    list.push((
        "remove-comment",
        Box::new(move |h, c| out(h.remove_comment(c, &i, &ci))),
    ));
    let (i, ci) = (id.clone(), cid.clone());
    list.push((
        "update-comment",
        Box::new(move |h, c| {
            out(h.update_comment(
                c,
                &case_comments::UpdateCommentInput {
                    case_id: i.clone(),
                    comment_id: ci.clone(),
                    comment: "edited".into(),
                    version: "WzEsMV0=".into(),
                },
            ))
        }),
    ));
    let i = id.clone();
    list.push((
        "add-tag",
        Box::new(move |h, c| out(h.add_tag(c, &i, &strings(&["new"])))),
    ));
    let i = id;
    list.push((
        "remove-tag",
        Box::new(move |h, c| out(h.remove_tag(c, &i, &strings(&["new"])))),
    ));
    list.push((
        "create-connector",
        Box::new(|h, c| out(h.create_connector(c, &connector_input()))),
    ));
    list
}

/// The baseline of every table is valid: each operation with the kit's connection
/// reaches Kibana (so a -1 in a row is the row's doing).
#[test]
fn baseline_operations_are_valid() {
    let kit = Kit::new();
    let (id, version, comment_id) = fixture(&kit);
    let ops = all_operations(&id, &version, &comment_id);
    assert_eq!(ops.len(), 14);
    for (name, call) in ops {
        kit.sim.clear_requests();
        let r = call(kit.h, &kit.conn());
        if let Err(e) = &r {
            assert_ne!(e.status_code, -1, "{name}: {e:?}");
        }
        assert!(!kit.requests().is_empty(), "{name} sent nothing");
    }
}

/// Every bad connection, for every operation.
#[test]
fn bad_connection_every_operation() {
    let kit = Kit::new();
    let (id, version, comment_id) = fixture(&kit);
    let good = kit.conn();
    let url = kit.sim.url();
    let port = kit.sim.addr().port();
    let with_url = |u: String| Connection {
        base_url: u,
        ..good.clone()
    };
    let with_space = |s: String| Connection {
        space_id: Some(s),
        ..good.clone()
    };
    let with_key = |k: String| Connection {
        auth: Some(Auth::ApiKey(k)),
        ..good.clone()
    };
    let with_basic = |u: String, p: String| Connection {
        auth: Some(Auth::Basic(BasicCredentials {
            username: u,
            password: p,
        })),
        ..good.clone()
    };
    let mut conns: Vec<(String, &'static str, Connection)> = Vec::new();
    let mut push = |what: String, field: &'static str, c: Connection| conns.push((what, field, c));

    const URL: &str = "connection.base-url";
    for u in [
        String::new(),
        "   ".into(),
        format!("ftp://127.0.0.1:{port}"),
        format!("127.0.0.1:{port}"),
        "javascript:alert(1)".into(),
        "file:///etc/passwd".into(),
        format!("{url}/?x=1"),
        format!("{url}?x=1"),
        format!("{url}#frag"),
        format!("{url}/kibana#"),
        format!("http://user:pw@127.0.0.1:{port}"),
        "http://".into(),
        "http://:5601".into(),
        "http://127.0.0.1:0".into(),
        "http://127.0.0.1:99999".into(),
        format!("{url}\r\nX-Evil: 1"),
        format!("{url}/a b"),
        format!("{url}/\u{0}"),
        format!("http://{}", "a".repeat(2 * 1024 * 1024)),
        format!("{url}/{}", huge()),
    ] {
        let shown: String = u.escape_debug().take(60).collect();
        push(format!("base-url {shown}"), URL, with_url(u));
    }

    const SPACE: &str = "connection.space-id";
    for s in [
        "Security".to_owned(),
        "DEFAULT".into(),
        "a/b".into(),
        "a b".into(),
        " ".into(),
        "\t".into(),
        " security".into(),
        ".".into(),
        "..".into(),
        "../default".into(),
        "a.b".into(),
        "a?b".into(),
        "a#b".into(),
        "a%2Fb".into(),
        "é".into(),
        "🚨".into(),
        "s\r\n".into(),
        "x".repeat(256),
        huge(),
    ] {
        let shown: String = s.escape_debug().take(60).collect();
        push(format!("space-id {shown}"), SPACE, with_space(s));
    }

    const TIMEOUT: &str = "connection.timeout-ms";
    for t in [0, 600_001, u32::MAX] {
        push(
            format!("timeout-ms {t}"),
            TIMEOUT,
            Connection {
                timeout_ms: Some(t),
                ..good.clone()
            },
        );
    }

    const KEY: &str = "connection.auth.api-key";
    for k in [
        String::new(),
        "   ".into(),
        "k\r\nx-evil: 1".into(),
        "k\n".into(),
        "k\r".into(),
        "k\0".into(),
        "k\u{7f}".into(),
        "k\u{85}".into(),
        "\u{1b}[31mk".into(),
        "k\tk".into(),
        "k k".into(),
        "ключ".into(),
        "a".repeat(2 * 1024 * 1024),
    ] {
        let shown: String = k.escape_debug().take(40).collect();
        push(format!("api-key {shown}"), KEY, with_key(k));
    }

    const USER: &str = "connection.auth.username";
    const PASS: &str = "connection.auth.password";
    for (u, p, field) in [
        (String::new(), "changeme".to_owned(), USER),
        ("  ".into(), "changeme".into(), USER),
        ("a:b".into(), "changeme".into(), USER),
        ("elastic\r\nX-Evil: 1".into(), "changeme".into(), USER),
        ("elastic\0".into(), "changeme".into(), USER),
        (huge(), "changeme".into(), USER),
        ("elastic".into(), "pw\r\nX-Evil: 1".into(), PASS),
        ("elastic".into(), "pw\n".into(), PASS),
        ("elastic".into(), "pw\0".into(), PASS),
        ("elastic".into(), huge(), PASS),
    ] {
        let shown = format!(
            "{}/{}",
            u.escape_debug().take(30).collect::<String>(),
            p.escape_debug().take(30).collect::<String>()
        );
        push(format!("basic {shown}"), field, with_basic(u, p));
    }

    let mut failures = Vec::new();
    let mut total = 0;
    for (name, call) in all_operations(&id, &version, &comment_id) {
        for (what, field, conn) in &conns {
            total += 1;
            kit.sim.clear_requests();
            let r = call(kit.h, conn);
            let sent = kit.requests();
            let ok = matches!(&r, Err(e) if e.status_code == -1
                && e.kind == ErrorKind::InvalidInput
                && e.message.contains(field)
                && e.message.len() <= 1024);
            if !ok || !sent.is_empty() {
                let shown = match &r {
                    Ok(v) => format!("accepted {}", v.chars().take(120).collect::<String>()),
                    Err(e) => format!(
                        "{} {:?} {}",
                        e.status_code,
                        e.kind,
                        e.message.chars().take(200).collect::<String>()
                    ),
                };
                failures.push(format!("{name} / {what}: {shown}; sent {}", sent.len()));
            }
        }
    }
    assert_eq!(kit.sim.case_count("default"), 1, "nothing was created");
    assert!(
        failures.is_empty(),
        "{} of {total} failed:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

/// The valid space ids at the edge of Kibana's rules are accepted (not over-refused).
#[test]
fn edge_space_ids_and_credentials_are_accepted() {
    let kit = Kit::new();
    for space in ["", "default"] {
        let r = kit.h.get_many_cases(&kit.conn_in(space), &many_cases());
        assert!(r.unwrap().is_ok(), "space {space:?}");
    }
    // Unknown (but valid) spaces reach Kibana, which answers 404.
    for space in ["-", "_", "0", "a-b_c-9", &"z".repeat(255)] {
        kit.sim.clear_requests();
        let e = kit
            .h
            .get_many_cases(&kit.conn_in(space), &many_cases())
            .unwrap()
            .expect_err("no such space");
        assert_eq!(e.status_code, 404, "{space}: {e:?}");
        assert_eq!(
            kit.only_request().path,
            format!("/s/{space}/api/cases/_find")
        );
    }
    // Basic auth with a password of any printable characters is fine.
    let conn = Connection {
        auth: Some(Auth::Basic(BasicCredentials {
            username: "elastic".into(),
            password: "pä ss:wörd 🔑".into(),
        })),
        ..kit.conn()
    };
    let e = kit
        .h
        .get_many_cases(&conn, &many_cases())
        .unwrap()
        .expect_err("wrong password");
    assert_eq!(e.status_code, 401);
}

#[test]
fn bad_case_fields() {
    let kit = Kit::new();
    let (id, version, _) = fixture(&kit);
    let mut rows = Vec::new();

    // create-case
    let create = |what: &str, field: &'static str, input: cases::CreateCaseInput| {
        row(format!("create-case {what}"), field, move |h, c| {
            out(h.create_case(c, &input))
        })
    };
    for (what, title) in [
        ("empty title", String::new()),
        ("blank title", "   ".into()),
        ("whitespace title", "\t\r\n \u{a0}".into()),
        ("161-char title", "t".repeat(161)),
        ("81 emoji title (162 UTF-16 units)", "😀".repeat(81)),
        ("2 MB title", huge()),
        ("2 MB multibyte title", huge_utf8()),
    ] {
        rows.push(create(
            what,
            "title",
            cases::CreateCaseInput {
                title,
                ..case_input("x")
            },
        ));
    }
    for (what, description) in [
        ("30001-char description", "d".repeat(30_001)),
        ("2 MB description", huge()),
        ("2 MB multibyte description", huge_utf8()),
    ] {
        rows.push(create(
            what,
            "description",
            cases::CreateCaseInput {
                description: Some(description),
                ..case_input("x")
            },
        ));
    }
    for (what, tags) in [
        (
            "201 tags",
            (0..201).map(|i| format!("t{i}")).collect::<Vec<_>>(),
        ),
        (
            "201 tags in one item",
            vec![(0..201)
                .map(|i| format!("t{i}"))
                .collect::<Vec<_>>()
                .join(",")],
        ),
        ("257-char tag", vec!["t".repeat(257)]),
        ("2 MB tag", vec![huge()]),
    ] {
        rows.push(create(
            what,
            "tags",
            cases::CreateCaseInput {
                tags,
                ..case_input("x")
            },
        ));
    }
    for (what, assignees) in [
        (
            "11 assignees",
            (0..11).map(|i| format!("u{i}")).collect::<Vec<_>>(),
        ),
        (
            "11 assignees in one item",
            vec![(0..11)
                .map(|i| format!("u{i}"))
                .collect::<Vec<_>>()
                .join(",")],
        ),
    ] {
        rows.push(create(
            what,
            "assignees",
            cases::CreateCaseInput {
                assignees,
                ..case_input("x")
            },
        ));
    }
    for connector_id in [None, Some(String::new()), Some("  ".into())] {
        rows.push(create(
            &format!("jira connector without id ({connector_id:?})"),
            "connector-id",
            cases::CreateCaseInput {
                connector_type: Some(CaseConnectorType::Jira),
                connector_id,
                ..case_input("x")
            },
        ));
    }
    for (what, key) in [
        ("empty idempotency key", String::new()),
        ("blank idempotency key", "  ".into()),
        ("idempotency key with `:`", "alert:1".into()),
        ("idempotency key with `*`", "alert-*".into()),
        ("idempotency key with a newline", "alert\n1".into()),
        ("idempotency key with unicode", "alerté".into()),
        ("241-char idempotency key", "k".repeat(241)),
        ("2 MB idempotency key", huge()),
    ] {
        rows.push(create(
            what,
            "idempotency-key",
            cases::CreateCaseInput {
                idempotency_key: Some(key),
                ..case_input("x")
            },
        ));
    }
    rows.push(create(
        "200 tags and an idempotency key",
        "tags",
        cases::CreateCaseInput {
            tags: (0..200).map(|i| format!("t{i}")).collect(),
            idempotency_key: Some("k".into()),
            ..case_input("x")
        },
    ));

    // delete-case
    for (what, ids) in [
        ("no ids", vec![]),
        ("one empty id", strings(&[""])),
        ("blank ids", strings(&[" ", " , ", ","])),
        (
            "101 ids",
            (0..101).map(|i| format!("c{i}")).collect::<Vec<_>>(),
        ),
        ("a 2 MB id", vec![huge()]),
    ] {
        rows.push(row(
            format!("delete-case {what}"),
            "case-ids",
            move |h, c| {
                out(h.delete_case(
                    c,
                    &cases::DeleteCaseInput {
                        case_ids: ids.clone(),
                        max_in_flight: None,
                    },
                ))
            },
        ));
    }

    // max-in-flight of the operations that send requests together: validated
    // whether or not they would send more than one.
    for bad in [0, 17, u32::MAX] {
        rows.push(row(
            format!("delete-case max-in-flight {bad}"),
            "max-in-flight",
            move |h, c| {
                out(h.delete_case(
                    c,
                    &cases::DeleteCaseInput {
                        case_ids: strings(&["a", "b"]),
                        max_in_flight: Some(bad),
                    },
                ))
            },
        ));
        let get = cases::GetCaseInput {
            case_id: id.clone(),
            include_comments: true,
            max_in_flight: Some(bad),
        };
        rows.push(row(
            format!("get-case max-in-flight {bad}"),
            "max-in-flight",
            move |h, c| out(h.get_case(c, &get)),
        ));
        for return_all in [true, false] {
            rows.push(row(
                format!("get-many-cases return-all {return_all} max-in-flight {bad}"),
                "max-in-flight",
                move |h, c| {
                    out(h.get_many_cases(
                        c,
                        &cases::GetManyCasesInput {
                            return_all,
                            max_in_flight: Some(bad),
                            ..many_cases()
                        },
                    ))
                },
            ));
        }
    }

    // get-case, get-case-status
    for (what, case_id) in [
        ("empty", String::new()),
        ("blank", " \t\n".into()),
        ("2 MB", huge()),
    ] {
        let cid = case_id.clone();
        rows.push(row(
            format!("get-case {what} id"),
            "case-id",
            move |h, c| {
                out(h.get_case(
                    c,
                    &cases::GetCaseInput {
                        case_id: cid.clone(),
                        include_comments: false,
                        max_in_flight: None,
                    },
                ))
            },
        ));
        rows.push(row(
            format!("get-case-status {what} id"),
            "case-id",
            move |h, c| out(h.get_case_status(c, &case_id)),
        ));
    }

    // get-many-cases
    let many = |what: &str, field: &'static str, input: cases::GetManyCasesInput| {
        row(format!("get-many-cases {what}"), field, move |h, c| {
            out(h.get_many_cases(c, &input))
        })
    };
    for (what, page, per_page, field) in [
        ("page 0", Some(0), None, "page"),
        ("per-page 0", None, Some(0), "per-page"),
        ("per-page 101", None, Some(101), "per-page"),
        ("per-page u32::MAX", None, Some(u32::MAX), "per-page"),
        ("page 101 x 100", Some(101), Some(100), "page"),
        ("page 501 x default 20", Some(501), None, "page"),
        ("page u32::MAX", Some(u32::MAX), Some(100), "page"),
    ] {
        rows.push(many(
            what,
            field,
            cases::GetManyCasesInput {
                page,
                per_page,
                ..many_cases()
            },
        ));
    }
    for fields in [
        strings(&["tags"]),
        strings(&["title,owner"]),
        strings(&["Title"]),
    ] {
        rows.push(many(
            &format!("search-fields {fields:?}"),
            "search-fields",
            cases::GetManyCasesInput {
                search_fields: fields,
                ..many_cases()
            },
        ));
    }
    rows.push(many(
        "101 assignees",
        "assignees",
        cases::GetManyCasesInput {
            assignees: (0..101).map(|i| format!("u{i}")).collect(),
            ..many_cases()
        },
    ));

    // update-case
    let update = |what: &str, field: &'static str, input: cases::UpdateCaseInput| {
        row(format!("update-case {what}"), field, move |h, c| {
            out(h.update_case(c, &input))
        })
    };
    let base = update_input(&id, &version);
    for case_id in ["", "  ", &huge()] {
        rows.push(update(
            &format!("case-id of {} bytes", case_id.len()),
            "case-id",
            cases::UpdateCaseInput {
                case_id: case_id.into(),
                ..base.clone()
            },
        ));
    }
    for v in ["", " \n"] {
        rows.push(update(
            &format!("version {v:?}"),
            "version",
            cases::UpdateCaseInput {
                version: v.into(),
                ..base.clone()
            },
        ));
    }
    rows.push(update(
        "no field to change",
        "update-case",
        cases::UpdateCaseInput {
            status: None,
            ..base.clone()
        },
    ));
    for (what, title) in [
        ("empty title", String::new()),
        ("blank title", "  \t".into()),
        ("161-char title", "t".repeat(161)),
        ("2 MB title", huge()),
    ] {
        rows.push(update(
            what,
            "title",
            cases::UpdateCaseInput {
                title: Some(title),
                ..base.clone()
            },
        ));
    }
    for (what, description) in [
        ("empty description", String::new()),
        ("blank description", "\n\n".into()),
        ("30001-char description", "d".repeat(30_001)),
        ("2 MB description", huge()),
    ] {
        rows.push(update(
            what,
            "description",
            cases::UpdateCaseInput {
                description: Some(description),
                ..base.clone()
            },
        ));
    }
    for (what, tags) in [
        (
            "201 tags",
            (0..201).map(|i| format!("t{i}")).collect::<Vec<_>>(),
        ),
        ("257-char tag", vec!["t".repeat(257)]),
        ("2 MB tag", vec![huge()]),
    ] {
        rows.push(update(
            what,
            "tags",
            cases::UpdateCaseInput {
                tags: Some(tags),
                ..base.clone()
            },
        ));
    }
    rows.push(update(
        "11 assignees",
        "assignees",
        cases::UpdateCaseInput {
            assignees: Some((0..11).map(|i| format!("u{i}")).collect()),
            ..base.clone()
        },
    ));

    check_rows(&kit, &kit.conn(), rows);
    assert_eq!(kit.sim.case_count("default"), 1, "nothing was created");
}

#[test]
fn bad_comment_fields() {
    let kit = Kit::new();
    let (id, _, comment_id) = fixture(&kit);
    let mut rows = Vec::new();

    let add = |what: &str, field: &'static str, input: case_comments::AddCommentInput| {
        row(format!("add-comment {what}"), field, move |h, c| {
            out(h.add_comment(c, &input))
        })
    };
    let base = user_comment(&id, "text");
    for case_id in ["", " ", &huge()] {
        rows.push(add(
            &format!("case-id of {} bytes", case_id.len()),
            "case-id",
            case_comments::AddCommentInput {
                case_id: case_id.into(),
                ..base.clone()
            },
        ));
    }
    for (what, comment) in [
        ("no comment", None),
        ("empty comment", Some(String::new())),
        ("blank comment", Some(" \r\n\t ".into())),
        ("30001-char comment", Some("c".repeat(30_001))),
        ("2 MB comment", Some(huge())),
        ("2 MB multibyte comment", Some(huge_utf8())),
    ] {
        rows.push(add(
            what,
            "comment",
            case_comments::AddCommentInput {
                comment: comment.clone(),
                ..base.clone()
            },
        ));
        rows.push(add(
            &format!("explicit user type, {what}"),
            "comment",
            case_comments::AddCommentInput {
                comment,
                comment_type: Some(CommentType::User),
                ..base.clone()
            },
        ));
    }
    for (what, alert_id) in [
        ("alert without alert-id", None),
        ("alert with empty alert-id", Some(String::new())),
        ("alert with blank alert-id", Some("   ".into())),
        ("alert with a 2 MB alert-id", Some(huge())),
    ] {
        rows.push(add(
            what,
            "alert-id",
            case_comments::AddCommentInput {
                comment: None,
                comment_type: Some(CommentType::Alert),
                alert_id,
                ..base.clone()
            },
        ));
    }

    for (what, case_id, cid, field) in [
        (
            "empty case-id",
            String::new(),
            comment_id.clone(),
            "case-id",
        ),
        ("blank case-id", " ".into(), comment_id.clone(), "case-id"),
        ("2 MB case-id", huge(), comment_id.clone(), "case-id"),
        ("empty comment-id", id.clone(), String::new(), "comment-id"),
        ("blank comment-id", id.clone(), "\t".into(), "comment-id"),
        ("2 MB comment-id", id.clone(), huge(), "comment-id"),
    ] {
        let (a, b) = (case_id.clone(), cid.clone());
        rows.push(row(format!("get-comment {what}"), field, move |h, c| {
            out(h.get_comment(c, &a, &b))
        }));
        let (a, b) = (case_id.clone(), cid.clone());
        rows.push(row(format!("remove-comment {what}"), field, move |h, c| {
            out(h.remove_comment(c, &a, &b))
        }));
        rows.push(row(format!("update-comment {what}"), field, move |h, c| {
            out(h.update_comment(
                c,
                &case_comments::UpdateCommentInput {
                    case_id: case_id.clone(),
                    comment_id: cid.clone(),
                    comment: "edited".into(),
                    version: "WzEsMV0=".into(),
                },
            ))
        }));
    }
    let upd = case_comments::UpdateCommentInput {
        case_id: id.clone(),
        comment_id: comment_id.clone(),
        comment: "edited".into(),
        version: "WzEsMV0=".into(),
    };
    for (what, comment, version, field) in [
        ("empty comment", String::new(), "WzEsMV0=", "comment"),
        ("blank comment", "  \n".into(), "WzEsMV0=", "comment"),
        (
            "30001-char comment",
            "c".repeat(30_001),
            "WzEsMV0=",
            "comment",
        ),
        ("2 MB comment", huge(), "WzEsMV0=", "comment"),
        ("empty version", "edited".into(), "", "version"),
        ("blank version", "edited".into(), " \t", "version"),
    ] {
        let input = case_comments::UpdateCommentInput {
            comment,
            version: version.into(),
            ..upd.clone()
        };
        rows.push(row(format!("update-comment {what}"), field, move |h, c| {
            out(h.update_comment(c, &input))
        }));
    }

    let page = |what: &str, field: &'static str, p: Option<u32>, pp: Option<u32>| {
        let case_id = id.clone();
        row(format!("get-many-comments {what}"), field, move |h, c| {
            out(h.get_many_comments(
                c,
                &case_comments::GetManyCommentsInput {
                    case_id: case_id.clone(),
                    page: p,
                    per_page: pp,
                    return_all: false,
                    limit: None,
                    max_in_flight: None,
                },
            ))
        })
    };
    rows.push(page("page 0", "page", Some(0), Some(10)));
    rows.push(page("per-page 0", "per-page", Some(1), Some(0)));
    rows.push(page("per-page 101", "per-page", None, Some(101)));
    rows.push(page("page 101 x 100", "page", Some(101), Some(100)));
    rows.push(page("page 10001 x 1", "page", Some(10_001), Some(1)));
    for bad in [0, 17, u32::MAX] {
        let input = case_comments::GetManyCommentsInput {
            case_id: id.clone(),
            page: None,
            per_page: None,
            return_all: true,
            limit: None,
            max_in_flight: Some(bad),
        };
        rows.push(row(
            format!("get-many-comments max-in-flight {bad}"),
            "max-in-flight",
            move |h, c| out(h.get_many_comments(c, &input)),
        ));
    }
    for case_id in ["", " ", &huge()] {
        let input = case_comments::GetManyCommentsInput {
            case_id: case_id.into(),
            page: None,
            per_page: None,
            return_all: false,
            limit: None,
            max_in_flight: None,
        };
        rows.push(row(
            format!("get-many-comments case-id of {} bytes", case_id.len()),
            "case-id",
            move |h, c| out(h.get_many_comments(c, &input)),
        ));
    }

    check_rows(&kit, &kit.conn(), rows);
}

#[test]
fn bad_tag_fields() {
    let kit = Kit::new();
    let (id, _, _) = fixture(&kit);
    let mut rows = Vec::new();
    for (what, case_id, tags, field) in [
        ("empty case-id", String::new(), strings(&["a"]), "case-id"),
        ("blank case-id", "  ".into(), strings(&["a"]), "case-id"),
        ("2 MB case-id", huge(), strings(&["a"]), "case-id"),
        ("no tags", id.clone(), vec![], "tags"),
        ("empty tag", id.clone(), strings(&[""]), "tags"),
        (
            "blank tags",
            id.clone(),
            strings(&[" ", " , ,", "\t"]),
            "tags",
        ),
        ("257-char tag", id.clone(), vec!["t".repeat(257)], "tags"),
        ("2 MB tag", id.clone(), vec![huge()], "tags"),
    ] {
        let (a, t) = (case_id.clone(), tags.clone());
        rows.push(row(format!("add-tag {what}"), field, move |h, c| {
            out(h.add_tag(c, &a, &t))
        }));
        rows.push(row(format!("remove-tag {what}"), field, move |h, c| {
            out(h.remove_tag(c, &case_id, &tags))
        }));
    }
    // More distinct tags than any case can hold cannot be added.
    let many: Vec<String> = (0..201).map(|i| format!("t{i}")).collect();
    let i = id.clone();
    rows.push(row("add-tag 201 tags", "tags", move |h, c| {
        out(h.add_tag(c, &i, &many))
    }));
    check_rows(&kit, &kit.conn(), rows);
}

#[test]
fn bad_connector_fields() {
    let kit = Kit::new();
    let mut rows = Vec::new();
    let base = connector_input();
    let mut push = |what: &str, field: &'static str, input: connectors::CreateConnectorInput| {
        rows.push(row(
            format!("create-connector {what}"),
            field,
            move |h, c| out(h.create_connector(c, &input)),
        ));
    };
    for name in ["", "   ", "\n\t"] {
        push(
            &format!("name {name:?}"),
            "name",
            connectors::CreateConnectorInput {
                name: name.into(),
                ..base.clone()
            },
        );
    }
    for type_id in ["", "  ", "index", "jira.", "/api/x"] {
        push(
            &format!("connector-type-id {type_id:?}"),
            "connector-type-id",
            connectors::CreateConnectorInput {
                connector_type_id: type_id.into(),
                ..base.clone()
            },
        );
    }
    for (field, text) in [
        ("config", "[1,2]"),
        ("config", "\"{}\""),
        ("config", "42"),
        ("config", "null"),
        ("config", "true"),
        ("config", "{"),
        ("config", "{\"a\":1} trailing"),
        ("config", "not json"),
        ("secrets", "[\"s3cr3t\"]"),
        ("secrets", "\"s3cr3t\""),
        ("secrets", "12345"),
        ("secrets", "null"),
        ("secrets", "{\"token\": s3cr3t}"),
        ("secrets", "s3cr3t"),
    ] {
        let mut input = base.clone();
        if field == "config" {
            input.config = Some(text.into());
        } else {
            input.secrets = Some(text.into());
        }
        push(&format!("{field} {text:?}"), field, input);
    }
    check_rows(&kit, &kit.conn(), rows);
}

/// An error about secrets never quotes them.
#[test]
fn bad_secrets_message_does_not_quote_them() {
    let kit = Kit::new();
    for text in [
        "[\"hunter2-secret\"]",
        "{\"token\": hunter2-secret}",
        "hunter2-secret",
    ] {
        let input = connectors::CreateConnectorInput {
            secrets: Some(text.into()),
            ..connector_input()
        };
        let r = kit.h.create_connector(&kit.conn(), &input).unwrap();
        let e = r.expect_err("invalid");
        assert!(!format!("{e:?}").contains("hunter2"), "{e:?}");
        assert_invalid(&kit, Err::<(), _>(e), "secrets");
    }
}

/// The JSON path (the CLI's `ops`) can express what the typed API cannot: values
/// outside each enum, wrong JSON types, unknown keys. Each is -1 naming the key the
/// user typed, and nothing is sent.
#[test]
fn bad_enum_and_json_values_through_the_contract_keys() {
    let kit = Kit::new();
    let (id, version, _) = fixture(&kit);
    let rows: Vec<(&str, Value, &str)> = vec![
        ("create-case", json!({"Title": "x"}), "Owner"),
        ("create-case", json!({"Title": "x", "Owner": ""}), "Owner"),
        (
            "create-case",
            json!({"Title": "x", "Owner": "securitySolutions"}),
            "Owner",
        ),
        (
            "create-case",
            json!({"Title": "x", "Owner": "cases", "Severity": "urgent"}),
            "Severity",
        ),
        (
            "create-case",
            json!({"Title": "x", "Owner": "cases", "ConnectorType": ".email"}),
            "ConnectorType",
        ),
        (
            "create-case",
            json!({"Title": "x", "Owner": "cases", "Tags": {"a": 1}}),
            "Tags",
        ),
        (
            "create-case",
            json!({"Title": "x", "Owner": "cases", "Titel": "typo"}),
            "Titel",
        ),
        ("create-case", json!({"Owner": "cases"}), "Title"),
        (
            "create-case",
            json!({"Title": "   ", "Owner": "cases"}),
            "Title",
        ),
        (
            "create-case",
            json!({"Title": "t".repeat(161), "Owner": "cases"}),
            "Title",
        ),
        (
            "create-case",
            json!({"Title": "x", "Owner": "cases", "SpaceId": "Not A Space"}),
            "SpaceId",
        ),
        (
            "get-many-cases",
            json!({"SortField": "priority"}),
            "SortField",
        ),
        ("get-many-cases", json!({"SortOrder": "up"}), "SortOrder"),
        ("get-many-cases", json!({"Status": "resolved"}), "Status"),
        ("get-many-cases", json!({"Owner": "cases,siem"}), "Owner"),
        ("get-many-cases", json!({"Page": -1}), "Page"),
        ("get-many-cases", json!({"Page": "abc"}), "Page"),
        ("get-many-cases", json!({"Page": 0}), "Page"),
        ("get-many-cases", json!({"PerPage": 1.5}), "PerPage"),
        ("get-many-cases", json!({"PerPage": "101"}), "PerPage"),
        ("get-many-cases", json!({"PerPage": 0}), "PerPage"),
        (
            "get-many-cases",
            json!({"Page": 200, "PerPage": 100}),
            "Page",
        ),
        (
            "get-many-cases",
            json!({"SearchFields": "title,tags"}),
            "SearchFields",
        ),
        ("get-case", json!({}), "CaseId"),
        (
            "get-case",
            json!({"CaseId": id, "IncludeComments": "maybe"}),
            "IncludeComments",
        ),
        ("get-case-status", json!({"CaseId": ""}), "CaseId"),
        ("delete-case", json!({"CaseIds": ""}), "CaseIds"),
        ("delete-case", json!({"CaseIds": [1.5, {}]}), "CaseIds"),
        (
            "update-case",
            json!({"CaseId": id, "Version": version, "Status": "done"}),
            "Status",
        ),
        (
            "update-case",
            json!({"CaseId": id, "Version": version, "Severity": "p1"}),
            "Severity",
        ),
        (
            "update-case",
            json!({"CaseId": id, "Status": "closed"}),
            "Version",
        ),
        (
            "add-comment",
            json!({"CaseId": id, "Comment": "x", "CommentType": "note"}),
            "CommentType",
        ),
        (
            "add-comment",
            json!({"CaseId": id, "CommentType": "alert"}),
            "AlertId",
        ),
        ("add-comment", json!({"CaseId": id}), "Comment"),
        (
            "get-many-comments",
            json!({"CaseId": id, "PerPage": 101}),
            "PerPage",
        ),
        ("add-tag", json!({"CaseId": id, "Tags": " , "}), "Tags"),
        ("remove-tag", json!({"CaseId": id}), "Tags"),
        (
            "create-connector",
            json!({"Name": "n", "ConnectorTypeId": ".index", "Config": [1]}),
            "Config",
        ),
        (
            "create-connector",
            json!({"Name": "n", "ConnectorTypeId": ".index", "Secrets": "[1]"}),
            "Secrets",
        ),
        (
            "create-connector",
            json!({"Name": "n", "ConnectorTypeId": ".index", "Secrets": 42}),
            "Secrets",
        ),
        (
            "create-connector",
            json!({"Name": "n", "ConnectorTypeId": "index"}),
            "ConnectorTypeId",
        ),
    ];
    let mut failures = Vec::new();
    let total = rows.len();
    for (name, input, key) in rows {
        kit.sim.clear_requests();
        let op = operations::find(name).expect("an operation");
        let outcome = contract::run(kit.h, op, &input, kit.conn()).expect("no trap");
        let j = &outcome.json;
        let message = j["ErrorMessage"].as_str().unwrap_or_default();
        let good = !outcome.ok
            && j["StatusCode"] == -1
            && j["ErrorKind"] == "invalid-input"
            && message.contains(key)
            && kit.requests().is_empty();
        if !good {
            failures.push(format!(
                "{name} {input}: {j} (sent {})",
                kit.requests().len()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} failed:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

/// The same through the binary: exit status 1, StatusCode -1, the key named, nothing
/// sent, for bad enum values, a bad space and a header-splitting API key.
#[test]
fn bad_input_through_the_cli_binary() {
    let kit = Kit::new();
    let url = kit.sim.url();
    let run = |op: &str, input: &str, api_key: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_elastic-security"))
            .args([
                "call",
                op,
                "--url",
                &url,
                "--api-key",
                api_key,
                "--input",
                input,
            ])
            .env_remove("KIBANA_URL")
            .env_remove("KIBANA_API_KEY")
            .env_remove("KIBANA_USERNAME")
            .env_remove("KIBANA_PASSWORD")
            .output()
            .expect("the binary runs");
        let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is JSON ({e}): {} / {}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code(), json)
    };
    for (op, input, key, api_key) in [
        (
            "create-case",
            r#"{"Title":"x","Owner":"root"}"#,
            "Owner",
            API_KEY,
        ),
        (
            "get-many-cases",
            r#"{"SortOrder":"sideways"}"#,
            "SortOrder",
            API_KEY,
        ),
        ("get-many-cases", r#"{"PerPage":101}"#, "PerPage", API_KEY),
        (
            "get-many-cases",
            r#"{"SpaceId":"../../etc"}"#,
            "SpaceId",
            API_KEY,
        ),
        (
            "get-many-cases",
            r#"{}"#,
            "--api-key",
            "sim-api-key\r\nX-Evil: 1",
        ),
        (
            "add-comment",
            r#"{"CaseId":"c1","CommentType":"alert"}"#,
            "AlertId",
            API_KEY,
        ),
    ] {
        kit.sim.clear_requests();
        let (code, json) = run(op, input, api_key);
        assert_eq!(code, Some(1), "{op} {input}: {json}");
        assert_eq!(json["StatusCode"], -1, "{op} {input}: {json}");
        assert_eq!(json["ErrorKind"], "invalid-input", "{json}");
        let message = json["ErrorMessage"].as_str().unwrap_or_default();
        assert!(message.contains(key), "{op} {input}: {message}");
        assert!(kit.requests().is_empty(), "{op} sent {:?}", kit.requests());
    }
}
