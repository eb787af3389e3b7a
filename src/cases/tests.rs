//! Unit tests of the `cases` operations: the exact request Kibana receives and the
//! conversion of its answers (Kibana's own examples, in `fixtures/`).

use super::*;
use super::{activity, alerts};
use crate::kibana::{Response, TransportError};
use crate::test_support::*;
use crate::types::{CaseStatus, ErrorKind, Owner, SortField, SortOrder};
use serde_json::json;

fn create_input() -> CreateCaseInput {
    CreateCaseInput {
        title: "Case title 1".into(),
        owner: Owner::Cases,
        description: Some("A case description.".into()),
        connector_id: None,
        connector_name: None,
        connector_type: None,
        severity: None,
        tags: vec!["tag 1".into()],
        assignees: vec![],
        idempotency_key: None,
    }
}

fn update_input() -> UpdateCaseInput {
    UpdateCaseInput {
        case_id: "66b9aa00-94fa-11ea-9f74-e7e108796192".into(),
        version: "WzUzMiwxXQ==".into(),
        title: None,
        description: None,
        status: None,
        severity: None,
        tags: None,
        assignees: None,
    }
}

fn many_input() -> GetManyCasesInput {
    GetManyCasesInput {
        page: None,
        per_page: None,
        sort_field: None,
        sort_order: None,
        search: None,
        search_fields: vec![],
        status: None,
        owners: vec![],
        assignees: vec![],
        return_all: false,
        limit: None,
        max_in_flight: None,
    }
}

#[test]
fn create_case_sends_kibana_body_and_decodes_fixture() {
    let t = FakeTransport::new().reply_json(200, &cases_fixture("create_case_response"));
    let created = run(&t, |c| create_case(c, create_input())).unwrap();
    assert!(created.created);
    let case = created.kibana_case;
    let req = t.only_request();
    req.assert_standard_headers();
    assert_eq!(req.line(), "POST /api/cases");
    assert_eq!(
        req.body_json(),
        json!({
            "title": "Case title 1",
            "description": "A case description.",
            "tags": ["tag 1"],
            "connector": {"id": "none", "name": "none", "type": ".none", "fields": null},
            "settings": {"syncAlerts": true},
            "owner": "cases",
            "severity": "low",
            "assignees": []
        })
    );
    assert_eq!(case.case_id, "66b9aa00-94fa-11ea-9f74-e7e108796192");
    assert_eq!(case.title, "Case title 1");
    assert_eq!(case.description, "A case description.");
    assert_eq!(case.status, CaseStatus::Open);
    assert_eq!(case.severity, Severity::Low);
    assert_eq!(case.owner, Owner::Cases);
    assert_eq!(case.created_at, "2022-10-13T15:33:50.604Z");
    assert_eq!(case.created_by, "elastic");
    assert_eq!(case.updated_at, None);
    assert_eq!(case.updated_by, None);
    assert_eq!(case.tags, vec!["tag 1"]);
    assert_eq!(case.version, "WzUzMiwxXQ==");
    assert_eq!((case.total_alerts, case.total_comments), (0, 0));
    assert!(case.comments.is_empty());
}

#[test]
fn create_case_full_input_in_space() {
    let mut fixture = cases_fixture("create_case_response");
    fixture["owner"] = json!("securitySolution");
    fixture["severity"] = json!("critical");
    let t = FakeTransport::new().reply_json(200, &fixture);
    let client = Client::new(&conn_in_space("soc-team"), &t).unwrap();
    let input = CreateCaseInput {
        owner: Owner::SecuritySolution,
        description: Some("   ".into()),
        connector_id: Some("131d4448".into()),
        connector_name: Some("My connector".into()),
        connector_type: Some(CaseConnectorType::Jira),
        severity: Some(Severity::Critical),
        tags: vec!["a, b".into(), " ".into(), "c".into()],
        assignees: vec!["u1,u2".into()],
        ..create_input()
    };
    let case = create_case(&client, input).unwrap().kibana_case;
    let req = t.only_request();
    assert_eq!(req.line(), "POST /s/soc-team/api/cases");
    assert_eq!(
        req.body_json(),
        json!({
            "title": "Case title 1",
            "description": "Case title 1",
            "tags": ["a", "b", "c"],
            "connector": {"id": "131d4448", "name": "My connector", "type": ".jira", "fields": null},
            "settings": {"syncAlerts": true},
            "owner": "securitySolution",
            "severity": "critical",
            "assignees": [{"uid": "u1"}, {"uid": "u2"}]
        })
    );
    assert_eq!(case.owner, Owner::SecuritySolution);
    assert_eq!(case.severity, Severity::Critical);
}

#[test]
fn create_case_validation_sends_nothing() {
    let cases: Vec<(CreateCaseInput, &str)> = vec![
        (
            CreateCaseInput {
                title: "  ".into(),
                ..create_input()
            },
            "title: must not be blank",
        ),
        (
            CreateCaseInput {
                title: "x".repeat(161),
                ..create_input()
            },
            "title: must be at most 160 characters (got 161)",
        ),
        (
            CreateCaseInput {
                description: Some("d".repeat(30_001)),
                ..create_input()
            },
            "description: must be at most 30000 characters",
        ),
        (
            CreateCaseInput {
                connector_type: Some(CaseConnectorType::Servicenow),
                ..create_input()
            },
            "connector-id: is required with connector-type .servicenow",
        ),
        (
            CreateCaseInput {
                tags: (0..201).map(|i| i.to_string()).collect(),
                ..create_input()
            },
            "tags: at most 200 tags (got 201)",
        ),
        (
            CreateCaseInput {
                tags: vec!["t".repeat(257)],
                ..create_input()
            },
            "tags: each tag must be at most 256 characters",
        ),
        (
            CreateCaseInput {
                assignees: (0..11).map(|i| i.to_string()).collect(),
                ..create_input()
            },
            "assignees: at most 10 assignees (got 11)",
        ),
    ];
    for (input, expected) in cases {
        let t = FakeTransport::new();
        let err = run(&t, |c| create_case(c, input)).unwrap_err();
        assert_invalid(&err, expected);
        assert!(t.requests().is_empty());
    }
}

/// A page of `_find` with these cases.
fn find_page(cases: Vec<serde_json::Value>) -> serde_json::Value {
    json!({"page": 1, "per_page": 1, "total": cases.len(), "cases": cases})
}

/// Kibana's example case, carrying `tags`.
fn case_with_tags(tags: &[&str]) -> serde_json::Value {
    let mut case = cases_fixture("create_case_response");
    case["tags"] = json!(tags);
    case
}

