//! End-to-end tests of the `case-comments` interface against the Kibana simulator.

mod common;

use common::*;
use host_test::harness::bindings::case_comments::{
    AddCommentInput, GetManyCommentsInput, UpdateCommentInput,
};
use host_test::harness::bindings::{cases, AttachmentType, CaseStatus, ErrorKind, KibanaCase};
use serde_json::json;

#[test]
fn add_comment_user_reads_owner_then_posts() {
    let kit = Kit::new();
    let c = kit.case("Phishing");
    let added = kit
        .h
        .add_comment(&kit.conn(), &user_comment(&c.case_id, "Blocked the sender"))
        .unwrap()
        .expect("added");
    assert_eq!(
        kit.routes(),
        [
            format!("GET /api/cases/{}", c.case_id),
            format!("POST /api/cases/{}/comments", c.case_id)
        ]
    );
    let post = &kit.requests()[1];
    assert!(post.header("kbn-xsrf").is_some());
    assert_eq!(
        post.body_json().unwrap(),
        json!({"type": "user", "comment": "Blocked the sender", "owner": "securitySolution"})
    );
    assert!(!added.comment_id.is_empty());
    assert_eq!(added.case_id, c.case_id);
    assert_eq!(added.comment_type, AttachmentType::User);
    assert_eq!(added.comment, "Blocked the sender");
    assert_eq!(added.created_by, "elastic");
    assert!(!added.version.is_empty());
    assert_eq!(added.updated_at, None);
}

#[test]
fn add_comment_picks_the_new_comment_among_many() {
    let kit = Kit::new();
    let c = kit.case("Busy case");
    for i in 0..4 {
        let added = kit
            .h
            .add_comment(&kit.conn(), &user_comment(&c.case_id, &format!("n{i}")))
            .unwrap()
            .unwrap();
        assert_eq!(added.comment, format!("n{i}"));
    }
}

