//! End-to-end tests of the alerts of cases (`cases.get-cases-by-alert`,
//! `cases.get-case-alerts`): the component in wasmtime against the simulator.

mod common;

use common::*;
use host_test::harness::bindings::{cases, CaseStatus, ErrorKind, Owner};
use host_test::sim::Fault;

fn by_alert(alert_id: &str, owners: Vec<Owner>) -> cases::GetCasesByAlertInput {
    cases::GetCasesByAlertInput {
        alert_id: alert_id.into(),
        owners,
    }
}

#[test]
fn get_cases_by_alert_finds_every_case_of_the_alert() {
    let kit = Kit::new();
    let conn = kit.conn();
    let first = kit.case("Phishing wave");
    let second = kit.case("Same sender");
    kit.case("Unrelated");
    kit.attach_alert(&conn, &first.case_id, "alert-1");
    kit.attach_alert(&conn, &second.case_id, "alert-1");
    kit.attach_alert(&conn, &second.case_id, "alert-2");

    let found = kit
        .h
        .get_cases_by_alert(&conn, &by_alert("alert-1", vec![]))
        .unwrap()
        .expect("found");
    let req = kit.only_request();
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("GET", "/api/cases/alerts/alert-1")
    );
    assert_eq!(req.query, "");
    let ids: Vec<&str> = found.iter().map(|c| c.case_id.as_str()).collect();
    assert_eq!(ids, [first.case_id.as_str(), second.case_id.as_str()]);
    let c = &found[1];
    assert_eq!(
        (c.title.as_str(), c.status),
        ("Same sender", CaseStatus::Open)
    );
    assert_eq!(c.description, "Same sender: description");
    assert_eq!((c.total_alerts, c.total_comments), (2, 0));
    assert_eq!(c.created_at, second.created_at);
}

#[test]
fn get_cases_by_alert_owner_filter_is_repeated() {
    let kit = Kit::new();
    let conn = kit.conn();
    let case = kit.case("Phishing");
    kit.attach_alert(&conn, &case.case_id, "a1");
    let owners = vec![Owner::Cases, Owner::Observability, Owner::Cases];
    let found = kit
        .h
        .get_cases_by_alert(&conn, &by_alert("a1", owners))
        .unwrap()
        .expect("an empty list");
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(kit.only_request().query, "owner=cases&owner=observability");
    kit.sim.clear_requests();
    let found = kit
        .h
        .get_cases_by_alert(&conn, &by_alert("a1", vec![Owner::SecuritySolution]))
        .unwrap()
        .expect("found");
    assert_eq!(found.len(), 1);
    assert_eq!(kit.only_request().query, "owner=securitySolution");
}

#[test]
fn get_cases_by_alert_alert_in_no_case_is_an_empty_list() {
    let kit = Kit::new();
    let found = kit
        .h
        .get_cases_by_alert(&kit.conn(), &by_alert("never-attached", vec![]))
        .unwrap()
        .expect("200 with no cases");
    assert!(found.is_empty());
    assert_eq!(kit.only_request().path, "/api/cases/alerts/never-attached");
}

#[test]
fn get_cases_by_alert_invalid_input_sends_nothing() {
    let kit = Kit::new();
    for blank in ["", "  "] {
        let r = kit
            .h
            .get_cases_by_alert(&kit.conn(), &by_alert(blank, vec![]))
            .unwrap();
        assert_invalid(&kit, r, "alert-id");
    }
    let long = "a".repeat(513);
    let r = kit
        .h
        .get_cases_by_alert(&kit.conn(), &by_alert(&long, vec![]))
        .unwrap();
    assert_invalid(&kit, r, "alert-id");
}

#[test]
fn get_cases_by_alert_401_404_and_broken_answer() {
    let kit = Kit::new();
    let r = kit
        .h
        .get_cases_by_alert(&kit.bad_key(), &by_alert("a", vec![]))
        .unwrap();
    assert_status(r, 401, ErrorKind::Unauthorized);
    let r = kit
        .h
        .get_cases_by_alert(&kit.conn_in("no-such-space"), &by_alert("a", vec![]))
        .unwrap();
    assert_status(r, 404, ErrorKind::NotFound);
    kit.sim.inject(Fault::WrongShape200);
    let r = kit
        .h
        .get_cases_by_alert(&kit.conn(), &by_alert("a", vec![]))
        .unwrap();
    let e = assert_status(r, 502, ErrorKind::InvalidResponse);
    assert!(
        e.message.contains("not a valid list of cases"),
        "{}",
        e.message
    );
}