const FIND_KEYED: &str = "GET /api/cases/_find?tags=idempotency-key-alert-5f1c.x_y&owner=cases\
     &sortField=createdAt&sortOrder=asc&page=1&perPage=1";

fn keyed() -> CreateCaseInput {
    CreateCaseInput {
        idempotency_key: Some("alert-5f1c.x_y".into()),
        ..create_input()
    }
}

#[test]
fn create_case_with_key_found_sends_no_post() {
    let found = case_with_tags(&["tag 1", "idempotency-key-alert-5f1c.x_y"]);
    let t = FakeTransport::new().reply_json(200, &find_page(vec![found]));
    let created = run(&t, |c| create_case(c, keyed())).unwrap();
    assert_eq!(t.lines(), [FIND_KEYED]);
    t.only_request().assert_standard_headers();
    assert!(!created.created);
    assert_eq!(
        created.kibana_case.case_id,
        "66b9aa00-94fa-11ea-9f74-e7e108796192"
    );
    assert_eq!(
        created.kibana_case.tags,
        ["tag 1", "idempotency-key-alert-5f1c.x_y"]
    );
}

#[test]
fn create_case_with_key_not_found_posts_with_marker() {
    let t = FakeTransport::new()
        .reply_json(200, &find_page(vec![]))
        .reply_json(200, &cases_fixture("create_case_response"));
    let created = run(&t, |c| create_case(c, keyed())).unwrap();
    assert_eq!(t.lines(), [FIND_KEYED, "POST /api/cases"]);
    assert_eq!(
        t.requests()[1].body_json()["tags"],
        json!(["tag 1", "idempotency-key-alert-5f1c.x_y"])
    );
    assert!(created.created);
}

#[test]
fn create_case_with_key_in_space_for_owner_and_marker_given_once() {
    let t = FakeTransport::new()
        .reply_json(200, &find_page(vec![]))
        .reply_json(200, &cases_fixture("create_case_response"));
    let client = Client::new(&conn_in_space("soc-team"), &t).unwrap();
    let input = CreateCaseInput {
        owner: Owner::SecuritySolution,
        tags: vec!["idempotency-key-k".into(), "edr".into()],
        idempotency_key: Some("k".into()),
        ..create_input()
    };
    create_case(&client, input).unwrap();
    assert_eq!(
        t.lines(),
        [
            "GET /s/soc-team/api/cases/_find?tags=idempotency-key-k&owner=securitySolution\
             &sortField=createdAt&sortOrder=asc&page=1&perPage=1",
            "POST /s/soc-team/api/cases",
        ]
    );
    assert_eq!(
        t.requests()[1].body_json()["tags"],
        json!(["idempotency-key-k", "edr"])
    );
}

#[test]
fn create_case_with_key_ignores_a_found_case_without_the_marker() {
    // A Kibana that ignored the tags filter: its first case is not the keyed one.
    let t = FakeTransport::new()
        .reply_json(200, &find_page(vec![case_with_tags(&["tag 1"])]))
        .reply_json(200, &cases_fixture("create_case_response"));
    let created = run(&t, |c| create_case(c, keyed())).unwrap();
    assert_eq!(t.lines(), [FIND_KEYED, "POST /api/cases"]);
    assert!(created.created);
}

#[test]
fn create_case_with_key_lookup_failure_sends_no_post() {
    let t = FakeTransport::new().reply(
        503,
        r#"{"statusCode":503,"error":"Service Unavailable","message":"later"}"#,
    );
    let err = run(&t, |c| create_case(c, keyed())).unwrap_err();
    assert_eq!((err.status_code, err.kind), (503, ErrorKind::ServerError));
    assert_eq!(t.lines(), [FIND_KEYED]);
}

#[test]
fn create_case_invalid_keys_send_nothing() {
    let key = |k: &str| CreateCaseInput {
        idempotency_key: Some(k.into()),
        ..create_input()
    };
    let cases: Vec<(CreateCaseInput, &str)> = vec![
        (key(""), "idempotency-key: must not be empty (leave it out to create a case at every call)"),
        (key("a b"), "idempotency-key: may hold only letters A-Z and a-z, digits, `-`, `_` and `.` (got ` `)"),
        (key("alert:1"), "idempotency-key: may hold only letters A-Z and a-z, digits, `-`, `_` and `.` (got `:`)"),
        (key("a*"), "idempotency-key: may hold only letters A-Z and a-z, digits, `-`, `_` and `.` (got `*`)"),
        (key("é"), "idempotency-key: may hold only letters A-Z and a-z, digits, `-`, `_` and `.` (got `\\u{e9}`)"),
        (key("k\n"), "idempotency-key: may hold only letters A-Z and a-z, digits, `-`, `_` and `.` (got `\\n`)"),
        (key(&"k".repeat(241)), "idempotency-key: must be at most 240 characters (got 241)"),
        (
            CreateCaseInput {
                tags: (0..200).map(|i| i.to_string()).collect(),
                ..key("k")
            },
            "tags: at most 199 tags with an idempotency-key, whose marker tag is the 200th (got 200)",
        ),
    ];
    for (input, expected) in cases {
        let t = FakeTransport::new();
        let err = run(&t, |c| create_case(c, input)).unwrap_err();
        assert_eq!(err.message, expected);
        assert_eq!((err.status_code, err.kind), (-1, ErrorKind::InvalidInput));
        assert!(t.requests().is_empty());
    }
    // The longest key, and 199 tags besides the marker: both accepted.
    for (input, tags) in [
        (key(&"k".repeat(240)), 2),
        (
            CreateCaseInput {
                tags: (0..199).map(|i| i.to_string()).collect(),
                ..key("k")
            },
            200,
        ),
    ] {
        let t = FakeTransport::new()
            .reply_json(200, &find_page(vec![]))
            .reply_json(200, &cases_fixture("create_case_response"));
        run(&t, |c| create_case(c, input)).unwrap();
        let sent = t.requests()[1].body_json();
        assert_eq!(sent["tags"].as_array().map(Vec::len), Some(tags));
    }
}

#[test]
fn create_case_401_passes_kibana_message() {
    let t = FakeTransport::new().reply_json(401, &cases_fixture("response_401"));
    let err = run(&t, |c| create_case(c, create_input())).unwrap_err();
    assert_eq!(err.status_code, 401);
    assert_eq!(err.kind, ErrorKind::Unauthorized);
    assert_eq!(
        err.message,
        "Unable to authenticate with the provided credentials."
    );
    assert_no_secret(&err, API_KEY);
}

