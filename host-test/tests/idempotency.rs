//! Calls that are safe to repeat: create-case with an idempotency key (one lookup
//! by the marker tag, then the case found or a new case with the marker) and an
//! alert attached once, through the component against the simulator, looking at
//! the requests it received.

mod common;

use std::time::Duration;

use common::*;
use host_test::harness::bindings::{cases, CaseComment, Connection, ErrorKind, Owner};
use host_test::sim::Fault;

const KEY: &str = "alert-5f1c";
const MARKER: &str = "idempotency-key-alert-5f1c";

fn keyed(title: &str, key: &str) -> cases::CreateCaseInput {
    cases::CreateCaseInput {
        idempotency_key: Some(key.into()),
        ..case_input(title)
    }
}

/// The lookup's query, for an owner's name as Kibana spells it.
fn lookup_query(owner: &str) -> String {
    format!("tags={MARKER}&owner={owner}&sortField=createdAt&sortOrder=asc&page=1&perPage=1")
}

/// Every `(method path?query)` received.
fn lines(kit: &Kit) -> Vec<String> {
    kit.requests()
        .iter()
        .map(|r| match r.query.is_empty() {
            true => format!("{} {}", r.method, r.path),
            false => format!("{} {}?{}", r.method, r.path, r.query),
        })
        .collect()
}

fn find_line(prefix: &str, owner: &str) -> String {
    format!("GET {prefix}/api/cases/_find?{}", lookup_query(owner))
}

#[test]
fn key_not_found_creates_the_case_with_its_marker() {
    let kit = Kit::new();
    let created = kit
        .h
        .create_case(&kit.conn(), &keyed("Alert on host-17", KEY))
        .unwrap()
        .expect("created");
    assert!(created.created);
    assert_eq!(
        lines(&kit),
        [find_line("", "securitySolution"), "POST /api/cases".into()]
    );
    let post = &kit.requests()[1];
    let body: serde_json::Value = serde_json::from_slice(&post.body).unwrap();
    assert_eq!(body["tags"], serde_json::json!([MARKER]));
    assert_eq!(created.kibana_case.tags, [MARKER]);
    assert_eq!(kit.sim.case_count("default"), 1);
}

#[test]
fn key_found_returns_the_case_and_sends_no_post() {
    let kit = Kit::new();
    let conn = kit.conn();
    let first = kit
        .h
        .create_case(&conn, &keyed("Alert on host-17", KEY))
        .unwrap()
        .expect("created");
    kit.sim.clear_requests();
    // Another title, other tags: the key decides, the case found is returned as is.
    let again = cases::CreateCaseInput {
        tags: vec!["edr".into()],
        ..keyed("Alert on host-17, seen again", KEY)
    };
    let found = kit.h.create_case(&conn, &again).unwrap().expect("found");
    assert!(!found.created);
    assert_eq!(found.kibana_case.case_id, first.kibana_case.case_id);
    assert_eq!(found.kibana_case.title, "Alert on host-17");
    assert_eq!(lines(&kit), [find_line("", "securitySolution")]);
    assert_eq!(kit.sim.case_count("default"), 1);
}

/// A connection that gives up after 300 ms, and the simulator set to answer the
/// `passed` next requests normally and the one after them only after 5 s, having
/// carried it out at once (a Kibana that acted, and whose answer is lost).
fn late_answer_after(kit: &Kit, passed: usize) -> Connection {
    for _ in 0..passed {
        kit.sim.inject(Fault::Pass);
    }
    kit.sim.inject(Fault::LateAnswer(Duration::from_secs(5)));
    Connection {
        timeout_ms: Some(300),
        ..kit.conn()
    }
}

#[test]
fn a_retry_after_a_late_answer_finds_the_first_case() {
    let kit = Kit::new();
    // The lookup answers; Kibana creates the case but answers after the timeout.
    let quick = late_answer_after(&kit, 1);
    let e = kit
        .h
        .create_case(&quick, &keyed("Slow Kibana", KEY))
        .unwrap()
        .expect_err("timed out");
    assert_eq!((e.status_code, e.kind), (0, ErrorKind::Timeout), "{e:?}");
    assert!(e.retryable, "with a key, a timeout may be retried: {e:?}");
    assert_eq!(kit.sim.case_count("default"), 1, "Kibana created it");

    // The retry: the same call.
    let again = kit
        .h
        .create_case(&kit.conn(), &keyed("Slow Kibana", KEY))
        .unwrap()
        .expect("found");
    assert!(!again.created);
    assert_eq!(kit.sim.case_count("default"), 1, "no second case");
    assert_eq!(
        lines(&kit),
        [
            find_line("", "securitySolution"),
            "POST /api/cases".into(),
            find_line("", "securitySolution"),
        ]
    );
}

