//! End-to-end tests of the `connectors` interface against the Kibana simulator.

mod common;

use common::*;
use host_test::harness::bindings::connectors::CreateConnectorInput;
use host_test::harness::bindings::ErrorKind;
use host_test::sim::Fault;
use serde_json::{json, Value};

const SECRET: &str = "tok-3f9a-very-secret";

fn jira() -> CreateConnectorInput {
    CreateConnectorInput {
        name: "SOC Jira".into(),
        connector_type_id: ".jira".into(),
        config: Some(r#"{"apiUrl":"https://jira.example.com","projectKey":"SOC"}"#.into()),
        secrets: Some(format!(
            r#"{{"email":"bot@example.com","apiToken":"{SECRET}"}}"#
        )),
        description: Some("Escalations".into()),
    }
}

#[test]
fn create_connector_sends_no_description_and_echoes_no_secret() {
    let kit = Kit::new();
    let c = kit
        .h
        .create_connector(&kit.conn(), &jira())
        .unwrap()
        .expect("created");
    let req = kit.only_request();
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("POST", "/api/actions/connector")
    );
    assert!(req.header("kbn-xsrf").is_some());
    assert_eq!(
        req.body_json().unwrap(),
        json!({"name": "SOC Jira", "connector_type_id": ".jira",
               "config": {"apiUrl": "https://jira.example.com", "projectKey": "SOC"},
               "secrets": {"email": "bot@example.com", "apiToken": SECRET}})
    );
    assert!(!c.connector_id.is_empty());
    assert_eq!(c.name, "SOC Jira");
    assert_eq!(c.connector_type_id, ".jira");
    assert_eq!(c.description.as_deref(), Some("Escalations"));
    let config: Value = serde_json::from_str(&c.config).expect("config is JSON text");
    assert_eq!(config["projectKey"], "SOC");
    assert!(!c.is_preconfigured && !c.is_missing_secrets);
    assert!(
        !format!("{c:?}").contains(SECRET),
        "secrets never come back"
    );
}

#[test]
fn create_connector_in_a_space_with_defaults() {
    let kit = Kit::new();
    let input = CreateConnectorInput {
        name: "Log".into(),
        connector_type_id: ".server-log".into(),
        config: None,
        secrets: Some("  ".into()),
        description: None,
    };
    let c = kit
        .h
        .create_connector(&kit.conn_in("soc-team"), &input)
        .unwrap()
        .expect("created");
    let req = kit.only_request();
    assert_eq!(req.path, "/s/soc-team/api/actions/connector");
    assert_eq!(
        req.body_json().unwrap(),
        json!({"name": "Log", "connector_type_id": ".server-log", "config": {}, "secrets": {}})
    );
    assert_eq!(c.description, None);
    assert_eq!(c.config, "{}");
}

#[test]
fn create_connector_invalid_input_sends_nothing_and_hides_secrets() {
    let kit = Kit::new();
    let conn = kit.conn();
    let r = kit
        .h
        .create_connector(
            &conn,
            &CreateConnectorInput {
                name: " ".into(),
                ..jira()
            },
        )
        .unwrap();
    assert_invalid(&kit, r, "name");
    let r = kit
        .h
        .create_connector(
            &conn,
            &CreateConnectorInput {
                connector_type_id: "jira".into(),
                ..jira()
            },
        )
        .unwrap();
    assert_invalid(&kit, r, "connector-type-id");
    let r = kit
        .h
        .create_connector(
            &conn,
            &CreateConnectorInput {
                config: Some("[1,2]".into()),
                ..jira()
            },
        )
        .unwrap();
    assert_invalid(&kit, r, "config");
    let broken = format!(r#"{{"apiToken":"{SECRET}""#);
    let r = kit
        .h
        .create_connector(
            &conn,
            &CreateConnectorInput {
                secrets: Some(broken),
                ..jira()
            },
        )
        .unwrap();
    let shown = format!("{r:?}");
    assert_invalid(&kit, r, "secrets");
    assert!(
        !shown.contains(SECRET),
        "the secrets text is never quoted: {shown}"
    );
}

#[test]
fn create_connector_kibana_validation_400() {
    let kit = Kit::new();
    let input = CreateConnectorInput {
        name: "Index".into(),
        connector_type_id: ".index".into(),
        config: Some("{}".into()),
        secrets: None,
        description: None,
    };
    let e = kit
        .h
        .create_connector(&kit.conn(), &input)
        .unwrap()
        .expect_err("400");
    assert_eq!((e.status_code, e.kind), (400, ErrorKind::BadRequest));
    assert!(e.message.contains("index"), "{}", e.message);
    // Kibana got the config as given, and secrets as an empty object.
    let req = kit.only_request();
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("POST", "/api/actions/connector")
    );
    let body = req.body_json().expect("a JSON body");
    assert_eq!(body["connector_type_id"], ".index");
    assert_eq!(body["config"], serde_json::json!({}));
    assert_eq!(body["secrets"], serde_json::json!({}));
    kit.sim.clear_requests();

    let unknown = CreateConnectorInput {
        connector_type_id: ".nope".into(),
        ..jira()
    };
    let e = kit
        .h
        .create_connector(&kit.conn(), &unknown)
        .unwrap()
        .expect_err("400");
    assert_eq!(e.status_code, 400);
    assert!(!format!("{e:?}").contains(SECRET));
    // The refused type was sent as given, with the secrets (to Kibana only).
    let body = kit.only_request().body_json().expect("a JSON body");
    assert_eq!(body["connector_type_id"], ".nope");
    assert!(body["secrets"].to_string().contains(SECRET));
}

