//! Unit tests of the `case-comments` operations: the exact request Kibana receives
//! and the conversion of its answers (Kibana's own examples, in `fixtures/`).

use super::*;
use crate::test_support::*;
use crate::types::{AttachmentType, ErrorKind};
use serde_json::json;

const CASE_ID: &str = "293f1bc0-74f6-11ea-b83a-553aecdb28b6";
const COMMENT_ID: &str = "8af6ac20-74f6-11ea-b83a-553aecdb28b6";

fn add_input() -> AddCommentInput {
    AddCommentInput {
        case_id: CASE_ID.into(),
        comment: Some("A new comment.".into()),
        comment_type: None,
        alert_id: None,
        alert_index: None,
        rule_id: None,
        rule_name: None,
    }
}

fn alert_input() -> AddCommentInput {
    AddCommentInput {
        comment: None,
        comment_type: Some(CommentType::Alert),
        alert_id: Some(ALERT_ID.into()),
        ..add_input()
    }
}

fn update_input() -> UpdateCommentInput {
    UpdateCommentInput {
        case_id: CASE_ID.into(),
        comment_id: COMMENT_ID.into(),
        comment: "An updated comment.".into(),
        version: "Wzk1LDFd".into(),
    }
}

fn case_of(owner: &str) -> serde_json::Value {
    let mut case = cases_fixture("get_case_response");
    case["owner"] = json!(owner);
    case
}

const ALERT_ID: &str = "6b24c4dc44bc720cfc92797f3d61fff952f2b2627db1fb4f8cc49f4530c4ff42";

/// Kibana's answer to an alert posted: the case, with the new attachment (holding
/// [`ALERT_ID`]) after a user comment.
fn alert_answer() -> serde_json::Value {
    json!({
        "id": CASE_ID, "version": "v2", "status": "open", "owner": "securitySolution",
        "comments": [{
            "id": "user-comment", "version": "WzEsMV0=", "type": "user", "comment": "later",
            "owner": "securitySolution", "created_at": "2024-01-02T00:00:00.000Z"
        }, {
            "id": "alert-comment", "version": "WzEsMV0=", "type": "alert",
            "owner": "securitySolution",
            "alertId": ALERT_ID,
            "index": ".alerts-security.alerts-soc-team",
            "rule": {"id": null, "name": null},
            "created_at": "2024-01-01T00:00:00.000Z",
            "created_by": {"username": "analyst"}
        }]
    })
}

/// `GET /api/cases/{id}/alerts` of a case that holds none.
fn no_alerts() -> serde_json::Value {
    json!([])
}

#[test]
fn add_comment_user_reads_owner_then_posts() {
    let t = FakeTransport::new()
        .reply_json(200, &case_of("cases"))
        .reply_json(200, &cases_fixture("add_comment_response"));
    let comment = run(&t, |c| add_comment(c, add_input())).unwrap();
    let reqs = t.requests();
    assert_eq!(
        t.lines(),
        vec![
            format!("GET /api/cases/{CASE_ID}"),
            format!("POST /api/cases/{CASE_ID}/comments"),
        ]
    );
    reqs.iter().for_each(Recorded::assert_standard_headers);
    assert_eq!(reqs[1].body_json(), cases_fixture("add_comment_request"));
    assert_eq!(comment.comment_id, COMMENT_ID);
    assert_eq!(comment.case_id, CASE_ID);
    assert_eq!(comment.comment_type, AttachmentType::User);
    assert_eq!(comment.comment, "A new comment.");
    assert_eq!(comment.created_at, "2022-10-02T00:49:47.716Z");
    assert_eq!(comment.created_by, "elastic");
    assert_eq!(comment.updated_at, None);
    assert_eq!(comment.updated_by, None);
    assert_eq!(comment.version, "WzIwNDMxLDFd");
    assert!(comment.alert_ids.is_empty());
}