#[test]
fn with_a_key_a_5xx_or_a_dropped_connection_may_be_retried() {
    let kit = Kit::new();
    let conn = kit.conn();
    for fault in [Fault::Status500, Fault::Html502, Fault::Drop] {
        kit.sim.clear_requests();
        kit.sim.inject(Fault::Pass);
        kit.sim.inject(fault.clone());
        let e = kit
            .h
            .create_case(&conn, &keyed("Flaky Kibana", KEY))
            .unwrap()
            .expect_err("fault");
        assert!(e.retryable, "{fault:?}: {e:?}");
        assert_eq!(
            lines(&kit),
            [find_line("", "securitySolution"), "POST /api/cases".into()]
        );
    }
    // The same faults without a key: permanent (covered for every fault in
    // cases.rs); one here for contrast.
    kit.sim.inject(Fault::Status500);
    let e = kit
        .h
        .create_case(&conn, &case_input("Flaky Kibana"))
        .unwrap()
        .expect_err("500");
    assert!(!e.retryable, "{e:?}");
}

#[test]
fn invalid_keys_are_refused_and_nothing_is_sent() {
    let kit = Kit::new();
    let conn = kit.conn();
    for (key, problem) in [
        ("", "must not be empty"),
        ("alert:5f1c", "may hold only letters"),
        ("alert 5f1c", "may hold only letters"),
        ("alert*", "may hold only letters"),
        ("alerté", "may hold only letters"),
        (&"k".repeat(241), "must be at most 240 characters (got 241)"),
    ] {
        let e = kit
            .h
            .create_case(&conn, &keyed("x", key))
            .unwrap()
            .expect_err("invalid key");
        assert_eq!(
            (e.status_code, e.kind, e.retryable),
            (-1, ErrorKind::InvalidInput, false),
            "{key:?}: {e:?}"
        );
        assert!(
            e.message.starts_with("idempotency-key: ") && e.message.contains(problem),
            "{key:?}: {}",
            e.message
        );
        assert!(kit.requests().is_empty(), "{key:?}: {:?}", kit.requests());
    }
    assert_eq!(kit.sim.case_count("default"), 0);
}

#[test]
fn a_key_in_another_space_or_of_another_owner_does_not_match() {
    let kit = Kit::new();
    let security = kit.conn_in("security");
    let first = kit
        .h
        .create_case(&security, &keyed("In security", KEY))
        .unwrap()
        .expect("created");
    assert!(first.created);
    kit.sim.clear_requests();

    // The same key in the default space: a case of its own.
    let default = kit
        .h
        .create_case(&kit.conn(), &keyed("In default", KEY))
        .unwrap()
        .expect("created");
    assert!(default.created);
    assert_ne!(default.kibana_case.case_id, first.kibana_case.case_id);
    assert_eq!(
        lines(&kit),
        [find_line("", "securitySolution"), "POST /api/cases".into()]
    );

    // The same key and space, another owner: a case of its own.
    kit.sim.clear_requests();
    let other_owner = cases::CreateCaseInput {
        owner: Owner::Cases,
        ..keyed("Stack case", KEY)
    };
    let stack = kit
        .h
        .create_case(&security, &other_owner)
        .unwrap()
        .expect("created");
    assert!(stack.created);
    assert_eq!(
        lines(&kit),
        [
            find_line("/s/security", "cases"),
            "POST /s/security/api/cases".into()
        ]
    );
    assert_eq!(kit.sim.case_count("security"), 2);

    // And the first one is still found where it was made.
    kit.sim.clear_requests();
    let found = kit
        .h
        .create_case(&security, &keyed("In security", KEY))
        .unwrap()
        .expect("found");
    assert!(!found.created);
    assert_eq!(found.kibana_case.case_id, first.kibana_case.case_id);
    assert_eq!(lines(&kit), [find_line("/s/security", "securitySolution")]);
}

#[test]
fn an_alert_not_attached_is_posted() {
    let kit = Kit::new();
    let conn = kit.conn();
    let (id, comment) = case_with_alert(&kit, &conn);
    assert_eq!(comment.alert_ids, ["alert-1"]);
    let id = &id;
    assert_eq!(
        kit.routes(),
        [
            format!("GET /api/cases/{id}"),
            format!("GET /api/cases/{id}/alerts"),
            format!("POST /api/cases/{id}/comments"),
        ]
    );
}

