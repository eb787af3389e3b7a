//! End-to-end tests of the `cases` interface: the real component in wasmtime against
//! the Kibana simulator. Each test checks what Kibana received and what the caller got.

mod common;

use std::time::Duration;

use common::*;
use host_test::harness::bindings::{
    cases, Auth, BasicCredentials, CaseConnectorType, CaseStatus, ErrorKind, Owner, Severity,
    SortField, SortOrder,
};
use host_test::sim::{Fault, SimConfig};
use serde_json::json;

#[test]
fn create_case_with_every_option() {
    let kit = Kit::with(SimConfig {
        platinum: true,
        ..SimConfig::default()
    });
    let input = cases::CreateCaseInput {
        title: "Ransomware on host-17".into(),
        owner: Owner::SecuritySolution,
        description: Some("EDR flagged encryption activity".into()),
        connector_id: Some("jira-1".into()),
        connector_name: Some("SOC Jira".into()),
        connector_type: Some(CaseConnectorType::Jira),
        severity: Some(Severity::Critical),
        tags: strings(&["ransomware, edr", " host-17 ", ""]),
        assignees: strings(&["u_analyst_1"]),
        idempotency_key: None,
    };
    let created = kit
        .h
        .create_case(&kit.conn(), &input)
        .unwrap()
        .expect("created");
    assert!(created.created);
    let c = created.kibana_case;

    let req = kit.only_request();
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("POST", "/api/cases")
    );
    assert!(req.header("kbn-xsrf").is_some(), "kbn-xsrf on POST");
    assert_eq!(req.header("authorization"), Some("ApiKey sim-api-key"));
    assert_eq!(req.header("content-type"), Some("application/json"));
    let body = req.body_json().expect("JSON body");
    assert_eq!(body["title"], "Ransomware on host-17");
    assert_eq!(body["description"], "EDR flagged encryption activity");
    assert_eq!(body["owner"], "securitySolution");
    assert_eq!(body["severity"], "critical");
    assert_eq!(body["tags"], json!(["ransomware", "edr", "host-17"]));
    assert_eq!(body["assignees"], json!([{"uid": "u_analyst_1"}]));
    assert_eq!(body["connector"]["id"], "jira-1");
    assert_eq!(body["connector"]["name"], "SOC Jira");
    assert_eq!(body["connector"]["type"], ".jira");
    assert_eq!(body["settings"]["syncAlerts"], true);

    assert!(!c.case_id.is_empty());
    assert_eq!(c.title, "Ransomware on host-17");
    assert_eq!(c.description, "EDR flagged encryption activity");
    assert_eq!(c.status, CaseStatus::Open);
    assert_eq!(c.severity, Severity::Critical);
    assert_eq!(c.owner, Owner::SecuritySolution);
    assert_eq!(c.tags, strings(&["ransomware", "edr", "host-17"]));
    assert_eq!(c.assignees, strings(&["u_analyst_1"]));
    assert_eq!(c.created_by, "elastic");
    assert!(
        c.created_at.ends_with('Z') && c.created_at.contains('T'),
        "{}",
        c.created_at
    );
    assert_eq!(c.updated_at, None);
    assert_eq!((c.total_alerts, c.total_comments), (0, 0));
    assert!(!c.version.is_empty());
    assert_eq!(kit.sim.case_count("default"), 1);
}

#[test]
fn create_case_defaults() {
    let kit = Kit::new();
    let input = cases::CreateCaseInput {
        description: None,
        ..case_input("Suspicious login")
    };
    let c = kit
        .h
        .create_case(&kit.conn(), &input)
        .unwrap()
        .expect("created")
        .kibana_case;
    let body = kit.only_request().body_json().unwrap();
    assert_eq!(
        body["description"], "Suspicious login",
        "the title stands in for a missing description"
    );
    assert_eq!(
        body["connector"],
        json!({"id": "none", "name": "none", "type": ".none", "fields": null})
    );
    assert_eq!(body["severity"], "low");
    assert_eq!(c.description, "Suspicious login");
    assert_eq!(c.severity, Severity::Low);
}