#[test]
fn add_comment_alert_defaults_index_and_null_rule() {
    let t = FakeTransport::new()
        .reply_json(200, &case_of("securitySolution"))
        .reply_json(200, &no_alerts())
        .reply_json(200, &alert_answer());
    let client = Client::new(&conn_in_space("soc-team"), &t).unwrap();
    let comment = add_comment(&client, alert_input()).unwrap();
    let reqs = t.requests();
    assert_eq!(
        t.lines(),
        vec![
            format!("GET /s/soc-team/api/cases/{CASE_ID}"),
            format!("GET /s/soc-team/api/cases/{CASE_ID}/alerts"),
            format!("POST /s/soc-team/api/cases/{CASE_ID}/comments"),
        ]
    );
    assert_eq!(
        reqs[2].body_json(),
        json!({
            "type": "alert",
            "alertId": "6b24c4dc44bc720cfc92797f3d61fff952f2b2627db1fb4f8cc49f4530c4ff42",
            "index": ".alerts-security.alerts-soc-team",
            "rule": {"id": null, "name": null},
            "owner": "securitySolution"
        })
    );
    // The attachment that holds the alert, though a user comment is newer.
    assert_eq!(comment.comment_id, "alert-comment");
    assert_eq!(comment.comment_type, AttachmentType::Alert);
    assert_eq!(comment.alert_ids, vec![ALERT_ID]);
    assert_eq!(comment.comment, "");
    assert_eq!(comment.created_by, "analyst");
}

#[test]
fn add_comment_alert_default_space_and_given_rule() {
    let t = FakeTransport::new()
        .reply_json(200, &case_of("securitySolution"))
        .reply_json(200, &no_alerts())
        .reply_json(200, &alert_answer());
    let input = AddCommentInput {
        rule_id: Some("rule-1".into()),
        rule_name: Some("My rule".into()),
        ..alert_input()
    };
    run(&t, |c| add_comment(c, input)).unwrap();
    let body = t.requests()[2].body_json();
    assert_eq!(body["index"], ".alerts-security.alerts-default");
    assert_eq!(body["rule"], json!({"id": "rule-1", "name": "My rule"}));

    let t = FakeTransport::new()
        .reply_json(200, &case_of("securitySolution"))
        .reply_json(200, &no_alerts())
        .reply_json(200, &alert_answer());
    let input = AddCommentInput {
        alert_index: Some("my-alerts".into()),
        ..alert_input()
    };
    run(&t, |c| add_comment(c, input)).unwrap();
    assert_eq!(t.requests()[2].body_json()["index"], "my-alerts");
}

/// A user action of the case's activity on an attachment of `alert_ids`.
fn alert_action(action: &str, comment_id: &str, alert_ids: serde_json::Value) -> serde_json::Value {
    json!({
        "id": format!("ua-{action}-{comment_id}"), "type": "comment", "action": action,
        "comment_id": comment_id, "created_at": "2024-01-01T00:00:00.000Z",
        "created_by": {"username": "elastic"}, "owner": "securitySolution",
        "payload": {"comment": {"type": "alert", "alertId": alert_ids, "owner": "securitySolution"}}
    })
}

fn activity_page(page: u32, total: u32, actions: Vec<serde_json::Value>) -> serde_json::Value {
    json!({"page": page, "perPage": 100, "total": total, "userActions": actions})
}

#[test]
fn add_comment_alert_already_attached_returns_its_attachment_and_posts_nothing() {
    let attached = json!([
        {"id": "other-alert", "index": ".alerts-security.alerts-default", "attached_at": "2024-01-01T00:00:00.000Z"},
        {"id": ALERT_ID, "index": ".alerts-security.alerts-default", "attached_at": "2024-01-01T00:00:00.000Z"}
    ]);
    // Newest first: an attachment of another alert; one of this alert, removed
    // (its removal is newer); the one that holds it, with another alert.
    let actions = activity_page(
        1,
        4,
        vec![
            alert_action("create", "newer-other", json!("other-alert")),
            alert_action("delete", "removed", json!(ALERT_ID)),
            alert_action("create", "removed", json!(ALERT_ID)),
            alert_action("create", "holder", json!(["x", ALERT_ID])),
        ],
    );
    let mut holder = cases_fixture("get_comment_response");
    holder["id"] = json!("holder");
    let t = FakeTransport::new()
        .reply_json(200, &case_of("securitySolution"))
        .reply_json(200, &attached)
        .reply_json(200, &actions)
        .reply_json(200, &holder);
    let comment = run(&t, |c| add_comment(c, alert_input())).unwrap();
    assert_eq!(
        t.lines(),
        vec![
            format!("GET /api/cases/{CASE_ID}"),
            format!("GET /api/cases/{CASE_ID}/alerts"),
            format!("GET /api/cases/{CASE_ID}/user_actions/_find?page=1&perPage=100&sortOrder=desc&types=alert"),
            format!("GET /api/cases/{CASE_ID}/comments/holder"),
        ]
    );
    assert_eq!(comment.comment_id, "holder");
}