#[test]
fn create_case_403_assignees_without_license() {
    let t = FakeTransport::new().reply_json(403, &cases_fixture("response_403"));
    let input = CreateCaseInput {
        assignees: vec!["u1".into()],
        ..create_input()
    };
    let err = run(&t, |c| create_case(c, input)).unwrap_err();
    assert_eq!((err.status_code, err.kind), (403, ErrorKind::Forbidden));
    assert_eq!(err.message, "Unauthorized to access cases");
}

#[test]
fn create_case_invalid_json_is_502() {
    let t = FakeTransport::new().reply(200, "{\"id\": \"x\", oops");
    let err = run(&t, |c| create_case(c, create_input())).unwrap_err();
    assert_eq!(
        (err.status_code, err.kind),
        (502, ErrorKind::InvalidResponse)
    );
    assert!(err
        .message
        .starts_with("Kibana answered 200 but the body is not a valid case: "));
}

#[test]
fn create_case_unknown_owner_is_502() {
    let mut fixture = cases_fixture("create_case_response");
    fixture["owner"] = json!("someNewApp");
    let t = FakeTransport::new().reply_json(200, &fixture);
    let err = run(&t, |c| create_case(c, create_input())).unwrap_err();
    assert_eq!(err.status_code, 502);
    assert_eq!(
        err.message,
        "Kibana answered 200 but the body is not a valid case: owner: unknown variant `someNewApp`, \
         expected one of `cases`, `observability`, `securitySolution` at line 1 column 728"
    );
}

#[test]
fn create_case_html_502_from_proxy_is_quoted() {
    let html = format!(
        "<html><body><h1>502 Bad Gateway</h1>{}</body></html>",
        "z".repeat(600)
    );
    let t = FakeTransport::new().reply(502, &html);
    let err = run(&t, |c| create_case(c, create_input())).unwrap_err();
    assert_eq!((err.status_code, err.kind), (502, ErrorKind::ServerError));
    assert!(err
        .message
        .starts_with("HTTP 502: <html><body><h1>502 Bad Gateway</h1>zzz"));
    assert_eq!(err.message.chars().count(), "HTTP 502: ".len() + 512);
}

#[test]
fn create_case_timeout_is_status_0() {
    let t = FakeTransport::new().fail(TransportError::Timeout);
    let err = run(&t, |c| create_case(c, create_input())).unwrap_err();
    assert_eq!((err.status_code, err.kind), (0, ErrorKind::Timeout));
    assert_eq!(err.message, "no answer from Kibana within 30000 ms");
}

#[test]
fn get_case_decodes_fixture() {
    let t = FakeTransport::new().reply_json(200, &cases_fixture("get_case_response"));
    let input = GetCaseInput {
        case_id: "31cdada0-02c1-11ed-85f2-4f7c222ca2fa".into(),
        include_comments: false,
        max_in_flight: None,
    };
    let case = run(&t, |c| get_case(c, input)).unwrap();
    let req = t.only_request();
    req.assert_standard_headers();
    assert_eq!(
        req.line(),
        "GET /api/cases/31cdada0-02c1-11ed-85f2-4f7c222ca2fa"
    );
    assert_eq!(case.case_id, "31cdada0-02c1-11ed-85f2-4f7c222ca2fa");
    assert_eq!(case.updated_at.as_deref(), Some("2023-10-13T15:40:32.335Z"));
    assert_eq!(case.updated_by.as_deref(), Some("elastic"));
    assert_eq!(
        case.assignees,
        vec!["u_mGBROF_q5bmFCATbLXAcCwKa0k8JvONAwSruelyKA5E_0"]
    );
    assert_eq!((case.total_alerts, case.total_comments), (1, 1));
    assert_eq!(case.version, "WzM2LDFd");
    assert!(case.comments.is_empty());
}

#[test]
fn get_case_observability_in_progress() {
    let t = FakeTransport::new().reply_json(200, &cases_fixture("get_case_observability_response"));
    let input = GetCaseInput {
        case_id: "c3ff".into(),
        include_comments: false,
        max_in_flight: None,
    };
    let case = run(&t, |c| get_case(c, input)).unwrap();
    assert_eq!(case.owner, Owner::Observability);
    assert_eq!(case.status, CaseStatus::InProgress);
}

#[test]
fn get_case_hostile_id_is_one_segment() {
    let t = FakeTransport::new().reply_json(404, &cases_fixture("response_404"));
    let input = GetCaseInput {
        case_id: "a/../b?c#d".into(),
        include_comments: false,
        max_in_flight: None,
    };
    let err = run(&t, |c| get_case(c, input)).unwrap_err();
    assert_eq!(
        t.only_request().path_and_query,
        "/api/cases/a%2F..%2Fb%3Fc%23d"
    );
    assert_eq!((err.status_code, err.kind), (404, ErrorKind::NotFound));
    let t = FakeTransport::new().reply_json(404, &cases_fixture("response_404"));
    let input = GetCaseInput {
        case_id: "..".into(),
        include_comments: false,
        max_in_flight: None,
    };
    run(&t, |c| get_case(c, input)).unwrap_err();
    assert_eq!(t.only_request().path_and_query, "/api/cases/%2E%2E");
}

#[test]
fn get_case_with_comments_pages_through_find() {
    let comment = |i: usize| {
        json!({"id": format!("c{i}"), "version": "v", "type": "user", "owner": "cases",
               "comment": format!("text {i}"), "created_at": "2023-10-07T19:32:13.104Z",
               "created_by": {"username": "elastic"}})
    };
    let page1: Vec<_> = (0..100).map(comment).collect();
    let page2: Vec<_> = (100..130).map(comment).collect();
    let t = FakeTransport::new()
        .reply_json(200, &cases_fixture("get_case_response"))
        .reply_json(
            200,
            &json!({"page": 1, "per_page": 100, "total": 130, "comments": page1}),
        )
        .reply_json(
            200,
            &json!({"page": 2, "per_page": 100, "total": 130, "comments": page2}),
        );
    let client = Client::new(&conn_in_space("sec"), &t).unwrap();
    let input = GetCaseInput {
        case_id: "case-1".into(),
        include_comments: true,
        max_in_flight: None,
    };
    let case = get_case(&client, input).unwrap();
    assert_eq!(
        t.lines(),
        vec![
            "GET /s/sec/api/cases/case-1",
            "GET /s/sec/api/cases/case-1/comments/_find?page=1&perPage=100&sortOrder=asc",
            "GET /s/sec/api/cases/case-1/comments/_find?page=2&perPage=100&sortOrder=asc",
        ]
    );
    assert_eq!(case.comments.len(), 130);
    assert_eq!(case.comments[129].comment_id, "c129");
    assert_eq!(case.comments[0].case_id, "case-1");
    assert_eq!(case.comments[0].comment, "text 0");
}

