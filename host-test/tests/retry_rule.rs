//! The retry rule for the operations beyond the node: push-case may open an
//! incident in the external system, so once its request may have reached Kibana a
//! failure is permanent; the five reads may be repeated after a 5xx.

mod common;

use std::time::Duration;

use common::*;
use host_test::harness::bindings::{cases, Connection, ErrorKind};
use host_test::sim::Fault;

const UNAVAILABLE: &str =
    r#"{"statusCode":503,"error":"Service Unavailable","message":"try later"}"#;

#[test]
fn push_case_that_may_have_reached_kibana_is_not_to_be_retried() {
    let kit = Kit::new();
    let mut conn = kit.conn();
    let jira = kit.jira(&conn, "SOC Jira");
    let case = kit.case("Pushed once");
    let route = format!(
        "POST /api/cases/{}/connector/{}/_push",
        case.case_id, jira.connector_id
    );
    let push = |kit: &Kit, conn: &Connection| {
        kit.sim.clear_requests();
        let result = kit
            .h
            .push_case(conn, &case.case_id, &jira.connector_id)
            .unwrap();
        assert_eq!(kit.routes(), [route.as_str()], "sent once, not repeated");
        result
    };
    for fault in [
        Fault::Status500,
        Fault::Status(503, UNAVAILABLE.into()),
        Fault::Html502,
        Fault::Drop,
    ] {
        kit.sim.inject(fault.clone());
        let e = push(&kit, &conn).expect_err("fault");
        assert!(!e.retryable, "{fault:?}: {e:?}");
    }

    // Kibana pushed, and its answer comes after the call's deadline.
    conn.timeout_ms = Some(300);
    kit.sim.inject(Fault::LateAnswer(Duration::from_secs(10)));
    let e = push(&kit, &conn).expect_err("late answer");
    assert_eq!((e.status_code, e.kind), (0, ErrorKind::Timeout), "{e:?}");
    assert!(!e.retryable, "{e:?}");

    // Kibana did not take it: a 429 may be retried, a 4xx may not.
    conn.timeout_ms = Some(5_000);
    kit.sim.inject(Fault::Status(
        429,
        r#"{"statusCode":429,"error":"Too Many Requests","message":"slow down"}"#.into(),
    ));
    assert!(push(&kit, &conn).expect_err("429").retryable);
    let e = push(&kit, &conn);
    assert!(e.is_ok(), "{e:?}");
}

#[test]
fn the_new_reads_may_be_retried_after_a_503() {
    let kit = Kit::new();
    let conn = kit.conn();
    let case = kit.case("Read again");
    let unavailable =
        |expected_route: &str, call: &dyn Fn() -> Option<host_test::harness::Failure>| {
            kit.sim.clear_requests();
            kit.sim.inject(Fault::Status(503, UNAVAILABLE.into()));
            let e = call().expect("a 503 fails the call");
            assert_eq!(
                kit.routes(),
                [expected_route],
                "the one request, not repeated"
            );
            assert_eq!(
                (e.status_code, e.kind, e.retryable),
                (503, ErrorKind::ServerError, true),
                "{expected_route}: {e:?}"
            );
        };
    unavailable("GET /api/cases/alerts/alert-1", &|| {
        kit.h
            .get_cases_by_alert(
                &conn,
                &cases::GetCasesByAlertInput {
                    alert_id: "alert-1".into(),
                    owners: vec![],
                },
            )
            .unwrap()
            .err()
    });
    unavailable(&format!("GET /api/cases/{}/alerts", case.case_id), &|| {
        kit.h.get_case_alerts(&conn, &case.case_id).unwrap().err()
    });
    unavailable(
        &format!("GET /api/cases/{}/user_actions/_find", case.case_id),
        &|| {
            kit.h
                .get_case_activity(
                    &conn,
                    &cases::GetCaseActivityInput {
                        case_id: case.case_id.clone(),
                        page: None,
                        per_page: None,
                        sort_order: None,
                        types: vec![],
                    },
                )
                .unwrap()
                .err()
        },
    );
    unavailable("GET /api/actions/connectors", &|| {
        kit.h.get_many_connectors(&conn, None).unwrap().err()
    });
    unavailable("GET /api/cases/tags", &|| {
        kit.h.get_case_tags(&conn, &[]).unwrap().err()
    });
}