#[test]
fn add_comment_alert_attached_reads_the_activity_page_after_page() {
    let attached = json!([{"id": ALERT_ID, "index": "i", "attached_at": ""}]);
    let others: Vec<serde_json::Value> = (0..100)
        .map(|i| alert_action("create", &format!("c{i}"), json!(format!("a{i}"))))
        .collect();
    let t = FakeTransport::new()
        .reply_json(200, &case_of("securitySolution"))
        .reply_json(200, &attached)
        .reply_json(200, &activity_page(1, 101, others))
        .reply_json(
            200,
            &activity_page(
                2,
                101,
                vec![alert_action("create", "first", json!(ALERT_ID))],
            ),
        )
        .reply_json(200, &cases_fixture("get_comment_response"));
    run(&t, |c| add_comment(c, alert_input())).unwrap();
    let lines = t.lines();
    assert!(
        lines[3].ends_with("_find?page=2&perPage=100&sortOrder=desc&types=alert"),
        "{lines:?}"
    );
    assert_eq!(lines[4], format!("GET /api/cases/{CASE_ID}/comments/first"));
    assert_eq!(lines.len(), 5);
}

#[test]
fn add_comment_alert_attached_without_attachment_in_activity_is_502() {
    let attached = json!([{"id": ALERT_ID, "index": "i", "attached_at": ""}]);
    let t = FakeTransport::new()
        .reply_json(200, &case_of("securitySolution"))
        .reply_json(200, &attached)
        .reply_json(
            200,
            &activity_page(1, 1, vec![alert_action("create", "c", json!("another"))]),
        );
    let err = run(&t, |c| add_comment(c, alert_input())).unwrap_err();
    assert_eq!(
        (err.status_code, err.kind),
        (502, ErrorKind::InvalidResponse)
    );
    assert_eq!(
        err.message,
        format!("Kibana lists the alert `{ALERT_ID}` among the case's alerts, but the case's activity shows no attachment of it")
    );
    assert_eq!(t.requests().len(), 3, "nothing posted");
}

#[test]
fn add_comment_alert_posted_but_not_in_answer_is_502() {
    // Kibana answered without an attachment of the alert: not some other comment.
    let t = FakeTransport::new()
        .reply_json(200, &case_of("securitySolution"))
        .reply_json(200, &no_alerts())
        .reply_json(200, &cases_fixture("add_comment_response"));
    let err = run(&t, |c| add_comment(c, alert_input())).unwrap_err();
    assert_eq!(
        err.message,
        "Kibana answered 200 but the body is not a valid case with its comments: none of its comments holds the alert"
    );
}

#[test]
fn add_comment_picks_newest_comment() {
    let mut answer = cases_fixture("add_comment_response");
    answer["comments"] = json!([
        {"id": "old", "type": "user", "comment": "a", "created_at": "2023-01-01T00:00:00.000Z"},
        {"id": "new", "type": "user", "comment": "b", "created_at": "2024-01-01T00:00:00.000Z"},
        {"id": "older", "type": "user", "comment": "c", "created_at": "2022-01-01T00:00:00.000Z"},
        {"id": "tie", "type": "user", "comment": "d", "created_at": "2024-01-01T00:00:00.000Z"}
    ]);
    let t = FakeTransport::new()
        .reply_json(200, &case_of("cases"))
        .reply_json(200, &answer);
    let comment = run(&t, |c| add_comment(c, add_input())).unwrap();
    assert_eq!(comment.comment_id, "tie");
}