#[test]
fn get_many_connectors_lists_without_secrets_and_filters_by_type() {
    let kit = Kit::new();
    let conn = kit.conn();
    let jira = kit
        .h
        .create_connector(&conn, &jira())
        .unwrap()
        .expect("created");
    let log = CreateConnectorInput {
        name: "Log".into(),
        connector_type_id: ".server-log".into(),
        config: None,
        secrets: None,
        description: None,
    };
    kit.h
        .create_connector(&conn, &log)
        .unwrap()
        .expect("created");
    kit.sim.clear_requests();

    let all = kit
        .h
        .get_many_connectors(&conn, None)
        .unwrap()
        .expect("listed");
    let req = kit.only_request();
    assert_eq!(
        (req.method.as_str(), req.path.as_str(), req.query.as_str()),
        ("GET", "/api/actions/connectors", "")
    );
    let names: Vec<&str> = all.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["SOC Jira", "Log"]);
    let first = &all[0];
    assert_eq!(
        (
            first.connector_id.as_str(),
            first.connector_type_id.as_str()
        ),
        (jira.connector_id.as_str(), ".jira")
    );
    let config: serde_json::Value = serde_json::from_str(&first.config).expect("JSON");
    assert_eq!(config["projectKey"], "SOC");
    assert_eq!(
        (
            first.is_preconfigured,
            first.is_deprecated,
            first.is_missing_secrets
        ),
        (false, false, false)
    );
    assert_eq!(first.referenced_by_count, 0);
    assert!(!format!("{all:?}").contains(SECRET), "secrets never appear");

    kit.sim.clear_requests();
    let only = kit
        .h
        .get_many_connectors(&conn, Some(" .jira "))
        .unwrap()
        .expect("listed");
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].name, "SOC Jira");
    // Kibana's route has no filter: the same request.
    assert_eq!(kit.only_request().query, "");
    let none = kit
        .h
        .get_many_connectors(&conn, Some(".slack"))
        .unwrap()
        .expect("listed");
    assert!(none.is_empty());
    let blank = kit
        .h
        .get_many_connectors(&conn, Some("  "))
        .unwrap()
        .expect("no filter");
    assert_eq!(blank.len(), 2);
}

#[test]
fn get_many_connectors_errors_and_spaces() {
    let kit = Kit::new();
    let r = kit
        .h
        .get_many_connectors(&kit.conn(), Some("jira"))
        .unwrap();
    assert_invalid(&kit, r, "connector-type-id");
    let r = kit.h.get_many_connectors(&kit.bad_key(), None).unwrap();
    assert_status(r, 401, ErrorKind::Unauthorized);
    let r = kit
        .h
        .get_many_connectors(&kit.conn_in("no-such-space"), None)
        .unwrap();
    assert_status(r, 404, ErrorKind::NotFound);
    kit.sim.inject(Fault::WrongShape200);
    let r = kit.h.get_many_connectors(&kit.conn(), None).unwrap();
    let e = assert_status(r, 502, ErrorKind::InvalidResponse);
    assert!(
        e.message.contains("not a valid list of connectors"),
        "{}",
        e.message
    );

    let team = kit.conn_in("soc-team");
    kit.h
        .create_connector(&team, &jira())
        .unwrap()
        .expect("created");
    kit.sim.clear_requests();
    let listed = kit
        .h
        .get_many_connectors(&team, None)
        .unwrap()
        .expect("listed");
    assert_eq!(listed.len(), 1);
    assert_eq!(
        kit.only_request().path,
        "/s/soc-team/api/actions/connectors"
    );
    assert!(kit
        .h
        .get_many_connectors(&kit.conn(), None)
        .unwrap()
        .expect("ok")
        .is_empty());
}