#[test]
fn create_case_invalid_input_sends_nothing() {
    let kit = Kit::new();
    let conn = kit.conn();
    let blank = cases::CreateCaseInput {
        title: "   ".into(),
        ..case_input("x")
    };
    assert_invalid(&kit, kit.h.create_case(&conn, &blank).unwrap(), "title");
    let long = cases::CreateCaseInput {
        title: "t".repeat(161),
        ..case_input("x")
    };
    assert_invalid(&kit, kit.h.create_case(&conn, &long).unwrap(), "title");
    let tags = cases::CreateCaseInput {
        tags: vec!["x".repeat(257)],
        ..case_input("x")
    };
    assert_invalid(&kit, kit.h.create_case(&conn, &tags).unwrap(), "tags");
    let assignees = cases::CreateCaseInput {
        assignees: (0..11).map(|i| format!("u{i}")).collect(),
        ..case_input("x")
    };
    assert_invalid(
        &kit,
        kit.h.create_case(&conn, &assignees).unwrap(),
        "assignees",
    );
    let bad_url = host_test::harness::bindings::Connection {
        base_url: "ftp://kibana".into(),
        ..conn.clone()
    };
    assert_invalid(
        &kit,
        kit.h.create_case(&bad_url, &case_input("x")).unwrap(),
        "base-url",
    );
    let bad_space = kit.conn_in("Not A Space!");
    assert_invalid(
        &kit,
        kit.h.create_case(&bad_space, &case_input("x")).unwrap(),
        "space-id",
    );
    let crlf = host_test::harness::bindings::Connection {
        auth: Some(Auth::ApiKey("k\r\nx-evil: 1".into())),
        ..conn
    };
    assert_invalid(
        &kit,
        kit.h.create_case(&crlf, &case_input("x")).unwrap(),
        "api-key",
    );
    assert_eq!(kit.sim.case_count("default"), 0);
}

#[test]
fn create_case_assignees_without_platinum_403() {
    let kit = Kit::new();
    let input = cases::CreateCaseInput {
        assignees: strings(&["u_1"]),
        ..case_input("x")
    };
    let e = kit
        .h
        .create_case(&kit.conn(), &input)
        .unwrap()
        .expect_err("403");
    assert_eq!((e.status_code, e.kind), (403, ErrorKind::Forbidden));
    assert!(e.message.contains("Platinum"), "{}", e.message);
    // The assignees did reach Kibana, which refused them: nothing was created.
    let req = kit.only_request();
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("POST", "/api/cases")
    );
    let body = req.body_json().expect("a JSON body");
    assert_eq!(body["assignees"], serde_json::json!([{"uid": "u_1"}]));
    assert_eq!(kit.sim.case_count("default"), 0);
}

#[test]
fn create_case_basic_auth() {
    let kit = Kit::new();
    let conn = host_test::harness::bindings::Connection {
        auth: Some(Auth::Basic(BasicCredentials {
            username: "elastic".into(),
            password: "changeme".into(),
        })),
        ..kit.conn()
    };
    kit.h
        .create_case(&conn, &case_input("basic"))
        .unwrap()
        .expect("created");
    // base64("elastic:changeme")
    assert_eq!(
        kit.only_request().header("authorization"),
        Some("Basic ZWxhc3RpYzpjaGFuZ2VtZQ==")
    );
}