#[test]
fn add_comment_no_comments_in_answer_is_502() {
    let mut answer = cases_fixture("add_comment_response");
    answer["comments"] = json!([]);
    let t = FakeTransport::new()
        .reply_json(200, &case_of("cases"))
        .reply_json(200, &answer);
    let err = run(&t, |c| add_comment(c, add_input())).unwrap_err();
    assert_eq!(
        (err.status_code, err.kind),
        (502, ErrorKind::InvalidResponse)
    );
    assert_eq!(
        err.message,
        "Kibana answered 200 but the body is not a valid case with its comments: it has no comments"
    );
}

#[test]
fn add_comment_case_404_passes_through() {
    let t = FakeTransport::new().reply_json(404, &cases_fixture("response_404"));
    let err = run(&t, |c| add_comment(c, add_input())).unwrap_err();
    assert_eq!((err.status_code, err.kind), (404, ErrorKind::NotFound));
    assert_eq!(t.requests().len(), 1);
}

#[test]
fn add_comment_closed_case_400() {
    let t = FakeTransport::new()
        .reply_json(200, &case_of("securitySolution"))
        .reply_json(200, &no_alerts())
        .reply_json(400, &json!({"statusCode": 400, "error": "Bad Request", "message": "Alert comment cannot be attached to a closed case"}));
    let err = run(&t, |c| add_comment(c, alert_input())).unwrap_err();
    assert_eq!((err.status_code, err.kind), (400, ErrorKind::BadRequest));
    assert_eq!(
        err.message,
        "Alert comment cannot be attached to a closed case"
    );
}

#[test]
fn add_comment_validation_sends_nothing() {
    for (input, expected) in [
        (
            AddCommentInput {
                case_id: " ".into(),
                ..add_input()
            },
            "case-id: must not be blank",
        ),
        (
            AddCommentInput {
                comment: None,
                ..add_input()
            },
            "comment: is required for a user comment",
        ),
        (
            AddCommentInput {
                comment: Some(" \n".into()),
                ..add_input()
            },
            "comment: must not be blank",
        ),
        (
            AddCommentInput {
                comment: Some("x".repeat(30_001)),
                ..add_input()
            },
            "comment: must be at most 30000 characters",
        ),
        (
            AddCommentInput {
                alert_id: None,
                ..alert_input()
            },
            "alert-id: is required for an alert comment",
        ),
        (
            AddCommentInput {
                alert_id: Some("  ".into()),
                ..alert_input()
            },
            "alert-id: is required for an alert comment",
        ),
        (
            AddCommentInput {
                alert_id: Some("a".repeat(513)),
                ..alert_input()
            },
            "alert-id: must be at most 512 bytes (got 513)",
        ),
        (
            AddCommentInput {
                alert_index: Some("i".repeat(256)),
                ..alert_input()
            },
            "alert-index: must be at most 255 bytes (got 256)",
        ),
        (
            AddCommentInput {
                case_id: "c".repeat(2 * 1024 * 1024),
                ..add_input()
            },
            "case-id: must be at most 512 bytes",
        ),
    ] {
        let t = FakeTransport::new();
        assert_invalid(&run(&t, |c| add_comment(c, input)).unwrap_err(), expected);
        assert!(t.requests().is_empty());
    }
}

#[test]
fn get_comment_decodes_fixture() {
    let t = FakeTransport::new().reply_json(200, &cases_fixture("get_comment_response"));
    let comment = run(&t, |c| {
        get_comment(c, "case-1", "8048b460-fe2b-11ec-b15d-779a7c8bbcc3")
    })
    .unwrap();
    let req = t.only_request();
    req.assert_standard_headers();
    assert_eq!(
        req.line(),
        "GET /api/cases/case-1/comments/8048b460-fe2b-11ec-b15d-779a7c8bbcc3"
    );
    assert_eq!(comment.comment_id, "8048b460-fe2b-11ec-b15d-779a7c8bbcc3");
    assert_eq!(comment.case_id, "case-1");
    assert_eq!(comment.comment, "A new comment");
    assert_eq!(comment.comment_type, AttachmentType::User);
    assert_eq!(comment.created_at, "2023-10-07T19:32:13.104Z");
    assert_eq!(comment.version, "WzIzLDFd");
}

