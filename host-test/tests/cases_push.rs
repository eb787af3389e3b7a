//! End-to-end tests of `cases.push-case`: the component in wasmtime against the
//! simulator.

mod common;

use common::*;
use host_test::harness::bindings::{cases, CaseStatus, ErrorKind};
use host_test::sim::Fault;

#[test]
fn push_case_sends_no_body_and_returns_the_case_with_its_external_service() {
    let kit = Kit::new();
    let conn = kit.conn();
    let jira = kit.jira(&conn, "SOC Jira");
    let case = kit.case("Phishing wave");
    let pushed = kit
        .h
        .push_case(&conn, &case.case_id, &jira.connector_id)
        .unwrap()
        .expect("pushed");
    let req = kit.only_request();
    assert_eq!(req.method, "POST");
    assert_eq!(
        req.path,
        format!(
            "/api/cases/{}/connector/{}/_push",
            case.case_id, jira.connector_id
        )
    );
    assert_eq!((req.query.as_str(), req.body.len()), ("", 0));
    assert_eq!(req.header("kbn-xsrf"), Some("true"));
    assert_eq!(req.header("content-length"), Some("0"));
    let c = &pushed.kibana_case;
    assert_eq!(
        (c.case_id.as_str(), c.title.as_str()),
        (case.case_id.as_str(), "Phishing wave")
    );
    assert_ne!(c.version, case.version, "a push saves the case");
    let e = &pushed.external_service;
    assert_eq!(
        (e.connector_id.as_str(), e.connector_name.as_str()),
        (jira.connector_id.as_str(), "SOC Jira")
    );
    assert!(e.external_title.starts_with("SIM-"), "{e:?}");
    assert!(!e.external_id.is_empty());
    assert!(
        e.external_url
            .starts_with("https://jira.example.com/browse/"),
        "{e:?}"
    );
    assert!(e.pushed_at.ends_with('Z'));
    // A second push updates the same incident.
    kit.sim.clear_requests();
    let again = kit
        .h
        .push_case(&conn, &case.case_id, &jira.connector_id)
        .unwrap()
        .expect("pushed");
    assert_eq!(again.external_service.external_id, e.external_id);
}

#[test]
fn push_case_invalid_input_sends_nothing() {
    let kit = Kit::new();
    for (case_id, connector_id, field) in [
        ("", "c", "case-id"),
        (" ", "c", "case-id"),
        ("x", "", "connector-id"),
        ("x", "  ", "connector-id"),
    ] {
        let r = kit.h.push_case(&kit.conn(), case_id, connector_id).unwrap();
        assert_invalid(&kit, r, field);
    }
    let long = "c".repeat(513);
    let r = kit.h.push_case(&kit.conn(), "x", &long).unwrap();
    assert_invalid(&kit, r, "connector-id");
}

#[test]
fn push_case_401_404_409_and_broken_answer() {
    let kit = Kit::new();
    let conn = kit.conn();
    let jira = kit.jira(&conn, "SOC Jira");
    let case = kit.case("To push");
    let r = kit
        .h
        .push_case(&kit.bad_key(), &case.case_id, &jira.connector_id)
        .unwrap();
    assert_status(r, 401, ErrorKind::Unauthorized);
    let r = kit
        .h
        .push_case(&conn, "no-such-case", &jira.connector_id)
        .unwrap();
    let e = assert_status(r, 404, ErrorKind::NotFound);
    assert!(e.message.contains("no-such-case"));
    let r = kit
        .h
        .push_case(&conn, &case.case_id, "no-such-connector")
        .unwrap();
    let e = assert_status(r, 404, ErrorKind::NotFound);
    assert!(e.message.contains("no-such-connector"));

    let closed = cases::UpdateCaseInput {
        case_id: case.case_id.clone(),
        version: case.version.clone(),
        title: None,
        description: None,
        status: Some(CaseStatus::Closed),
        severity: None,
        tags: None,
        assignees: None,
    };
    kit.h.update_case(&conn, &closed).unwrap().expect("closed");
    let r = kit
        .h
        .push_case(&conn, &case.case_id, &jira.connector_id)
        .unwrap();
    let e = assert_status(r, 409, ErrorKind::Conflict);
    assert!(e.message.contains("closed"), "{}", e.message);

    kit.sim.inject(Fault::WrongShape200);
    let r = kit
        .h
        .push_case(&conn, &case.case_id, &jira.connector_id)
        .unwrap();
    let e = assert_status(r, 502, ErrorKind::InvalidResponse);
    assert!(
        e.message.contains("not a valid pushed case"),
        "{}",
        e.message
    );
    // A case without `external_service` is no answer to a push.
    let open = kit.case("Not pushed");
    let body = format!(
        r#"{{"id":"{}","status":"open","owner":"securitySolution","external_service":null}}"#,
        open.case_id
    );
    kit.sim.inject(Fault::Status(200, body));
    let r = kit
        .h
        .push_case(&conn, &open.case_id, &jira.connector_id)
        .unwrap();
    let e = assert_status(r, 502, ErrorKind::InvalidResponse);
    assert!(e.message.contains("external_service"), "{}", e.message);
}

#[test]
fn push_case_in_another_space_with_hostile_ids() {
    let kit = Kit::new();
    let conn = kit.conn_in("soc-team");
    let jira = kit.jira(&conn, "Team Jira");
    let case = kit.case_in(&conn, "Team case");
    let pushed = kit
        .h
        .push_case(&conn, &case.case_id, &jira.connector_id)
        .unwrap()
        .expect("ok");
    assert_eq!(pushed.external_service.connector_name, "Team Jira");
    assert!(kit
        .only_request()
        .path
        .starts_with("/s/soc-team/api/cases/"));
    // The default space knows neither.
    kit.sim.clear_requests();
    let r = kit
        .h
        .push_case(&kit.conn(), &case.case_id, &jira.connector_id)
        .unwrap();
    assert_status(r, 404, ErrorKind::NotFound);
    kit.sim.clear_requests();
    let r = kit.h.push_case(&conn, "a/../b", "c?d#e").unwrap();
    assert_status(r, 404, ErrorKind::NotFound);
    assert_eq!(
        kit.only_request().path,
        "/s/soc-team/api/cases/a%2F..%2Fb/connector/c%3Fd%23e/_push"
    );
}