#[test]
fn create_case_401_never_shows_credentials() {
    let kit = Kit::new();
    let conn = host_test::harness::bindings::Connection {
        auth: Some(Auth::Basic(BasicCredentials {
            username: "elastic".into(),
            password: "hunter2-secret".into(),
        })),
        ..kit.conn()
    };
    let e = kit
        .h
        .create_case(&conn, &case_input("x"))
        .unwrap()
        .expect_err("401");
    assert_eq!((e.status_code, e.kind), (401, ErrorKind::Unauthorized));
    assert_eq!(
        e.message,
        "Unable to authenticate with the provided credentials."
    );
    assert!(!format!("{e:?}").contains("hunter2-secret"));
    // The credentials went to Kibana (only there) as Basic auth, and were refused.
    let req = kit.only_request();
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("POST", "/api/cases")
    );
    assert_eq!(
        req.header("authorization"),
        Some("Basic ZWxhc3RpYzpodW50ZXIyLXNlY3JldA==")
    );
    assert_eq!(kit.sim.case_count("default"), 0);
}

#[test]
fn get_case_reads_every_field() {
    let kit = Kit::new();
    let created = kit.case("Lateral movement");
    let c = kit
        .h
        .get_case(
            &kit.conn(),
            &cases::GetCaseInput {
                case_id: created.case_id.clone(),
                include_comments: false,
                max_in_flight: None,
            },
        )
        .unwrap()
        .expect("found");
    let req = kit.only_request();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, format!("/api/cases/{}", created.case_id));
    assert!(req.header("kbn-xsrf").is_none(), "no kbn-xsrf on GET");
    assert!(req.body.is_empty());
    assert_eq!(c.case_id, created.case_id);
    assert_eq!(c.title, "Lateral movement");
    assert_eq!(c.version, created.version);
    assert!(c.comments.is_empty());
}

#[test]
fn get_case_include_comments_uses_routes_of_8_and_9() {
    for major in [8, 9] {
        let kit = Kit::with(SimConfig {
            major_version: major,
            ..SimConfig::default()
        });
        let conn = kit.conn();
        let created = kit.case("With comments");
        for i in 0..3 {
            let input = host_test::harness::bindings::case_comments::AddCommentInput {
                case_id: created.case_id.clone(),
                comment: Some(format!("note {i}")),
                comment_type: None,
                alert_id: None,
                alert_index: None,
                rule_id: None,
                rule_name: None,
            };
            kit.h
                .add_comment(&conn, &input)
                .unwrap()
                .expect("comment added");
        }
        kit.sim.clear_requests();
        let c = kit
            .h
            .get_case(
                &conn,
                &cases::GetCaseInput {
                    case_id: created.case_id.clone(),
                    include_comments: true,
                    max_in_flight: None,
                },
            )
            .unwrap()
            .expect("found");
        let texts: Vec<&str> = c.comments.iter().map(|c| c.comment.as_str()).collect();
        assert_eq!(texts, ["note 0", "note 1", "note 2"], "Kibana {major}");
        assert_eq!(c.total_comments, 3);
        for r in kit.requests() {
            assert_eq!(r.method, "GET");
            assert!(
                !r.query.contains("includeComments"),
                "removed in 9.0: {r:?}"
            );
            assert!(
                r.path == format!("/api/cases/{}", created.case_id)
                    || r.path == format!("/api/cases/{}/comments/_find", created.case_id),
                "only routes served by 8.x and 9.x: {r:?}"
            );
        }
    }
}

#[test]
fn get_case_404() {
    let kit = Kit::new();
    let e = kit
        .h
        .get_case(
            &kit.conn(),
            &cases::GetCaseInput {
                case_id: "no-such-case".into(),
                include_comments: false,
                max_in_flight: None,
            },
        )
        .unwrap()
        .expect_err("404");
    assert_eq!((e.status_code, e.kind), (404, ErrorKind::NotFound));
    assert!(e.message.contains("no-such-case"), "{}", e.message);
    // One read of that case, nothing more (no comments are looked for).
    assert_eq!(kit.routes(), ["GET /api/cases/no-such-case"]);
}