#[test]
fn get_case_with_comments_fixture_and_error() {
    let t = FakeTransport::new()
        .reply_json(200, &cases_fixture("get_case_response"))
        .reply_json(200, &cases_fixture("find_case_comments_response"));
    let input = GetCaseInput {
        case_id: "x".into(),
        include_comments: true,
        max_in_flight: None,
    };
    let case = run(&t, |c| get_case(c, input)).unwrap();
    assert_eq!(case.comments.len(), 1);
    assert_eq!(
        case.comments[0].comment_id,
        "8048b460-fe2b-11ec-b15d-779a7c8bbcc3"
    );

    let t = FakeTransport::new()
        .reply_json(200, &cases_fixture("get_case_response"))
        .reply_json(403, &cases_fixture("response_403"));
    let input = GetCaseInput {
        case_id: "x".into(),
        include_comments: true,
        max_in_flight: None,
    };
    let err = run(&t, |c| get_case(c, input)).unwrap_err();
    assert_eq!(err.status_code, 403);
}

#[test]
fn get_case_blank_id_sends_nothing() {
    let t = FakeTransport::new();
    let input = GetCaseInput {
        case_id: " ".into(),
        include_comments: true,
        max_in_flight: None,
    };
    assert_invalid(
        &run(&t, |c| get_case(c, input)).unwrap_err(),
        "case-id: must not be blank",
    );
    assert!(t.requests().is_empty());
}

#[test]
fn get_many_cases_defaults() {
    let t = FakeTransport::new().reply_json(200, &cases_fixture("find_case_response"));
    let page = run(&t, |c| get_many_cases(c, many_input())).unwrap();
    let req = t.only_request();
    req.assert_standard_headers();
    assert_eq!(
        req.line(),
        "GET /api/cases/_find?page=1&perPage=20&sortField=createdAt&sortOrder=desc"
    );
    assert_eq!((page.page, page.per_page, page.total), (1, 5, 1));
    assert_eq!(page.cases.len(), 1);
    assert_eq!(
        page.cases[0].case_id,
        "abed3a70-71bd-11ea-a0b2-c51ea50a58e2"
    );
    assert_eq!(page.cases[0].total_comments, 1);
    assert!(page.cases[0].comments.is_empty());
}

#[test]
fn get_many_cases_all_filters_in_order() {
    let t = FakeTransport::new().reply_json(200, &json!({"total": 0, "cases": []}));
    let input = GetManyCasesInput {
        page: Some(3),
        per_page: Some(50),
        sort_field: Some(SortField::UpdatedAt),
        sort_order: Some(SortOrder::Asc),
        search: Some("bad & evil=1".into()),
        search_fields: vec!["title, description".into()],
        status: Some(CaseStatus::InProgress),
        owners: vec![Owner::SecuritySolution, Owner::Cases],
        assignees: vec!["u1,u 2".into()],
        return_all: false,
        limit: None,
        max_in_flight: None,
    };
    let page = run(&t, |c| get_many_cases(c, input)).unwrap();
    assert_eq!(
        t.only_request().path_and_query,
        "/api/cases/_find?page=3&perPage=50&sortField=updatedAt&sortOrder=asc\
         &search=bad%20%26%20evil%3D1&searchFields=title&searchFields=description\
         &status=in-progress&owner=securitySolution&owner=cases&assignees=u1&assignees=u%202"
    );
    assert_eq!((page.page, page.per_page, page.total), (3, 50, 0));
}

#[test]
fn get_many_cases_paging_validation() {
    for (page, per_page, expected) in [
        (Some(0), None, "page: must be at least 1 (got 0)"),
        (None, Some(0), "per-page: must be between 1 and 100 (got 0)"),
        (
            None,
            Some(101),
            "per-page: must be between 1 and 100 (got 101)",
        ),
        (
            Some(201),
            Some(50),
            "page: page * per-page must be at most 10000",
        ),
    ] {
        let t = FakeTransport::new();
        let input = GetManyCasesInput {
            page,
            per_page,
            ..many_input()
        };
        assert_invalid(
            &run(&t, |c| get_many_cases(c, input)).unwrap_err(),
            expected,
        );
        assert!(t.requests().is_empty());
    }
}

#[test]
fn get_many_cases_filter_validation() {
    let too_long = "x".repeat(4097);
    let many_uids: Vec<String> = (0..101).map(|i| format!("u{i}")).collect();
    let long_uids: Vec<String> = (0..100)
        .map(|i| format!("{i}{}", "%".repeat(200)))
        .collect();
    for (input, expected) in [
        (
            GetManyCasesInput {
                search_fields: vec!["title,tags".into()],
                ..many_input()
            },
            "search-fields: each must be `title` or `description` (got `tags`)",
        ),
        (
            GetManyCasesInput {
                assignees: many_uids,
                ..many_input()
            },
            "assignees: at most 100 assignees (got 101)",
        ),
        (
            GetManyCasesInput {
                search: Some(too_long),
                ..many_input()
            },
            "search: must be at most 4096 bytes (got 4097)",
        ),
        (
            GetManyCasesInput {
                assignees: long_uids,
                ..many_input()
            },
            "search, assignees: together too long for one request",
        ),
    ] {
        let t = FakeTransport::new();
        assert_invalid(
            &run(&t, |c| get_many_cases(c, input)).unwrap_err(),
            expected,
        );
        assert!(t.requests().is_empty());
    }
}

#[test]
fn get_many_cases_owners_sent_once_each() {
    let t = FakeTransport::new().reply_json(200, &json!({"total": 0, "cases": []}));
    let input = GetManyCasesInput {
        owners: vec![Owner::Cases; 1000],
        search: Some("x".repeat(4096)),
        ..many_input()
    };
    run(&t, |c| get_many_cases(c, input)).unwrap();
    let path = t.only_request().path_and_query;
    assert_eq!(path.matches("owner=cases").count(), 1, "{path}");
}

#[test]
fn get_many_cases_400_passes_message() {
    let t = FakeTransport::new().reply(
        400,
        r#"{"statusCode":400,"error":"Bad Request","message":"Invalid value \"x\" supplied to \"sortField\""}"#,
    );
    let err = run(&t, |c| get_many_cases(c, many_input())).unwrap_err();
    assert_eq!((err.status_code, err.kind), (400, ErrorKind::BadRequest));
    assert_eq!(err.message, "Invalid value \"x\" supplied to \"sortField\"");
}