#[test]
fn get_comment_hostile_ids_and_404() {
    let t = FakeTransport::new().reply_json(404, &cases_fixture("response_404"));
    let err = run(&t, |c| get_comment(c, "a/../b?c#d", "..")).unwrap_err();
    assert_eq!(
        t.only_request().path_and_query,
        "/api/cases/a%2F..%2Fb%3Fc%23d/comments/%2E%2E"
    );
    assert_eq!((err.status_code, err.kind), (404, ErrorKind::NotFound));
}

#[test]
fn get_comment_validation() {
    let t = FakeTransport::new();
    assert_invalid(
        &run(&t, |c| get_comment(c, "x", "")).unwrap_err(),
        "comment-id: must not be blank",
    );
    assert_invalid(
        &run(&t, |c| get_comment(c, "", "y")).unwrap_err(),
        "case-id: must not be blank",
    );
    assert!(t.requests().is_empty());
}

#[test]
fn get_comment_other_attachment_types() {
    for (kind, expected) in [
        ("externalReference", AttachmentType::ExternalReference),
        ("persistableState", AttachmentType::PersistableState),
        ("actions", AttachmentType::Actions),
        ("somethingNew", AttachmentType::Other),
    ] {
        let t = FakeTransport::new().reply_json(
            200,
            &json!({"id": "c", "type": kind, "comment": {"not": "text"}, "created_by": null}),
        );
        let comment = run(&t, |c| get_comment(c, "x", "c")).unwrap();
        assert_eq!(comment.comment_type, expected);
        assert_eq!(comment.comment, "");
        assert_eq!(comment.created_by, "");
    }
}

#[test]
fn get_many_comments_defaults_and_fixture() {
    let t = FakeTransport::new().reply_json(200, &cases_fixture("find_case_comments_response"));
    let input = GetManyCommentsInput {
        case_id: "case-1".into(),
        page: None,
        per_page: None,
        return_all: false,
        limit: None,
        max_in_flight: None,
    };
    let page = run(&t, |c| get_many_comments(c, input)).unwrap();
    let req = t.only_request();
    req.assert_standard_headers();
    assert_eq!(
        req.line(),
        "GET /api/cases/case-1/comments/_find?page=1&perPage=20&sortOrder=asc"
    );
    assert_eq!((page.page, page.per_page, page.total), (1, 20, 1));
    assert_eq!(
        page.comments[0].comment_id,
        "8048b460-fe2b-11ec-b15d-779a7c8bbcc3"
    );
    assert_eq!(page.comments[0].case_id, "case-1");
}

#[test]
fn get_many_comments_paging() {
    let t = FakeTransport::new().reply_json(200, &json!({"total": 0, "comments": []}));
    let input = GetManyCommentsInput {
        case_id: "c".into(),
        page: Some(4),
        per_page: Some(100),
        return_all: false,
        limit: None,
        max_in_flight: None,
    };
    let page = run(&t, |c| get_many_comments(c, input)).unwrap();
    assert_eq!(
        t.only_request().path_and_query,
        "/api/cases/c/comments/_find?page=4&perPage=100&sortOrder=asc"
    );
    assert_eq!((page.page, page.per_page, page.total), (4, 100, 0));
    let t = FakeTransport::new();
    let input = GetManyCommentsInput {
        case_id: "c".into(),
        page: Some(2),
        per_page: Some(101),
        return_all: false,
        limit: None,
        max_in_flight: None,
    };
    assert_invalid(
        &run(&t, |c| get_many_comments(c, input)).unwrap_err(),
        "per-page: must be between 1 and 100 (got 101)",
    );
    assert!(t.requests().is_empty());
}

#[test]
fn get_many_comments_invalid_json_is_502() {
    let t = FakeTransport::new().reply(200, "{\"comments\": 5}");
    let input = GetManyCommentsInput {
        case_id: "c".into(),
        page: None,
        per_page: None,
        return_all: false,
        limit: None,
        max_in_flight: None,
    };
    let err = run(&t, |c| get_many_comments(c, input)).unwrap_err();
    assert_eq!(err.status_code, 502);
    assert!(err
        .message
        .starts_with("Kibana answered 200 but the body is not a valid page of comments: "));
}

