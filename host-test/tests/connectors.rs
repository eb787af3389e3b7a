//! End-to-end tests of the `connectors` interface against the Kibana simulator.

mod common;

use common::*;
use host_test::harness::bindings::connectors::CreateConnectorInput;
use host_test::harness::bindings::ErrorKind;
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