#[test]
fn get_case_status_reduces_case() {
    let t = FakeTransport::new().reply_json(200, &cases_fixture("get_case_response"));
    let info = run(&t, |c| {
        get_case_status(c, "31cdada0-02c1-11ed-85f2-4f7c222ca2fa")
    })
    .unwrap();
    assert_eq!(
        t.only_request().line(),
        "GET /api/cases/31cdada0-02c1-11ed-85f2-4f7c222ca2fa"
    );
    assert_eq!(info.case_id, "31cdada0-02c1-11ed-85f2-4f7c222ca2fa");
    assert_eq!(info.title, "Case title 1");
    assert_eq!(info.status, CaseStatus::Open);
    assert_eq!(info.severity, Severity::Low);
    assert_eq!(info.owner, Owner::Cases);
    assert_eq!(info.updated_at.as_deref(), Some("2023-10-13T15:40:32.335Z"));
    assert_eq!(info.updated_by.as_deref(), Some("elastic"));
    assert_eq!((info.total_alerts, info.total_comments), (1, 1));
}

#[test]
fn get_case_status_unknown_status_is_502() {
    let mut fixture = cases_fixture("get_case_response");
    fixture["status"] = json!("archived");
    let t = FakeTransport::new().reply_json(200, &fixture);
    let err = run(&t, |c| get_case_status(c, "x")).unwrap_err();
    assert_eq!(
        (err.status_code, err.kind),
        (502, ErrorKind::InvalidResponse)
    );
    assert!(
        err.message.contains(
            "status: unknown variant `archived`, expected one of `open`, `in-progress`, `closed`"
        ),
        "{}",
        err.message
    );
}

#[test]
fn get_case_status_404() {
    let t = FakeTransport::new().reply_json(404, &cases_fixture("response_404"));
    let err = run(&t, |c| get_case_status(c, "nope")).unwrap_err();
    assert_eq!((err.status_code, err.kind), (404, ErrorKind::NotFound));
    assert!(err.message.contains("not found"));
}

#[test]
fn update_case_sends_only_given_fields() {
    let t = FakeTransport::new().reply_json(200, &cases_fixture("update_case_response"));
    let input = UpdateCaseInput {
        status: Some(CaseStatus::InProgress),
        tags: Some(vec!["tag-1, tag-2".into()]),
        ..update_input()
    };
    let case = run(&t, |c| update_case(c, input)).unwrap();
    let req = t.only_request();
    req.assert_standard_headers();
    assert_eq!(req.line(), "PATCH /api/cases");
    assert_eq!(
        req.body_json(),
        json!({"cases": [{
            "id": "66b9aa00-94fa-11ea-9f74-e7e108796192",
            "version": "WzUzMiwxXQ==",
            "status": "in-progress",
            "tags": ["tag-1", "tag-2"]
        }]})
    );
    assert_eq!(case.version, "WzU0OCwxXQ==");
    assert_eq!(case.updated_at.as_deref(), Some("2023-10-13T09:48:33.043Z"));
    assert_eq!(case.tags, vec!["tag-1"]);
}

#[test]
fn update_case_all_fields_and_empty_lists() {
    let t = FakeTransport::new().reply_json(200, &cases_fixture("update_case_response"));
    let input = UpdateCaseInput {
        title: Some("New".into()),
        description: Some("Desc".into()),
        status: Some(CaseStatus::Closed),
        severity: Some(Severity::High),
        tags: Some(vec![]),
        assignees: Some(vec!["u1".into()]),
        ..update_input()
    };
    run(&t, |c| update_case(c, input)).unwrap();
    assert_eq!(
        t.only_request().body_json()["cases"][0],
        json!({
            "id": "66b9aa00-94fa-11ea-9f74-e7e108796192", "version": "WzUzMiwxXQ==",
            "title": "New", "description": "Desc", "status": "closed", "severity": "high",
            "tags": [], "assignees": [{"uid": "u1"}]
        })
    );
}

#[test]
fn update_case_picks_matching_element() {
    let mut other = cases_fixture("update_case_response")[0].clone();
    other["id"] = json!("other");
    other["version"] = json!("vOther");
    let mut mine = cases_fixture("update_case_response")[0].clone();
    mine["id"] = json!("mine");
    let t = FakeTransport::new().reply_json(200, &json!([other, mine]));
    let input = UpdateCaseInput {
        case_id: "mine".into(),
        title: Some("t".into()),
        ..update_input()
    };
    let case = run(&t, |c| update_case(c, input)).unwrap();
    assert_eq!(case.case_id, "mine");
}

#[test]
fn update_case_empty_answer_is_502() {
    let t = FakeTransport::new().reply(200, "[]");
    let input = UpdateCaseInput {
        title: Some("t".into()),
        ..update_input()
    };
    let err = run(&t, |c| update_case(c, input)).unwrap_err();
    assert_eq!(err.status_code, 502);
    assert_eq!(
        err.message,
        "Kibana answered 200 but the body is not a valid list of updated cases: the list is empty"
    );
}

#[test]
fn update_case_no_field_is_invalid() {
    let t = FakeTransport::new();
    let err = run(&t, |c| update_case(c, update_input())).unwrap_err();
    assert_eq!(err.status_code, -1);
    assert_eq!(
        err.message,
        "update-case: give at least one field to change (title, description, status, severity, tags, assignees)"
    );
    assert!(t.requests().is_empty());
}

#[test]
fn update_case_validation_sends_nothing() {
    for (input, expected) in [
        (
            UpdateCaseInput {
                version: " ".into(),
                title: Some("t".into()),
                ..update_input()
            },
            "version: must not be blank",
        ),
        (
            UpdateCaseInput {
                case_id: "".into(),
                title: Some("t".into()),
                ..update_input()
            },
            "case-id: must not be blank",
        ),
        (
            UpdateCaseInput {
                title: Some(" ".into()),
                ..update_input()
            },
            "title: must not be blank",
        ),
        (
            UpdateCaseInput {
                description: Some("".into()),
                ..update_input()
            },
            "description: must not be blank",
        ),
        (
            UpdateCaseInput {
                assignees: Some((0..11).map(|i| i.to_string()).collect()),
                ..update_input()
            },
            "assignees: at most 10",
        ),
    ] {
        let t = FakeTransport::new();
        assert_invalid(&run(&t, |c| update_case(c, input)).unwrap_err(), expected);
        assert!(t.requests().is_empty());
    }
}