#[test]
fn get_case_hostile_id_is_one_encoded_segment() {
    let kit = Kit::new();
    let id = "a/../b?c#d %&=+ü";
    let e = kit
        .h
        .get_case(
            &kit.conn(),
            &cases::GetCaseInput {
                case_id: id.into(),
                include_comments: false,
                max_in_flight: None,
            },
        )
        .unwrap()
        .expect_err("no such case");
    assert_eq!(e.status_code, 404);
    let req = kit.only_request();
    assert_eq!(
        req.path,
        "/api/cases/a%2F..%2Fb%3Fc%23d%20%25%26%3D%2B%C3%BC"
    );
    assert_eq!(req.query, "");
    assert_eq!(req.decoded_path(), format!("/api/cases/{id}"));
}

#[test]
fn get_many_cases_pages_sorts_and_filters() {
    let kit = Kit::new();
    let conn = kit.conn();
    for t in ["delta", "alpha", "echo", "charlie", "bravo"] {
        kit.case(t);
    }
    let other = cases::CreateCaseInput {
        owner: Owner::Cases,
        ..case_input("foxtrot")
    };
    kit.h.create_case(&conn, &other).unwrap().expect("created");
    kit.sim.clear_requests();

    let input = cases::GetManyCasesInput {
        page: Some(2),
        per_page: Some(2),
        sort_field: Some(SortField::Title),
        sort_order: Some(SortOrder::Asc),
        search: None,
        search_fields: vec![],
        status: Some(CaseStatus::Open),
        owners: vec![Owner::SecuritySolution],
        assignees: vec![],
        return_all: false,
        limit: None,
        max_in_flight: None,
    };
    let page = kit
        .h
        .get_many_cases(&conn, &input)
        .unwrap()
        .expect("listed");
    let titles: Vec<&str> = page.cases.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(titles, ["charlie", "delta"]);
    assert_eq!((page.page, page.per_page, page.total), (2, 2, 5));
    let req = kit.only_request();
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("GET", "/api/cases/_find")
    );
    let q = req.query_pairs();
    for pair in [
        ("page", "2"),
        ("perPage", "2"),
        ("sortField", "title"),
        ("sortOrder", "asc"),
        ("status", "open"),
    ] {
        assert!(
            q.contains(&(pair.0.to_string(), pair.1.to_string())),
            "{pair:?} in {q:?}"
        );
    }
    assert!(q.contains(&("owner".into(), "securitySolution".into())));

    // Two owners repeat the key; search values arrive intact.
    let input = cases::GetManyCasesInput {
        page: None,
        per_page: None,
        sort_field: None,
        sort_order: None,
        search: Some("echo & co?".into()),
        search_fields: strings(&["title,description"]),
        status: None,
        owners: vec![Owner::SecuritySolution, Owner::Cases],
        assignees: vec![],
        return_all: false,
        limit: None,
        max_in_flight: None,
    };
    kit.sim.clear_requests();
    kit.h
        .get_many_cases(&conn, &input)
        .unwrap()
        .expect("listed");
    let q = kit.only_request().query_pairs();
    let owners: Vec<&str> = q
        .iter()
        .filter(|(k, _)| k == "owner")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(owners, ["securitySolution", "cases"]);
    let fields: Vec<&str> = q
        .iter()
        .filter(|(k, _)| k == "searchFields")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(fields, ["title", "description"]);
    assert!(q.contains(&("search".into(), "echo & co?".into())));
    assert!(
        q.contains(&("page".into(), "1".into())) && q.contains(&("perPage".into(), "20".into()))
    );
}

#[test]
fn get_many_cases_invalid_paging_sends_nothing() {
    let kit = Kit::new();
    let base = many_cases();
    let conn = kit.conn();
    let r = kit
        .h
        .get_many_cases(
            &conn,
            &cases::GetManyCasesInput {
                per_page: Some(101),
                ..base.clone()
            },
        )
        .unwrap();
    assert_invalid(&kit, r, "per-page");
    let r = kit
        .h
        .get_many_cases(
            &conn,
            &cases::GetManyCasesInput {
                page: Some(0),
                ..base.clone()
            },
        )
        .unwrap();
    assert_invalid(&kit, r, "page");
    let r = kit
        .h
        .get_many_cases(
            &conn,
            &cases::GetManyCasesInput {
                page: Some(101),
                per_page: Some(100),
                ..base
            },
        )
        .unwrap();
    assert_invalid(&kit, r, "page");
}

