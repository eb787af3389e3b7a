//! End-to-end tests of `cases.get-case-activity`: the component in wasmtime against
//! the simulator, which records a user action for every change of a case.

mod common;

use common::*;
use host_test::harness::bindings::{cases, CaseStatus, ErrorKind, SortOrder};
use host_test::sim::Fault;
use serde_json::Value;

fn activity(case_id: &str) -> cases::GetCaseActivityInput {
    cases::GetCaseActivityInput {
        case_id: case_id.into(),
        page: None,
        per_page: None,
        sort_order: None,
        types: vec![],
    }
}

/// A case created, commented, alerted, pushed, then put in progress and tagged:
/// six user actions.
fn busy_case(kit: &Kit, conn: &host_test::harness::bindings::Connection) -> String {
    let jira = kit.jira(conn, "SOC Jira");
    let case = kit.case_in(conn, "Busy");
    let comment = host_test::harness::bindings::case_comments::AddCommentInput {
        case_id: case.case_id.clone(),
        comment: Some("first look".into()),
        comment_type: None,
        alert_id: None,
        alert_index: None,
        rule_id: None,
        rule_name: None,
    };
    kit.h
        .add_comment(conn, &comment)
        .unwrap()
        .expect("commented");
    kit.attach_alert(conn, &case.case_id, "alert-1");
    kit.h
        .push_case(conn, &case.case_id, &jira.connector_id)
        .unwrap()
        .expect("pushed");
    let fresh = kit
        .h
        .get_case(
            conn,
            &cases::GetCaseInput {
                case_id: case.case_id.clone(),
                include_comments: false,
                max_in_flight: None,
            },
        )
        .unwrap()
        .expect("read");
    let progress = cases::UpdateCaseInput {
        case_id: case.case_id.clone(),
        version: fresh.version,
        title: None,
        description: None,
        status: Some(CaseStatus::InProgress),
        severity: None,
        tags: Some(vec!["phishing".into()]),
        assignees: None,
    };
    kit.h
        .update_case(conn, &progress)
        .unwrap()
        .expect("updated");
    kit.sim.clear_requests();
    case.case_id
}

#[test]
fn get_case_activity_lists_every_change_newest_first() {
    let kit = Kit::new();
    let conn = kit.conn();
    let id = busy_case(&kit, &conn);
    let page = kit
        .h
        .get_case_activity(&conn, &activity(&id))
        .unwrap()
        .expect("listed");
    let req = kit.only_request();
    assert_eq!(req.path, format!("/api/cases/{id}/user_actions/_find"));
    assert_eq!(req.query, "page=1&perPage=20&sortOrder=desc");
    assert_eq!((page.page, page.per_page, page.total), (1, 20, 6));
    let types: Vec<&str> = page
        .activity
        .iter()
        .map(|a| a.action_type.as_str())
        .collect();
    assert_eq!(
        types,
        [
            "tags",
            "status",
            "pushed",
            "comment",
            "comment",
            "create_case"
        ]
    );
    let actions: Vec<&str> = page.activity.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "add",
            "update",
            "push_to_service",
            "create",
            "create",
            "create"
        ]
    );
    let create = &page.activity[5];
    assert_eq!(
        (create.created_by.as_str(), create.comment_id.as_deref()),
        ("elastic", None)
    );
    let payload: Value = serde_json::from_str(&create.payload).expect("JSON");
    assert_eq!(payload["title"], "Busy");
    let user_comment = &page.activity[4];
    assert!(user_comment.comment_id.is_some());
    let payload: Value = serde_json::from_str(&user_comment.payload).expect("JSON");
    assert_eq!(payload["comment"]["comment"], "first look");
    assert!(page
        .activity
        .iter()
        .all(|a| !a.action_id.is_empty() && a.created_at.ends_with('Z')));
}

#[test]
fn get_case_activity_pages_sorts_and_filters_by_type() {
    let kit = Kit::new();
    let conn = kit.conn();
    let id = busy_case(&kit, &conn);
    let input = cases::GetCaseActivityInput {
        page: Some(2),
        per_page: Some(2),
        sort_order: Some(SortOrder::Asc),
        ..activity(&id)
    };
    let page = kit
        .h
        .get_case_activity(&conn, &input)
        .unwrap()
        .expect("listed");
    assert_eq!(kit.only_request().query, "page=2&perPage=2&sortOrder=asc");
    let types: Vec<&str> = page
        .activity
        .iter()
        .map(|a| a.action_type.as_str())
        .collect();
    assert_eq!(types, ["comment", "pushed"]);
    assert_eq!((page.page, page.per_page, page.total), (2, 2, 6));

    kit.sim.clear_requests();
    let input = cases::GetCaseActivityInput {
        types: vec![
            cases::ActivityType::Alert,
            cases::ActivityType::Pushed,
            cases::ActivityType::Alert,
        ],
        ..activity(&id)
    };
    let page = kit
        .h
        .get_case_activity(&conn, &input)
        .unwrap()
        .expect("listed");
    assert_eq!(
        kit.only_request().query,
        "page=1&perPage=20&sortOrder=desc&types=alert&types=pushed"
    );
    let types: Vec<&str> = page
        .activity
        .iter()
        .map(|a| a.action_type.as_str())
        .collect();
    assert_eq!(types, ["pushed", "comment"]);
    let alert: Value = serde_json::from_str(&page.activity[1].payload).expect("JSON");
    assert_eq!(alert["comment"]["alertId"], "alert-1");
    let pushed: Value = serde_json::from_str(&page.activity[0].payload).expect("JSON");
    assert_eq!(pushed["externalService"]["connector_name"], "SOC Jira");

    kit.sim.clear_requests();
    let input = cases::GetCaseActivityInput {
        types: vec![cases::ActivityType::CreateCase],
        ..activity(&id)
    };
    let page = kit
        .h
        .get_case_activity(&conn, &input)
        .unwrap()
        .expect("listed");
    assert!(kit.only_request().query.ends_with("&types=create_case"));
    assert_eq!(page.total, 1);
}