#[test]
fn get_cases_by_alert_in_another_space_with_a_hostile_id() {
    let kit = Kit::new();
    let conn = kit.conn_in("soc-team");
    let id = "a/../b?c#d %&=+ü";
    let case = kit.case_in(&conn, "In the SOC space");
    kit.attach_alert(&conn, &case.case_id, id);
    let found = kit
        .h
        .get_cases_by_alert(&conn, &by_alert(id, vec![]))
        .unwrap()
        .expect("found");
    assert_eq!(found.len(), 1);
    let req = kit.only_request();
    assert_eq!(
        req.path,
        "/s/soc-team/api/cases/alerts/a%2F..%2Fb%3Fc%23d%20%25%26%3D%2B%C3%BC"
    );
    // The default space holds no case with it.
    kit.sim.clear_requests();
    let none = kit
        .h
        .get_cases_by_alert(&kit.conn(), &by_alert(id, vec![]))
        .unwrap()
        .expect("ok");
    assert!(none.is_empty());
}

#[test]
fn get_case_alerts_lists_each_alert_with_its_index() {
    let kit = Kit::new();
    let conn = kit.conn();
    let case = kit.case("Alerts");
    kit.attach_alert(&conn, &case.case_id, "alert-1");
    kit.attach_alert(&conn, &case.case_id, "alert-2");
    let alerts = kit
        .h
        .get_case_alerts(&conn, &case.case_id)
        .unwrap()
        .expect("listed");
    let req = kit.only_request();
    assert_eq!(
        (req.method.as_str(), req.path.clone()),
        ("GET", format!("/api/cases/{}/alerts", case.case_id))
    );
    let ids: Vec<&str> = alerts.iter().map(|a| a.alert_id.as_str()).collect();
    assert_eq!(ids, ["alert-1", "alert-2"]);
    assert!(alerts
        .iter()
        .all(|a| a.index == ".alerts-security.alerts-default"));
    assert!(
        alerts.iter().all(|a| a.attached_at.ends_with('Z')),
        "{alerts:?}"
    );
    let none = kit.case("No alerts");
    assert!(kit
        .h
        .get_case_alerts(&conn, &none.case_id)
        .unwrap()
        .expect("ok")
        .is_empty());
}

#[test]
fn get_case_alerts_errors() {
    let kit = Kit::new();
    for blank in ["", " "] {
        let r = kit.h.get_case_alerts(&kit.conn(), blank).unwrap();
        assert_invalid(&kit, r, "case-id");
    }
    let r = kit.h.get_case_alerts(&kit.bad_key(), "x").unwrap();
    assert_status(r, 401, ErrorKind::Unauthorized);
    kit.sim.clear_requests();
    let r = kit.h.get_case_alerts(&kit.conn(), "no-such-case").unwrap();
    let e = assert_status(r, 404, ErrorKind::NotFound);
    assert!(e.message.contains("no-such-case"));
    assert_eq!(kit.routes(), ["GET /api/cases/no-such-case/alerts"]);
    kit.sim.inject(Fault::WrongShape200);
    let r = kit.h.get_case_alerts(&kit.conn(), "x").unwrap();
    assert_status(r, 502, ErrorKind::InvalidResponse);
}

#[test]
fn get_case_alerts_in_another_space_with_a_hostile_id() {
    let kit = Kit::new();
    let conn = kit.conn_in("security");
    let case = kit.case_in(&conn, "Security space");
    kit.attach_alert(&conn, &case.case_id, "a1");
    let alerts = kit
        .h
        .get_case_alerts(&conn, &case.case_id)
        .unwrap()
        .expect("ok");
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].index, ".alerts-security.alerts-security");
    assert_eq!(
        kit.only_request().path,
        format!("/s/security/api/cases/{}/alerts", case.case_id)
    );
    kit.sim.clear_requests();
    let r = kit.h.get_case_alerts(&conn, "a/../b?c#d").unwrap();
    assert_status(r, 404, ErrorKind::NotFound);
    assert_eq!(
        kit.only_request().path,
        "/s/security/api/cases/a%2F..%2Fb%3Fc%23d/alerts"
    );
}