#[test]
fn get_case_status_reports_status_fields() {
    let kit = Kit::new();
    let c = kit.case("Status check");
    let update = cases::UpdateCaseInput {
        case_id: c.case_id.clone(),
        version: c.version.clone(),
        title: None,
        description: None,
        status: Some(CaseStatus::InProgress),
        severity: Some(Severity::High),
        tags: None,
        assignees: None,
    };
    kit.h
        .update_case(&kit.conn(), &update)
        .unwrap()
        .expect("updated");
    kit.sim.clear_requests();
    let s = kit
        .h
        .get_case_status(&kit.conn(), &c.case_id)
        .unwrap()
        .expect("status");
    assert_eq!(kit.routes(), [format!("GET /api/cases/{}", c.case_id)]);
    assert_eq!(s.case_id, c.case_id);
    assert_eq!(s.title, "Status check");
    assert_eq!(
        (s.status, s.severity, s.owner),
        (
            CaseStatus::InProgress,
            Severity::High,
            Owner::SecuritySolution
        )
    );
    assert_eq!(s.updated_by.as_deref(), Some("elastic"));
    assert!(s.updated_at.is_some());
}

fn update(c: &host_test::harness::bindings::KibanaCase) -> cases::UpdateCaseInput {
    cases::UpdateCaseInput {
        case_id: c.case_id.clone(),
        version: c.version.clone(),
        title: None,
        description: None,
        status: None,
        severity: None,
        tags: None,
        assignees: None,
    }
}

#[test]
fn update_case_sends_only_changed_fields() {
    let kit = Kit::new();
    let c = kit.case("Before");
    let input = cases::UpdateCaseInput {
        title: Some("After".into()),
        status: Some(CaseStatus::Closed),
        tags: Some(strings(&["done, reviewed"])),
        ..update(&c)
    };
    let u = kit
        .h
        .update_case(&kit.conn(), &input)
        .unwrap()
        .expect("updated");
    let req = kit.only_request();
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("PATCH", "/api/cases")
    );
    assert!(req.header("kbn-xsrf").is_some());
    assert_eq!(
        req.body_json().unwrap(),
        json!({"cases": [{"id": c.case_id, "version": c.version, "title": "After", "status": "closed",
                          "tags": ["done", "reviewed"]}]})
    );
    assert_eq!(u.title, "After");
    assert_eq!(u.status, CaseStatus::Closed);
    assert_eq!(u.tags, strings(&["done", "reviewed"]));
    assert_ne!(u.version, c.version);
    assert_eq!(u.updated_by.as_deref(), Some("elastic"));
}