#[test]
fn add_comment_alert_defaults_index_and_rule() {
    let kit = Kit::new();
    let sec = kit.conn_in("security");
    let c = kit.case_in(&sec, "Alerts");
    let added = kit
        .h
        .add_comment(&sec, &alert_comment(&c.case_id, "alert-1"))
        .unwrap()
        .expect("added");
    // The case (for its owner), its alerts (the alert is not there yet), the alert.
    let id = &c.case_id;
    assert_eq!(
        kit.routes(),
        [
            format!("GET /s/security/api/cases/{id}"),
            format!("GET /s/security/api/cases/{id}/alerts"),
            format!("POST /s/security/api/cases/{id}/comments"),
        ]
    );
    let body = kit.requests()[2].body_json().unwrap();
    assert_eq!(
        body,
        json!({"type": "alert", "alertId": "alert-1", "index": ".alerts-security.alerts-security",
               "rule": {"id": null, "name": null}, "owner": "securitySolution"})
    );
    assert_eq!(added.comment_type, AttachmentType::Alert);
    assert_eq!(added.alert_ids, strings(&["alert-1"]));
    let case = kit
        .h
        .get_case(
            &sec,
            &cases::GetCaseInput {
                case_id: c.case_id,
                include_comments: false,
                max_in_flight: None,
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(case.total_alerts, 1);
}

#[test]
fn add_comment_alert_with_every_option() {
    let kit = Kit::new();
    let c = kit.case("Alerts");
    let input = AddCommentInput {
        alert_index: Some(".internal.alerts-security.alerts-default-000001".into()),
        rule_id: Some("rule-42".into()),
        rule_name: Some("Malware detected".into()),
        ..alert_comment(&c.case_id, "a-9")
    };
    kit.h
        .add_comment(&kit.conn(), &input)
        .unwrap()
        .expect("added");
    let body = kit.requests()[2].body_json().unwrap();
    assert_eq!(
        body["index"],
        ".internal.alerts-security.alerts-default-000001"
    );
    assert_eq!(
        body["rule"],
        json!({"id": "rule-42", "name": "Malware detected"})
    );
    // Default space: the default index names `default`.
    let plain = kit
        .h
        .add_comment(&kit.conn(), &alert_comment(&c.case_id, "a-10"))
        .unwrap()
        .expect("added");
    assert_eq!(plain.alert_ids, strings(&["a-10"]));
    let last = kit.requests().pop().unwrap().body_json().unwrap();
    assert_eq!(last["index"], ".alerts-security.alerts-default");
}

#[test]
fn add_comment_invalid_input_sends_nothing() {
    let kit = Kit::new();
    let conn = kit.conn();
    assert_invalid(
        &kit,
        kit.h.add_comment(&conn, &user_comment("c1", "  ")).unwrap(),
        "comment",
    );
    assert_invalid(
        &kit,
        kit.h
            .add_comment(&conn, &user_comment("c1", &"x".repeat(30_001)))
            .unwrap(),
        "comment",
    );
    let no_alert = AddCommentInput {
        alert_id: None,
        ..alert_comment("c1", "")
    };
    assert_invalid(
        &kit,
        kit.h.add_comment(&conn, &no_alert).unwrap(),
        "alert-id",
    );
    assert_invalid(
        &kit,
        kit.h.add_comment(&conn, &user_comment("", "text")).unwrap(),
        "case-id",
    );
}

#[test]
fn add_comment_missing_case_404_and_closed_case_alert_400() {
    let kit = Kit::new();
    let e = kit
        .h
        .add_comment(&kit.conn(), &user_comment("nope", "text"))
        .unwrap()
        .expect_err("404");
    assert_eq!((e.status_code, e.kind), (404, ErrorKind::NotFound));
    assert_eq!(
        kit.routes(),
        ["GET /api/cases/nope"],
        "no POST after the case was not found"
    );

    let c = kit.case("Closed");
    let close = cases::UpdateCaseInput {
        case_id: c.case_id.clone(),
        version: c.version.clone(),
        title: None,
        description: None,
        status: Some(CaseStatus::Closed),
        severity: None,
        tags: None,
        assignees: None,
    };
    kit.h.update_case(&kit.conn(), &close).unwrap().unwrap();
    let e = kit
        .h
        .add_comment(&kit.conn(), &alert_comment(&c.case_id, "a"))
        .unwrap()
        .expect_err("400");
    assert_eq!((e.status_code, e.kind), (400, ErrorKind::BadRequest));
    assert!(e.message.contains("closed"), "{}", e.message);
}

fn case_with_comments(kit: &Kit, n: usize) -> (KibanaCase, Vec<String>) {
    let c = kit.case("Comments");
    let ids = (0..n)
        .map(|i| {
            kit.h
                .add_comment(&kit.conn(), &user_comment(&c.case_id, &format!("c{i}")))
                .unwrap()
                .unwrap()
                .comment_id
        })
        .collect();
    kit.sim.clear_requests();
    (c, ids)
}

#[test]
fn get_comment_reads_every_field() {
    let kit = Kit::new();
    let (c, ids) = case_with_comments(&kit, 2);
    let got = kit
        .h
        .get_comment(&kit.conn(), &c.case_id, &ids[1])
        .unwrap()
        .expect("found");
    assert_eq!(
        kit.routes(),
        [format!("GET /api/cases/{}/comments/{}", c.case_id, ids[1])]
    );
    assert_eq!(got.comment_id, ids[1]);
    assert_eq!(got.case_id, c.case_id);
    assert_eq!(got.comment, "c1");
    assert_eq!(got.comment_type, AttachmentType::User);
    assert_eq!(got.created_by, "elastic");
    let e = kit
        .h
        .get_comment(&kit.conn(), &c.case_id, "a/../b")
        .unwrap()
        .expect_err("404");
    assert_eq!(e.status_code, 404);
    assert_eq!(
        kit.requests()[1].path,
        format!("/api/cases/{}/comments/a%2F..%2Fb", c.case_id)
    );
}

#[test]
fn get_many_comments_pages() {
    let kit = Kit::new();
    let (c, _) = case_with_comments(&kit, 5);
    let input = GetManyCommentsInput {
        case_id: c.case_id.clone(),
        page: Some(3),
        per_page: Some(2),
        return_all: false,
        limit: None,
        max_in_flight: None,
    };
    let page = kit
        .h
        .get_many_comments(&kit.conn(), &input)
        .unwrap()
        .expect("listed");
    assert_eq!((page.page, page.per_page, page.total), (3, 2, 5));
    let texts: Vec<&str> = page.comments.iter().map(|c| c.comment.as_str()).collect();
    assert_eq!(texts, ["c4"]);
    let req = kit.only_request();
    assert_eq!(req.path, format!("/api/cases/{}/comments/_find", c.case_id));
    let q = req.query_pairs();
    assert!(
        q.contains(&("page".into(), "3".into())) && q.contains(&("perPage".into(), "2".into())),
        "{q:?}"
    );

    kit.sim.clear_requests();
    let defaults = GetManyCommentsInput {
        case_id: c.case_id.clone(),
        page: None,
        per_page: None,
        return_all: false,
        limit: None,
        max_in_flight: None,
    };
    let page = kit
        .h
        .get_many_comments(&kit.conn(), &defaults)
        .unwrap()
        .expect("listed");
    assert_eq!((page.page, page.per_page, page.comments.len()), (1, 20, 5));

    kit.sim.clear_requests();
    let bad = GetManyCommentsInput {
        case_id: c.case_id,
        page: Some(1),
        per_page: Some(0),
        return_all: false,
        limit: None,
        max_in_flight: None,
    };
    assert_invalid(
        &kit,
        kit.h.get_many_comments(&kit.conn(), &bad).unwrap(),
        "per-page",
    );
}

#[test]
fn update_comment_reads_owner_then_patches() {
    let kit = Kit::new();
    let (c, ids) = case_with_comments(&kit, 1);
    let current = kit
        .h
        .get_comment(&kit.conn(), &c.case_id, &ids[0])
        .unwrap()
        .unwrap();
    kit.sim.clear_requests();
    let input = UpdateCommentInput {
        case_id: c.case_id.clone(),
        comment_id: ids[0].clone(),
        comment: "edited".into(),
        version: current.version.clone(),
    };
    let updated = kit
        .h
        .update_comment(&kit.conn(), &input)
        .unwrap()
        .expect("updated");
    let reqs = kit.requests();
    assert_eq!(reqs.last().unwrap().method, "PATCH");
    assert_eq!(
        reqs.last().unwrap().path,
        format!("/api/cases/{}/comments", c.case_id)
    );
    assert_eq!(
        reqs.last().unwrap().body_json().unwrap(),
        json!({"id": ids[0], "version": current.version, "type": "user", "comment": "edited", "owner": "securitySolution"})
    );
    assert_eq!(updated.comment_id, ids[0]);
    assert_eq!(updated.comment, "edited");
    assert_ne!(updated.version, current.version);
    assert_eq!(updated.updated_by.as_deref(), Some("elastic"));

    // The old version is now stale: 409, and the text stays.
    let e = kit
        .h
        .update_comment(
            &kit.conn(),
            &UpdateCommentInput {
                comment: "lost".into(),
                ..input
            },
        )
        .unwrap();
    let e = e.expect_err("409");
    assert_eq!((e.status_code, e.kind), (409, ErrorKind::Conflict));
    assert_eq!(
        kit.h
            .get_comment(&kit.conn(), &c.case_id, &ids[0])
            .unwrap()
            .unwrap()
            .comment,
        "edited"
    );
}

#[test]
fn update_comment_invalid_input_sends_nothing() {
    let kit = Kit::new();
    let input = UpdateCommentInput {
        case_id: "c".into(),
        comment_id: "k".into(),
        comment: " ".into(),
        version: "v".into(),
    };
    assert_invalid(
        &kit,
        kit.h.update_comment(&kit.conn(), &input).unwrap(),
        "comment",
    );
    let input = UpdateCommentInput {
        comment: "x".into(),
        version: "".into(),
        ..input
    };
    assert_invalid(
        &kit,
        kit.h.update_comment(&kit.conn(), &input).unwrap(),
        "version",
    );
}

#[test]
fn remove_comment_204_then_404() {
    let kit = Kit::new();
    let (c, ids) = case_with_comments(&kit, 2);
    let out = kit
        .h
        .remove_comment(&kit.conn(), &c.case_id, &ids[0])
        .unwrap()
        .expect("removed");
    assert!(out.deleted);
    assert_eq!(
        (out.case_id.as_str(), out.comment_id.as_str()),
        (c.case_id.as_str(), ids[0].as_str())
    );
    let req = kit.only_request();
    assert_eq!(req.method, "DELETE");
    assert_eq!(
        req.path,
        format!("/api/cases/{}/comments/{}", c.case_id, ids[0])
    );
    assert!(req.header("kbn-xsrf").is_some());
    let e = kit
        .h
        .remove_comment(&kit.conn(), &c.case_id, &ids[0])
        .unwrap()
        .expect_err("gone");
    assert_eq!((e.status_code, e.kind), (404, ErrorKind::NotFound));
    let left = kit
        .h
        .get_many_comments(
            &kit.conn(),
            &GetManyCommentsInput {
                case_id: c.case_id,
                page: None,
                per_page: None,
                return_all: false,
                limit: None,
                max_in_flight: None,
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(left.total, 1);
}