/// add-comment of the alert `alert-1` to case `id`, which succeeds.
fn attach_alert_1(kit: &Kit, conn: &Connection, id: &str) -> CaseComment {
    kit.h
        .add_comment(conn, &alert_comment(id, "alert-1"))
        .unwrap()
        .expect("add-comment of alert-1")
}

/// A case with the alert `alert-1` attached: the case's id and the attachment.
fn case_with_alert(kit: &Kit, conn: &Connection) -> (String, CaseComment) {
    let case = kit.case("Alert case");
    let attachment = attach_alert_1(kit, conn, &case.case_id);
    (case.case_id, attachment)
}

#[test]
fn an_alert_already_attached_is_not_posted_again() {
    let kit = Kit::new();
    let conn = kit.conn();
    let (id, first) = case_with_alert(&kit, &conn);
    let id = &id;
    // Newer attachments, of other alerts, and a user comment.
    kit.attach_alert(&conn, id, "alert-2");
    kit.h
        .add_comment(&conn, &user_comment(id, "looked at it"))
        .unwrap()
        .expect("commented");
    kit.sim.clear_requests();

    let again = attach_alert_1(&kit, &conn, id);
    assert_eq!(
        (
            &again.comment_id,
            &again.alert_ids,
            &again.version,
            &again.created_at
        ),
        (
            &first.comment_id,
            &first.alert_ids,
            &first.version,
            &first.created_at
        ),
        "the same attachment, as it is"
    );
    assert_eq!(
        kit.routes(),
        [
            format!("GET /api/cases/{id}"),
            format!("GET /api/cases/{id}/alerts"),
            format!("GET /api/cases/{id}/user_actions/_find"),
            format!("GET /api/cases/{id}/comments/{}", first.comment_id),
        ]
    );
    let alerts = kit.h.get_case_alerts(&conn, id).unwrap().expect("alerts");
    let ids: Vec<&str> = alerts.iter().map(|a| a.alert_id.as_str()).collect();
    assert_eq!(ids, ["alert-1", "alert-2"], "each alert once");
}

#[test]
fn an_alert_attached_again_after_its_removal_is_posted() {
    let kit = Kit::new();
    let conn = kit.conn();
    let (id, first) = case_with_alert(&kit, &conn);
    let id = &id;
    kit.h
        .remove_comment(&conn, id, &first.comment_id)
        .unwrap()
        .expect("removed");
    kit.sim.clear_requests();
    let again = attach_alert_1(&kit, &conn, id);
    assert_ne!(again.comment_id, first.comment_id);
    assert_eq!(
        kit.routes().last().map(String::as_str),
        Some(format!("POST /api/cases/{id}/comments").as_str())
    );
}

#[test]
fn an_alert_whose_answer_was_lost_may_be_retried_and_is_attached_once() {
    let kit = Kit::new();
    let case = kit.case("Alert case");
    let id = &case.case_id;
    // The case and its alerts are read; Kibana attaches the alert, answers late.
    let quick = late_answer_after(&kit, 2);
    let e = kit
        .h
        .add_comment(&quick, &alert_comment(id, "alert-1"))
        .unwrap()
        .expect_err("timed out");
    assert_eq!((e.status_code, e.kind), (0, ErrorKind::Timeout), "{e:?}");
    assert!(e.retryable, "an alert is attached once: {e:?}");

    kit.sim.clear_requests();
    let again = attach_alert_1(&kit, &kit.conn(), id);
    assert_eq!(again.alert_ids, ["alert-1"]);
    assert!(
        !kit.routes().iter().any(|r| r.starts_with("POST")),
        "{:?}",
        kit.routes()
    );
    let status = kit
        .h
        .get_case_status(&kit.conn(), id)
        .unwrap()
        .expect("status");
    assert_eq!(status.total_alerts, 1);
}

#[test]
fn a_user_comment_whose_answer_was_lost_is_not_to_be_retried() {
    let kit = Kit::new();
    let case = kit.case("Comment case");
    // The case is read; Kibana adds the comment, answers late.
    let quick = late_answer_after(&kit, 1);
    let e = kit
        .h
        .add_comment(&quick, &user_comment(&case.case_id, "once"))
        .unwrap()
        .expect_err("timed out");
    assert_eq!((e.status_code, e.kind), (0, ErrorKind::Timeout), "{e:?}");
    assert!(!e.retryable, "a user comment could be added twice: {e:?}");
    // No alerts read for a user comment.
    assert_eq!(
        kit.routes(),
        [
            format!("GET /api/cases/{}", case.case_id),
            format!("POST /api/cases/{}/comments", case.case_id),
        ]
    );
}