#[test]
fn update_case_409_and_406_pass_through() {
    let t = FakeTransport::new()
        .reply_json(409, &json!({"statusCode": 409, "error": "Conflict", "message": "This case 66b9 has been updated. Please refresh before saving additional updates."}))
        .reply_json(406, &json!({"statusCode": 406, "error": "Not Acceptable", "message": "All update fields are identical to current version."}));
    let input = || UpdateCaseInput {
        title: Some("t".into()),
        ..update_input()
    };
    let err = run(&t, |c| update_case(c, input())).unwrap_err();
    assert_eq!((err.status_code, err.kind), (409, ErrorKind::Conflict));
    assert!(err.message.starts_with("This case 66b9 has been updated"));
    let err = run(&t, |c| update_case(c, input())).unwrap_err();
    assert_eq!((err.status_code, err.kind), (406, ErrorKind::NotAcceptable));
    assert_eq!(
        err.message,
        "All update fields are identical to current version."
    );
}

#[test]
fn delete_case_bulk_success() {
    let t = FakeTransport::new().reply(204, "");
    let input = DeleteCaseInput {
        case_ids: vec!["a, b".into(), "a".into(), "c\"d".into()],
        max_in_flight: None,
    };
    let out = run(&t, |c| delete_case(c, input)).unwrap();
    let req = t.only_request();
    req.assert_standard_headers();
    assert_eq!(
        req.line(),
        "DELETE /api/cases?ids=%5B%22a%22%2C%22b%22%2C%22c%5C%22d%22%5D"
    );
    assert_eq!(req.body, None);
    assert_eq!(
        (out.status_code, out.deleted_count, out.failed_count),
        (204, 3, 0)
    );
    assert!(out.failed_items.is_empty());
}

#[test]
fn delete_case_falls_back_per_id() {
    let not_found = json!({"statusCode": 404, "error": "Not Found", "message": "Saved object [cases/b] not found"});
    let t = FakeTransport::new()
        .reply_json(404, &not_found)
        .reply(204, "")
        .reply_json(404, &not_found)
        .fail(TransportError::Unreachable("connection reset".into()))
        .reply(204, "");
    let input = DeleteCaseInput {
        case_ids: vec!["a,b,c,d".into()],
        max_in_flight: None,
    };
    let out = run(&t, |c| delete_case(c, input)).unwrap();
    assert_eq!(
        t.lines(),
        vec![
            "DELETE /api/cases?ids=%5B%22a%22%2C%22b%22%2C%22c%22%2C%22d%22%5D",
            "DELETE /api/cases?ids=%5B%22a%22%5D",
            "DELETE /api/cases?ids=%5B%22b%22%5D",
            "DELETE /api/cases?ids=%5B%22c%22%5D",
            "DELETE /api/cases?ids=%5B%22d%22%5D",
        ]
    );
    for req in t.requests() {
        req.assert_standard_headers();
    }
    assert_eq!((out.deleted_count, out.failed_count), (2, 2));
    // The first failure in the order of the ids: b's 404 (d's was no answer, 0).
    assert_eq!(out.status_code, 404);
    assert_eq!(out.failed_items[0].case_id, "b");
    assert_eq!(out.failed_items[0].status_code, 404);
    assert_eq!(
        out.failed_items[0].error_message,
        "Saved object [cases/b] not found"
    );
    assert_eq!(out.failed_items[1].case_id, "c");
    assert_eq!(out.failed_items[1].status_code, 0);
    assert!(out.failed_items[1]
        .error_message
        .ends_with("connection reset"));
}

#[test]
fn delete_case_falls_back_per_id_in_flight_together() {
    // Answered newest first: each id's answer overtakes the ids sent before it. The
    // output still follows the order of the ids.
    let t = FakeTransport::new()
        .serve(|request| {
            // The bulk call (ids with a comma between them), b and e: not found.
            let (_, ids) = request.path_and_query.split_once("?ids=").unwrap();
            let missing = ids.contains("%2C") || ["%5B%22b%22%5D", "%5B%22e%22%5D"].contains(&ids);
            let status = if missing { 404 } else { 204 };
            Ok(Response {
                status,
                body: match status {
                    404 => {
                        br#"{"statusCode":404,"error":"Not Found","message":"not found"}"#.to_vec()
                    }
                    _ => Vec::new(),
                },
            })
        })
        .answering(Order::Newest);
    let input = DeleteCaseInput {
        case_ids: vec!["a,b,c,d,e,f".into()],
        max_in_flight: Some(3),
    };
    let out = run(&t, |c| delete_case(c, input)).unwrap();
    let one = |id: &str| format!("DELETE /api/cases?ids=%5B%22{id}%22%5D");
    let mut expected = vec![
        "DELETE /api/cases?ids=%5B%22a%22%2C%22b%22%2C%22c%22%2C%22d%22%2C%22e%22%2C%22f%22%5D"
            .to_owned(),
    ];
    expected.extend(["a", "b", "c", "d", "e", "f"].map(one));
    assert_eq!(t.lines(), expected);
    assert_eq!(t.most_in_flight(), 3);
    let answered: Vec<String> = t
        .events()
        .into_iter()
        .filter_map(|e| e.strip_prefix("answer ").map(str::to_owned))
        .skip(1)
        .collect();
    assert_eq!(
        answered,
        ["c", "d", "e", "f", "b", "a"].map(one),
        "answers out of order"
    );
    assert_eq!((out.deleted_count, out.failed_count), (4, 2));
    assert_eq!(out.status_code, 404);
    let failed: Vec<(&str, i32)> = out
        .failed_items
        .iter()
        .map(|f| (f.case_id.as_str(), f.status_code))
        .collect();
    assert_eq!(failed, [("b", 404), ("e", 404)]);
}

#[test]
fn bulk_operations_refuse_max_in_flight_out_of_range_unsent() {
    for bad in [0, 17] {
        let t = FakeTransport::new();
        let err = run(&t, |c| {
            delete_case(
                c,
                DeleteCaseInput {
                    case_ids: vec!["a".into()],
                    max_in_flight: Some(bad),
                },
            )
        })
        .unwrap_err();
        assert_invalid(&err, "max-in-flight: must be between 1 and 16");
        let err = run(&t, |c| {
            get_case(
                c,
                GetCaseInput {
                    case_id: "a".into(),
                    include_comments: true,
                    max_in_flight: Some(bad),
                },
            )
        })
        .unwrap_err();
        assert_invalid(&err, "max-in-flight: must be between 1 and 16");
        let input = GetManyCasesInput {
            return_all: true,
            max_in_flight: Some(bad),
            ..many_input()
        };
        let err = run(&t, |c| get_many_cases(c, input)).unwrap_err();
        assert_invalid(
            &err,
            &format!("max-in-flight: must be between 1 and 16 (got {bad})"),
        );
        assert!(t.requests().is_empty());
    }
}