#[test]
fn get_case_activity_invalid_input_sends_nothing() {
    let kit = Kit::new();
    for (input, field) in [
        (activity(""), "case-id"),
        (activity("  "), "case-id"),
        (
            cases::GetCaseActivityInput {
                page: Some(0),
                ..activity("x")
            },
            "page",
        ),
        (
            cases::GetCaseActivityInput {
                per_page: Some(0),
                ..activity("x")
            },
            "per-page",
        ),
        (
            cases::GetCaseActivityInput {
                per_page: Some(101),
                ..activity("x")
            },
            "per-page",
        ),
        (
            cases::GetCaseActivityInput {
                page: Some(101),
                per_page: Some(100),
                ..activity("x")
            },
            "page",
        ),
    ] {
        let r = kit.h.get_case_activity(&kit.conn(), &input).unwrap();
        assert_invalid(&kit, r, field);
    }
}

#[test]
fn get_case_activity_401_404_and_broken_answer() {
    let kit = Kit::new();
    let r = kit
        .h
        .get_case_activity(&kit.bad_key(), &activity("x"))
        .unwrap();
    assert_status(r, 401, ErrorKind::Unauthorized);
    kit.sim.clear_requests();
    let r = kit
        .h
        .get_case_activity(&kit.conn(), &activity("no-such-case"))
        .unwrap();
    let e = assert_status(r, 404, ErrorKind::NotFound);
    assert!(e.message.contains("no-such-case"));
    assert_eq!(
        kit.routes(),
        ["GET /api/cases/no-such-case/user_actions/_find"]
    );
    kit.sim.inject(Fault::WrongShape200);
    let r = kit
        .h
        .get_case_activity(&kit.conn(), &activity("x"))
        .unwrap();
    let e = assert_status(r, 502, ErrorKind::InvalidResponse);
    assert!(e.message.contains("userActions"), "{}", e.message);
}

#[test]
fn get_case_activity_in_another_space_with_a_hostile_id() {
    let kit = Kit::new();
    let conn = kit.conn_in("security");
    let case = kit.case_in(&conn, "Security");
    let page = kit
        .h
        .get_case_activity(&conn, &activity(&case.case_id))
        .unwrap()
        .expect("ok");
    assert_eq!(page.total, 1);
    assert_eq!(page.activity[0].action_type, "create_case");
    assert_eq!(
        kit.only_request().path,
        format!("/s/security/api/cases/{}/user_actions/_find", case.case_id)
    );
    kit.sim.clear_requests();
    let r = kit
        .h
        .get_case_activity(&conn, &activity("a/../b?c#d"))
        .unwrap();
    assert_status(r, 404, ErrorKind::NotFound);
    assert_eq!(
        kit.only_request().path,
        "/s/security/api/cases/a%2F..%2Fb%3Fc%23d/user_actions/_find"
    );
}

#[test]
fn operations_beyond_the_node_on_kibana_8() {
    let kit = Kit::with(host_test::sim::SimConfig {
        major_version: 8,
        ..Default::default()
    });
    let conn = kit.conn();
    let id = busy_case(&kit, &conn);
    let page = kit
        .h
        .get_case_activity(&conn, &activity(&id))
        .unwrap()
        .expect("8.x serves _find");
    assert_eq!(page.total, 6);
    let alerts = kit
        .h
        .get_case_alerts(&conn, &id)
        .unwrap()
        .expect("8.x serves alerts");
    assert_eq!(alerts.len(), 1);
    let by_alert = cases::GetCasesByAlertInput {
        alert_id: "alert-1".into(),
        owners: vec![],
    };
    let found = kit
        .h
        .get_cases_by_alert(&conn, &by_alert)
        .unwrap()
        .expect("found");
    assert_eq!(found[0].case_id, id);
    assert_eq!(
        kit.h.get_case_tags(&conn, &[]).unwrap().expect("tags"),
        ["phishing"]
    );
    assert_eq!(
        kit.routes(),
        [
            format!("GET /api/cases/{id}/user_actions/_find"),
            format!("GET /api/cases/{id}/alerts"),
            "GET /api/cases/alerts/alert-1".to_string(),
            "GET /api/cases/tags".to_string(),
        ]
    );
}