#[test]
fn update_case_stale_version_409_changes_nothing() {
    let kit = Kit::new();
    let c = kit.case("Contended");
    assert!(kit.sim.touch_case("default", &c.case_id));
    let input = cases::UpdateCaseInput {
        title: Some("Mine".into()),
        ..update(&c)
    };
    let e = kit
        .h
        .update_case(&kit.conn(), &input)
        .unwrap()
        .expect_err("409");
    assert_eq!((e.status_code, e.kind), (409, ErrorKind::Conflict));
    // One PATCH, with the version the caller had read: no retry with a fresher one.
    let req = kit.only_request();
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("PATCH", "/api/cases")
    );
    let body = req.body_json().expect("a JSON body");
    assert_eq!(body["cases"][0]["id"], c.case_id.as_str());
    assert_eq!(body["cases"][0]["version"], c.version.as_str());
    assert_eq!(body["cases"][0]["title"], "Mine");
    let now = kit
        .h
        .get_case(
            &kit.conn(),
            &cases::GetCaseInput {
                case_id: c.case_id,
                include_comments: false,
                max_in_flight: None,
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(now.title, "Contended");
}

#[test]
fn update_case_identical_406_and_empty_update_invalid() {
    let kit = Kit::new();
    let c = kit.case("Same");
    let e = kit
        .h
        .update_case(
            &kit.conn(),
            &cases::UpdateCaseInput {
                title: Some("Same".into()),
                ..update(&c)
            },
        )
        .unwrap()
        .expect_err("406");
    assert_eq!((e.status_code, e.kind), (406, ErrorKind::NotAcceptable));
    kit.sim.clear_requests();
    assert_invalid(
        &kit,
        kit.h.update_case(&kit.conn(), &update(&c)).unwrap(),
        "update-case",
    );
}

#[test]
fn delete_case_deletes_all() {
    let kit = Kit::new();
    let a = kit.case("a");
    let b = kit.case("b");
    let out = kit
        .h
        .delete_case(
            &kit.conn(),
            &cases::DeleteCaseInput {
                case_ids: vec![format!("{}, {}", a.case_id, b.case_id)],
                max_in_flight: None,
            },
        )
        .unwrap()
        .expect("deleted");
    assert_eq!(
        (out.status_code, out.deleted_count, out.failed_count),
        (204, 2, 0)
    );
    let req = kit.only_request();
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("DELETE", "/api/cases")
    );
    assert!(req.header("kbn-xsrf").is_some(), "kbn-xsrf on DELETE");
    let ids = req
        .query_pairs()
        .into_iter()
        .find(|(k, _)| k == "ids")
        .expect("ids")
        .1;
    assert_eq!(
        serde_json::from_str::<Vec<String>>(&ids).unwrap(),
        [a.case_id, b.case_id]
    );
    assert_eq!(kit.sim.case_count("default"), 0);
}

#[test]
fn delete_case_reports_truth_per_id() {
    let kit = Kit::new();
    let a = kit.case("a");
    let out = kit
        .h
        .delete_case(
            &kit.conn(),
            &cases::DeleteCaseInput {
                case_ids: strings(&[&a.case_id, "missing-1"]),
                max_in_flight: None,
            },
        )
        .unwrap()
        .expect("partial");
    assert_eq!((out.deleted_count, out.failed_count), (1, 1));
    // Not a success: the status of the first failure.
    assert_eq!(out.status_code, 404);
    assert_eq!(out.failed_items.len(), 1);
    assert_eq!(out.failed_items[0].case_id, "missing-1");
    assert_eq!(out.failed_items[0].status_code, 404);
    assert!(out.failed_items[0].error_message.contains("missing-1"));
    assert_eq!(kit.sim.case_count("default"), 0);
    assert_eq!(
        kit.routes(),
        [
            "DELETE /api/cases",
            "DELETE /api/cases",
            "DELETE /api/cases"
        ]
    );
}