#[test]
fn delete_case_401_403_0_stop_at_bulk() {
    for answer in [
        FakeTransport::new().reply_json(401, &cases_fixture("response_401")),
        FakeTransport::new().reply_json(403, &cases_fixture("response_403")),
        FakeTransport::new().fail(TransportError::Timeout),
    ] {
        let input = DeleteCaseInput {
            case_ids: vec!["a".into(), "b".into()],
            max_in_flight: None,
        };
        let err = run(&answer, |c| delete_case(c, input)).unwrap_err();
        assert!(matches!(err.status_code, 0 | 401 | 403));
        assert_eq!(answer.requests().len(), 1);
    }
}

#[test]
fn delete_case_validation() {
    let t = FakeTransport::new();
    let input = DeleteCaseInput {
        case_ids: vec![" , ".into()],
        max_in_flight: None,
    };
    assert_invalid(
        &run(&t, |c| delete_case(c, input)).unwrap_err(),
        "case-ids: give at least one case id",
    );
    let input = DeleteCaseInput {
        case_ids: (0..101).map(|i| i.to_string()).collect(),
        max_in_flight: None,
    };
    assert_invalid(
        &run(&t, |c| delete_case(c, input)).unwrap_err(),
        "case-ids: at most 100 case ids (got 101)",
    );
    assert!(t.requests().is_empty());
}

#[test]
fn delete_case_id_lengths() {
    let t = FakeTransport::new();
    let input = DeleteCaseInput {
        case_ids: vec!["a".repeat(513)],
        max_in_flight: None,
    };
    assert_invalid(
        &run(&t, |c| delete_case(c, input)).unwrap_err(),
        "case-ids: each must be at most 512 bytes (got one of 513)",
    );
    // 100 ids of 512 bytes each pass one by one but not together in one URL.
    let input = DeleteCaseInput {
        case_ids: (0..100)
            .map(|i| format!("{i:03}{}", "/".repeat(509)))
            .collect(),
        max_in_flight: None,
    };
    assert_invalid(
        &run(&t, |c| delete_case(c, input)).unwrap_err(),
        "case-ids: together too long for one request",
    );
    assert!(t.requests().is_empty());
    // 100 UUIDs are fine.
    let t = FakeTransport::new().reply(204, "");
    let input = DeleteCaseInput {
        case_ids: (0..100)
            .map(|i| format!("{i:08}-94fa-11ea-a78c-6ffb38a34414"))
            .collect(),
        max_in_flight: None,
    };
    let out = run(&t, |c| delete_case(c, input)).unwrap();
    assert_eq!(out.deleted_count, 100);
}

#[test]
fn to_kibana_case_missing_severity_is_low() {
    let case: wire::Case = crate::kibana::decode::decode(
        br#"{"id": "x", "status": "closed", "owner": "securitySolution"}"#,
    )
    .unwrap();
    let case = to_kibana_case(case);
    assert_eq!(case.severity, Severity::Low);
    assert_eq!(case.owner, Owner::SecuritySolution);
    assert_eq!(case.created_by, "");
}

// ------------------------------------------------------------ beyond the node

#[test]
fn get_cases_by_alert_sends_owners_and_reads_kibanas_example() {
    let example =
        cases_fixture("inline:GET /api/cases/alerts/{alertId} 200 getCasesByAlertResponse");
    let t = FakeTransport::new().reply_json(200, &example);
    let input = crate::api::cases::GetCasesByAlertInput {
        alert_id: " 09f0c261e3/x ".into(),
        owners: vec![
            Owner::SecuritySolution,
            Owner::Cases,
            Owner::SecuritySolution,
        ],
    };
    let found = run(&t, |c| alerts::get_cases_by_alert(c, input)).unwrap();
    let req = t.only_request();
    req.assert_standard_headers();
    assert_eq!(
        req.line(),
        "GET /api/cases/alerts/09f0c261e3%2Fx?owner=securitySolution&owner=cases"
    );
    assert_eq!(found.len(), 1);
    let case = &found[0];
    assert_eq!(case.case_id, "06116b80-e1c3-11ec-be9b-9b1838238ee6");
    assert_eq!(
        (case.title.as_str(), case.status),
        ("security_case", CaseStatus::Open)
    );
    assert_eq!(case.created_at, "2020-02-19T23:06:33.798Z");
    assert_eq!((case.total_alerts, case.total_comments), (1, 0));
}

#[test]
fn get_cases_by_alert_blank_or_long_id_sends_nothing() {
    let t = FakeTransport::new();
    for id in [String::new(), " ".into(), "a".repeat(513)] {
        let input = crate::api::cases::GetCasesByAlertInput {
            alert_id: id,
            owners: vec![],
        };
        assert_invalid(
            &run(&t, |c| alerts::get_cases_by_alert(c, input)).unwrap_err(),
            "alert-id: ",
        );
    }
    assert!(t.requests().is_empty());
}

#[test]
fn get_case_alerts_reads_kibanas_example() {
    let t = FakeTransport::new().reply_json(200, &cases_fixture("get_case_alerts_response"));
    let alerts = run(&t, |c| alerts::get_case_alerts(c, "c/1")).unwrap();
    assert_eq!(t.only_request().line(), "GET /api/cases/c%2F1/alerts");
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].alert_id, "f6a7d0c3-d52d-432c-b2e6-447cd7fce04d");
    assert_eq!(alerts[0].index, ".alerts-observability.logs.alerts-default");
    assert_eq!(alerts[0].attached_at, "2022-07-25T20:09:40.963Z");
    let t = FakeTransport::new().reply(200, r#"[{"index":"i"}]"#);
    let err = run(&t, |c| alerts::get_case_alerts(c, "c")).unwrap_err();
    assert_eq!(
        (err.status_code, err.kind),
        (502, ErrorKind::InvalidResponse)
    );
    assert!(
        err.message.contains("[0]: missing field `id`"),
        "{}",
        err.message
    );
}

#[test]
fn push_case_posts_no_body_and_reads_kibanas_example() {
    let t = FakeTransport::new().reply_json(200, &cases_fixture("push_case_response"));
    let pushed = run(&t, |c| push_case(c, "b917f300", "09f8c0b0 x")).unwrap();
    let req = t.only_request();
    req.assert_standard_headers();
    assert_eq!(
        req.line(),
        "POST /api/cases/b917f300/connector/09f8c0b0%20x/_push"
    );
    assert_eq!(
        (req.body.as_deref(), req.header("content-length")),
        (None, Some("0"))
    );
    assert_eq!(
        pushed.kibana_case.case_id,
        "b917f300-0ed9-11ed-bd18-65557fe66949"
    );
    assert_eq!(pushed.kibana_case.version, "WzE3NjgsM10=");
    let e = &pushed.external_service;
    assert_eq!(e.connector_id, "09f8c0b0-0eda-11ed-bd18-65557fe66949");
    assert_eq!(e.connector_name, "My connector");
    assert_eq!(
        (e.external_id.as_str(), e.external_title.as_str()),
        ("71926", "ES-554")
    );
    assert_eq!(e.external_url, "https://cases.jira.com");
    assert_eq!(e.pushed_at, "2022-07-29T01:20:58.436Z");
}