#[test]
fn remove_comment_204_is_deleted() {
    let t = FakeTransport::new().reply(204, "");
    let out = run(&t, |c| remove_comment(c, " case-1 ", "c 1")).unwrap();
    let req = t.only_request();
    req.assert_standard_headers();
    assert_eq!(req.line(), "DELETE /api/cases/case-1/comments/c%201");
    assert_eq!(req.body, None);
    assert!(out.deleted);
    assert_eq!(out.case_id, "case-1");
    assert_eq!(out.comment_id, "c 1");
}

#[test]
fn remove_comment_404_and_401() {
    let t = FakeTransport::new()
        .reply_json(404, &cases_fixture("response_404"))
        .reply_json(401, &cases_fixture("response_401"));
    let err = run(&t, |c| remove_comment(c, "a", "b")).unwrap_err();
    assert_eq!(err.status_code, 404);
    let err = run(&t, |c| remove_comment(c, "a", "b")).unwrap_err();
    assert_eq!((err.status_code, err.kind), (401, ErrorKind::Unauthorized));
    assert_no_secret(&err, API_KEY);
}

#[test]
fn update_comment_reads_owner_then_patches() {
    let t = FakeTransport::new()
        .reply_json(200, &cases_fixture("get_comment_response"))
        .reply_json(200, &cases_fixture("update_comment_response"));
    let comment = run(&t, |c| update_comment(c, update_input())).unwrap();
    let reqs = t.requests();
    assert_eq!(
        t.lines(),
        vec![
            format!("GET /api/cases/{CASE_ID}/comments/{COMMENT_ID}"),
            format!("PATCH /api/cases/{CASE_ID}/comments"),
        ]
    );
    reqs.iter().for_each(Recorded::assert_standard_headers);
    assert_eq!(reqs[1].body_json(), cases_fixture("update_comment_request"));
    assert_eq!(comment.comment_id, COMMENT_ID);
    assert_eq!(comment.comment, "An updated comment.");
    assert_eq!(
        comment.updated_at.as_deref(),
        Some("2023-10-24T01:27:06.210Z")
    );
    assert_eq!(comment.updated_by.as_deref(), Some("elastic"));
    assert_eq!(comment.version, "WzIwNjM3LDFd");
}

#[test]
fn update_comment_missing_in_answer_is_502() {
    let mut answer = cases_fixture("update_comment_response");
    answer["comments"][0]["id"] = json!("someone-else");
    let t = FakeTransport::new()
        .reply_json(200, &cases_fixture("get_comment_response"))
        .reply_json(200, &answer);
    let err = run(&t, |c| update_comment(c, update_input())).unwrap_err();
    assert_eq!(err.status_code, 502);
    assert!(err.message.ends_with("the updated comment is missing"));
}

#[test]
fn update_comment_409_stale_version() {
    let t = FakeTransport::new()
        .reply_json(200, &cases_fixture("get_comment_response"))
        .reply_json(409, &json!({"statusCode": 409, "error": "Conflict", "message": "This comment has been updated. Please refresh before saving additional updates."}));
    let err = run(&t, |c| update_comment(c, update_input())).unwrap_err();
    assert_eq!((err.status_code, err.kind), (409, ErrorKind::Conflict));
    assert!(err.message.starts_with("This comment has been updated"));
}

#[test]
fn update_comment_validation_sends_nothing() {
    for (input, expected) in [
        (
            UpdateCommentInput {
                comment: "  ".into(),
                ..update_input()
            },
            "comment: must not be blank",
        ),
        (
            UpdateCommentInput {
                version: "".into(),
                ..update_input()
            },
            "version: must not be blank",
        ),
        (
            UpdateCommentInput {
                comment_id: "".into(),
                ..update_input()
            },
            "comment-id: must not be blank",
        ),
        (
            UpdateCommentInput {
                comment: "x".repeat(30_001),
                ..update_input()
            },
            "comment: must be at most 30000",
        ),
    ] {
        let t = FakeTransport::new();
        assert_invalid(
            &run(&t, |c| update_comment(c, input)).unwrap_err(),
            expected,
        );
        assert!(t.requests().is_empty());
    }
}

/// A `_find` page of `n` comments numbered from `first`, of `total`.
fn comments_page(first: usize, n: usize, total: usize) -> String {
    let comments: Vec<serde_json::Value> = (first..first + n)
        .map(|i| serde_json::json!({"id": format!("m{i}"), "type": "user", "comment": format!("text {i}")}))
        .collect();
    serde_json::json!({"page": 1, "per_page": 100, "total": total, "comments": comments})
        .to_string()
}