#[test]
fn delete_case_status_is_the_first_failure_in_the_order_of_the_ids() {
    let kit = Kit::new();
    let a = kit.case("a");
    kit.sim.inject(Fault::Status(404, "{}".into())); // the bulk call
                                                     // The calls per id are in flight together: the fault waits for `locked`'s.
    kit.sim.inject_where(
        |r| {
            r.query_pairs()
                .first()
                .is_some_and(|(_, ids)| ids == r#"["locked"]"#)
        },
        Fault::Status(
            409,
            r#"{"statusCode":409,"error":"Conflict","message":"busy"}"#.into(),
        ),
    );
    let out = kit
        .h
        .delete_case(
            &kit.conn(),
            &cases::DeleteCaseInput {
                case_ids: strings(&["locked", "missing-2", &a.case_id]),
                max_in_flight: None,
            },
        )
        .unwrap()
        .expect("partial");
    assert_eq!((out.deleted_count, out.failed_count), (1, 2));
    let statuses: Vec<(&str, i32)> = out
        .failed_items
        .iter()
        .map(|f| (f.case_id.as_str(), f.status_code))
        .collect();
    assert_eq!(statuses, [("locked", 409), ("missing-2", 404)]);
    assert_eq!(out.status_code, 409);
    assert_eq!(kit.routes().len(), 4);
}

#[test]
fn delete_case_invalid_input_sends_nothing() {
    let kit = Kit::new();
    let r = kit
        .h
        .delete_case(
            &kit.conn(),
            &cases::DeleteCaseInput {
                case_ids: strings(&[" , "]),
                max_in_flight: None,
            },
        )
        .unwrap();
    assert_invalid(&kit, r, "case-ids");
    let many = (0..101).map(|i| format!("id-{i}")).collect();
    let r = kit
        .h
        .delete_case(
            &kit.conn(),
            &cases::DeleteCaseInput {
                case_ids: many,
                max_in_flight: None,
            },
        )
        .unwrap();
    assert_invalid(&kit, r, "case-ids");
}

#[test]
fn spaces_are_kept_apart() {
    let kit = Kit::new();
    let sec = kit.conn_in("security");
    let c = kit
        .h
        .create_case(&sec, &case_input("In security"))
        .unwrap()
        .expect("created")
        .kibana_case;
    assert_eq!(kit.only_request().path, "/s/security/api/cases");
    assert_eq!(
        (
            kit.sim.case_count("security"),
            kit.sim.case_count("default")
        ),
        (1, 0)
    );
    let get = cases::GetCaseInput {
        case_id: c.case_id.clone(),
        include_comments: false,
        max_in_flight: None,
    };
    assert_eq!(
        kit.h
            .get_case(&kit.conn(), &get)
            .unwrap()
            .expect_err("not in default")
            .status_code,
        404
    );
    assert_eq!(
        kit.h
            .get_case(&sec, &get)
            .unwrap()
            .expect("in security")
            .title,
        "In security"
    );
    // `default` is the default space, without a prefix.
    kit.sim.clear_requests();
    kit.h
        .get_case_status(&kit.conn_in("default"), "x")
        .unwrap()
        .expect_err("404");
    assert_eq!(kit.only_request().path, "/api/cases/x");
    // A space that does not exist is Kibana's 404.
    let e = kit
        .h
        .get_case(&kit.conn_in("nowhere"), &get)
        .unwrap()
        .expect_err("no such space");
    assert_eq!(e.status_code, 404);
}

#[test]
fn server_errors_are_reported() {
    let kit = Kit::new();
    let conn = kit.conn();
    let get = |kit: &Kit| {
        kit.sim.clear_requests();
        let result = kit
            .h
            .get_case(
                &conn,
                &cases::GetCaseInput {
                    case_id: "x".into(),
                    include_comments: false,
                    max_in_flight: None,
                },
            )
            .unwrap();
        // Each fault met the one read, which is not tried again.
        assert_eq!(kit.routes(), ["GET /api/cases/x"]);
        result
    };

    kit.sim.inject(Fault::Status500);
    let e = get(&kit).expect_err("500");
    assert_eq!((e.status_code, e.kind), (500, ErrorKind::ServerError));
    assert_eq!(e.message, "An internal server error occurred.");
    // A read may be repeated after a 5xx.
    assert!(e.retryable, "{e:?}");

    kit.sim.inject(Fault::Html502);
    let e = get(&kit).expect_err("502 from a proxy");
    assert_eq!((e.status_code, e.kind), (502, ErrorKind::ServerError));
    assert!(e.retryable, "{e:?}");
    assert!(
        e.message.contains("502") && e.message.len() < 1024,
        "{}",
        e.message
    );

    kit.sim.inject(Fault::InvalidJson200);
    let e = get(&kit).expect_err("undecodable 200");
    assert_eq!((e.status_code, e.kind), (502, ErrorKind::InvalidResponse));
    assert!(!e.retryable, "{e:?}");

    kit.sim.inject(Fault::WrongShape200);
    let e = get(&kit).expect_err("wrong shape");
    assert_eq!((e.status_code, e.kind), (502, ErrorKind::InvalidResponse));

    kit.sim.inject(Fault::Status(
        413,
        "<html><body>413 Request Entity Too Large</body></html>".into(),
    ));
    let e = get(&kit).expect_err("413");
    assert_eq!((e.status_code, e.kind), (413, ErrorKind::ClientError));
    assert!(e.message.contains("413"), "{}", e.message);
    assert!(!e.retryable, "{e:?}");

    kit.sim.inject(Fault::Status(
        429,
        r#"{"statusCode":429,"error":"Too Many Requests","message":"slow down"}"#.into(),
    ));
    let e = get(&kit).expect_err("429");
    assert_eq!((e.status_code, e.kind), (429, ErrorKind::ClientError));
    assert!(e.retryable, "Kibana did not take it: {e:?}");

    kit.sim.inject(Fault::Drop);
    let e = get(&kit).expect_err("dropped");
    assert_eq!(
        (e.status_code, e.kind),
        (0, ErrorKind::ConnectionLost),
        "{e:?}"
    );
    assert!(e.retryable, "{e:?}");
}

/// The retry rule for a create without an idempotency key: once the request may
/// have reached Kibana, a failure is permanent (a repeat could create a second
/// case; with a key it is not, see idempotency.rs); a 4xx is permanent for every
/// operation; a 429 never is.
#[test]
fn a_create_that_may_have_reached_kibana_is_not_to_be_retried() {
    let kit = Kit::new();
    let conn = kit.conn();
    let create = |kit: &Kit| {
        kit.sim.clear_requests();
        let result = kit.h.create_case(&conn, &case_input("once")).unwrap();
        assert_eq!(kit.routes(), ["POST /api/cases"]);
        result
    };
    for fault in [Fault::Status500, Fault::Html502, Fault::Drop] {
        kit.sim.inject(fault.clone());
        let e = create(&kit).expect_err("fault");
        assert!(!e.retryable, "{fault:?}: {e:?}");
    }
    kit.sim.inject(Fault::Status(
        429,
        r#"{"statusCode":429,"error":"Too Many Requests","message":"slow down"}"#.into(),
    ));
    assert!(create(&kit).expect_err("429").retryable);
    kit.sim.inject(Fault::Status(
        400,
        r#"{"statusCode":400,"error":"Bad Request","message":"invalid"}"#.into(),
    ));
    assert!(!create(&kit).expect_err("400").retryable);
    assert_eq!(kit.sim.case_count("default"), 0);

    // Invalid input: nothing sent, permanent.
    kit.sim.clear_requests();
    let e = kit
        .h
        .create_case(&conn, &case_input(" "))
        .unwrap()
        .expect_err("blank title");
    assert_eq!((e.status_code, e.retryable), (-1, false), "{e:?}");
    assert!(kit.requests().is_empty());
}

#[test]
fn timeouts_and_refused_connections_are_status_0() {
    let kit = Kit::new();
    let quick = host_test::harness::bindings::Connection {
        timeout_ms: Some(300),
        ..kit.conn()
    };
    kit.sim.inject(Fault::Slow(Duration::from_secs(10)));
    let started = std::time::Instant::now();
    let e = kit
        .h
        .get_case_status(&quick, "x")
        .unwrap()
        .expect_err("timed out");
    assert_eq!((e.status_code, e.kind), (0, ErrorKind::Timeout), "{e:?}");
    assert!(e.message.contains("300"), "{}", e.message);
    // The request reached Kibana once; the answer came too late.
    assert_eq!(kit.routes(), ["GET /api/cases/x"]);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "gave up long before the server answered"
    );

    // A port nobody listens on.
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let refused = host_test::harness::bindings::Connection {
        base_url: format!("http://{free}"),
        ..kit.conn()
    };
    let e = kit
        .h
        .get_case_status(&refused, "x")
        .unwrap()
        .expect_err("refused");
    assert_eq!(
        (e.status_code, e.kind),
        (0, ErrorKind::Unreachable),
        "{e:?}"
    );
}