#[test]
fn push_case_without_external_service_is_502() {
    let t = FakeTransport::new().reply_json(200, &cases_fixture("get_case_response"));
    let err = run(&t, |c| push_case(c, "a", "b")).unwrap_err();
    assert_eq!(
        (err.status_code, err.kind),
        (502, ErrorKind::InvalidResponse)
    );
    assert_eq!(
        err.message,
        "Kibana answered 200 but the body is not a valid pushed case: external_service is null"
    );
    let t = FakeTransport::new();
    assert_invalid(
        &run(&t, |c| push_case(c, " ", "b")).unwrap_err(),
        "case-id: ",
    );
    assert_invalid(
        &run(&t, |c| push_case(c, "a", "")).unwrap_err(),
        "connector-id: ",
    );
    assert!(t.requests().is_empty());
}

fn activity_input() -> crate::api::cases::GetCaseActivityInput {
    crate::api::cases::GetCaseActivityInput {
        case_id: "c1".into(),
        page: None,
        per_page: None,
        sort_order: None,
        types: vec![],
    }
}

#[test]
fn get_case_activity_sends_paging_and_types_and_reads_kibanas_example() {
    use crate::api::cases::ActivityType;
    let t = FakeTransport::new().reply_json(200, &cases_fixture("find_case_activity_response"));
    let input = crate::api::cases::GetCaseActivityInput {
        page: Some(2),
        per_page: Some(3),
        sort_order: Some(SortOrder::Asc),
        types: vec![
            ActivityType::CreateCase,
            ActivityType::Comment,
            ActivityType::CreateCase,
        ],
        ..activity_input()
    };
    let page = run(&t, |c| activity::get_case_activity(c, input)).unwrap();
    assert_eq!(
        t.only_request().line(),
        "GET /api/cases/c1/user_actions/_find?page=2&perPage=3&sortOrder=asc&types=create_case&types=comment"
    );
    assert_eq!((page.page, page.per_page, page.total), (1, 20, 3));
    let types: Vec<&str> = page
        .activity
        .iter()
        .map(|a| a.action_type.as_str())
        .collect();
    assert_eq!(types, ["create_case", "comment", "assignees"]);
    let comment = &page.activity[1];
    assert_eq!(comment.action_id, "57af14a0-03b1-11ed-920c-974bfa104448");
    assert_eq!(
        (comment.action.as_str(), comment.created_by.as_str()),
        ("create", "elastic")
    );
    assert_eq!(
        comment.comment_id.as_deref(),
        Some("578608d0-03b1-11ed-920c-974bfa104448")
    );
    assert_eq!(
        comment.payload,
        r#"{"comment":{"comment":"A new comment","owner":"cases","type":"user"}}"#
    );
    assert_eq!(page.activity[0].comment_id, None);
}

#[test]
fn get_case_activity_defaults_and_invalid_input() {
    let t = FakeTransport::new().reply(200, r#"{"userActions":[{"id":"u","payload":null}]}"#);
    let page = run(&t, |c| activity::get_case_activity(c, activity_input())).unwrap();
    assert_eq!(
        t.only_request().line(),
        "GET /api/cases/c1/user_actions/_find?page=1&perPage=20&sortOrder=desc"
    );
    assert_eq!((page.page, page.per_page, page.total), (1, 20, 0));
    assert_eq!(page.activity[0].payload, "{}");
    let t = FakeTransport::new();
    for (input, prefix) in [
        (
            crate::api::cases::GetCaseActivityInput {
                case_id: " ".into(),
                ..activity_input()
            },
            "case-id: ",
        ),
        (
            crate::api::cases::GetCaseActivityInput {
                per_page: Some(101),
                ..activity_input()
            },
            "per-page: ",
        ),
        (
            crate::api::cases::GetCaseActivityInput {
                page: Some(0),
                ..activity_input()
            },
            "page: ",
        ),
    ] {
        assert_invalid(
            &run(&t, |c| activity::get_case_activity(c, input)).unwrap_err(),
            prefix,
        );
    }
    assert!(t.requests().is_empty());
}

/// A `_find` page of `n` cases numbered from `first`, of `total`.
fn cases_page(first: usize, n: usize, total: usize) -> String {
    let cases: Vec<serde_json::Value> = (first..first + n)
        .map(|i| json!({"id": format!("c{i}"), "status": "open", "owner": "cases"}))
        .collect();
    json!({"page": 1, "per_page": 100, "total": total, "cases": cases}).to_string()
}

#[test]
fn get_many_cases_return_all_reads_pages_of_100_up_to_the_limit() {
    let t = FakeTransport::new()
        .reply(200, &cases_page(0, 100, 250))
        .reply(200, &cases_page(100, 100, 250));
    let input = GetManyCasesInput {
        return_all: true,
        limit: Some(150),
        page: Some(0),
        per_page: Some(0),
        status: Some(CaseStatus::Open),
        ..many_input()
    };
    let page = run(&t, |c| get_many_cases(c, input)).unwrap();
    assert_eq!(
        t.lines(),
        [
            "GET /api/cases/_find?page=1&perPage=100&sortField=createdAt&sortOrder=desc&status=open",
            "GET /api/cases/_find?page=2&perPage=100&sortField=createdAt&sortOrder=desc&status=open",
        ]
    );
    assert_eq!(
        (page.page, page.per_page, page.total, page.cases.len()),
        (1, 150, 250, 150)
    );
    assert_eq!(page.cases[149].case_id, "c149");
    let input = GetManyCasesInput {
        return_all: true,
        limit: Some(10_001),
        ..many_input()
    };
    assert_invalid(
        &run(&t, |c| get_many_cases(c, input)).unwrap_err(),
        "limit: ",
    );
}

#[test]
fn get_many_cases_return_all_fails_whole_on_a_later_page() {
    let t = FakeTransport::new()
        .reply(200, &cases_page(0, 100, 150))
        .fail(TransportError::Timeout);
    let input = GetManyCasesInput {
        return_all: true,
        ..many_input()
    };
    let err = run(&t, |c| get_many_cases(c, input)).unwrap_err();
    assert_eq!((err.status_code, err.kind), (0, ErrorKind::Timeout));
    assert_eq!(t.lines().len(), 2);
}