#[test]
fn get_many_comments_return_all_ignores_paging_and_stops_at_total() {
    let t = FakeTransport::new()
        .reply(200, &comments_page(0, 100, 101))
        .reply(200, &comments_page(100, 1, 101));
    let input = GetManyCommentsInput {
        case_id: "c1".into(),
        page: Some(0),
        per_page: Some(500),
        return_all: true,
        limit: None,
        max_in_flight: None,
    };
    let page = run(&t, |c| get_many_comments(c, input)).unwrap();
    assert_eq!(
        t.lines(),
        [
            "GET /api/cases/c1/comments/_find?page=1&perPage=100&sortOrder=asc",
            "GET /api/cases/c1/comments/_find?page=2&perPage=100&sortOrder=asc",
        ]
    );
    assert_eq!(
        (page.page, page.per_page, page.total, page.comments.len()),
        (1, 101, 101, 101)
    );
    assert_eq!(page.comments[100].comment, "text 100");
    let input = GetManyCommentsInput {
        case_id: "c1".into(),
        page: None,
        per_page: None,
        return_all: true,
        limit: Some(0),
        max_in_flight: None,
    };
    let t = FakeTransport::new();
    assert_invalid(
        &run(&t, |c| get_many_comments(c, input)).unwrap_err(),
        "limit: ",
    );
    assert!(t.requests().is_empty());
}

/// A comment as Kibana may shape it: `alertId` one id or several, `comment` text
/// only when it is a string, unknown or missing types `other`, errors naming the
/// member.
#[test]
fn to_case_comment_reads_kibanas_shapes() {
    let read = |text: &str| {
        crate::kibana::decode::decode::<wire::Comment>(text.as_bytes())
            .map(|comment| to_case_comment(comment, "c"))
    };
    let one =
        read(r#"{"id":"a","type":"alert","alertId":"a1","created_by":{"username":"e"}}"#).unwrap();
    assert_eq!(
        (one.alert_ids, one.comment_type, one.created_by.as_str()),
        (vec!["a1".to_string()], AttachmentType::Alert, "e")
    );
    let many =
        read(r#"{"id":"a","type":"alert","alertId":["a1","a2"],"updated_by":null}"#).unwrap();
    assert_eq!((many.alert_ids.len(), many.updated_by), (2, None));
    let lens = read(r#"{"id":"l","type":"lens","comment":{"attributes":[1,{"a":null}]}}"#).unwrap();
    assert_eq!(
        (lens.comment.as_str(), lens.comment_type),
        ("", AttachmentType::Other)
    );
    let untyped = read(r#"{"id":"u","type":null,"comment":"hello \"you\""}"#).unwrap();
    assert_eq!(
        (untyped.comment.as_str(), untyped.comment_type),
        ("hello \"you\"", AttachmentType::Other)
    );
    assert_eq!(
        read(r#"{"id":"c","alertId":5}"#).unwrap_err(),
        "alertId: invalid type: integer `5`, expected a string or a list of strings at line 1 column 21"
    );
    assert_eq!(
        read(r#"{"id":"c","alertId":["a",5]}"#).unwrap_err(),
        "alertId[1]: invalid type: integer `5`, expected a string at line 1 column 26"
    );
    assert_eq!(
        read(r#"{"type":"user"}"#).unwrap_err(),
        "missing field `id` at line 1 column 15"
    );
    assert_eq!(
        read(r#"{"id":"c","type":7}"#).unwrap_err(),
        "type: expected value at line 1 column 18"
    );
}

#[test]
fn get_many_comments_max_in_flight_out_of_range_is_unsent() {
    let t = FakeTransport::new();
    for bad in [0, 17] {
        let input = GetManyCommentsInput {
            case_id: "c".into(),
            page: None,
            per_page: None,
            return_all: true,
            limit: None,
            max_in_flight: Some(bad),
        };
        let err = run(&t, |c| get_many_comments(c, input)).unwrap_err();
        assert_invalid(
            &err,
            &format!("max-in-flight: must be between 1 and 16 (got {bad})"),
        );
    }
    assert!(t.requests().is_empty());
}
