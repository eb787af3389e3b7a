//! Unit tests of `create-connector`: the exact request Kibana receives, the
//! conversion of its answers, and secrets kept out of every output and message.

use super::*;
use crate::kibana::TransportError;
use crate::test_support::*;
use crate::types::ErrorKind;
use serde_json::json;

const SECRET: &str = "xoxb-very-secret-token-1234";

fn input() -> CreateConnectorInput {
    CreateConnectorInput {
        name: "my-connector".into(),
        connector_type_id: ".index".into(),
        config: Some(r#"{"index": "test-index"}"#.into()),
        secrets: None,
        description: Some("for the SOC workflow".into()),
    }
}

#[test]
fn create_connector_index_fixture() {
    let t = FakeTransport::new()
        .reply_json(200, &connectors_fixture("create_index_connector_response"));
    let out = run(&t, |c| create_connector(c, input())).unwrap();
    let req = t.only_request();
    req.assert_standard_headers();
    assert_eq!(req.line(), "POST /api/actions/connector");
    assert_eq!(
        req.body_json(),
        json!({"name": "my-connector", "connector_type_id": ".index",
               "config": {"index": "test-index"}, "secrets": {}})
    );
    assert_eq!(out.connector_id, "c55b6eb0-6bad-11eb-9f3b-611eebc6c3ad");
    assert_eq!(out.name, "my-connector");
    assert_eq!(out.connector_type_id, ".index");
    assert_eq!(out.description.as_deref(), Some("for the SOC workflow"));
    let config: serde_json::Value = serde_json::from_str(&out.config).unwrap();
    assert_eq!(
        config,
        json!({"index": "test-index", "refresh": false, "executionTimeField": null})
    );
    assert!(!out.is_preconfigured && !out.is_deprecated && !out.is_missing_secrets);
    assert_eq!(out.created_at, None);
    assert_eq!(out.updated_by, None);
}

#[test]
fn create_connector_secrets_sent_but_never_returned() {
    let t = FakeTransport::new().reply_json(
        200,
        &connectors_fixture("create_webhook_connector_response"),
    );
    let client = Client::new(&conn_in_space("soc"), &t).unwrap();
    let given = CreateConnectorInput {
        name: "my-webhook-connector".into(),
        connector_type_id: " .webhook ".into(),
        config: Some(r#"{"url": "https://example.com", "method": "post"}"#.into()),
        secrets: Some(format!(r#"{{"user": "bob", "password": "{SECRET}"}}"#)),
        description: None,
    };
    let out = create_connector(&client, given).unwrap();
    let req = t.only_request();
    assert_eq!(req.line(), "POST /s/soc/api/actions/connector");
    let body = req.body_json();
    assert_eq!(body["connector_type_id"], ".webhook");
    assert_eq!(body["secrets"], json!({"user": "bob", "password": SECRET}));
    assert!(body.get("description").is_none());
    assert_eq!(out.description, None);
    assert!(!format!("{out:?}").contains(SECRET));
}

#[test]
fn create_connector_blank_config_and_secrets_send_empty_objects() {
    let t = FakeTransport::new()
        .reply_json(200, &connectors_fixture("create_email_connector_response"));
    let given = CreateConnectorInput {
        config: Some("  ".into()),
        secrets: Some("".into()),
        ..input()
    };
    run(&t, |c| create_connector(c, given)).unwrap();
    let body = t.only_request().body_json();
    assert_eq!(body["config"], json!({}));
    assert_eq!(body["secrets"], json!({}));
}

#[test]
fn create_connector_validation_sends_nothing() {
    for (given, expected) in [
        (
            CreateConnectorInput {
                name: " ".into(),
                ..input()
            },
            "name: must not be blank",
        ),
        (
            CreateConnectorInput {
                connector_type_id: "".into(),
                ..input()
            },
            "connector-type-id: must not be blank",
        ),
        (
            CreateConnectorInput {
                connector_type_id: "jira".into(),
                ..input()
            },
            "connector-type-id: must start with `.`",
        ),
        (
            CreateConnectorInput {
                config: Some("[1]".into()),
                ..input()
            },
            "config: must be a JSON object",
        ),
        (
            CreateConnectorInput {
                config: Some("{oops".into()),
                ..input()
            },
            "config: must be a JSON object (key must be a string",
        ),
    ] {
        let t = FakeTransport::new();
        assert_invalid(
            &run(&t, |c| create_connector(c, given)).unwrap_err(),
            expected,
        );
        assert!(t.requests().is_empty());
    }
}

#[test]
fn create_connector_invalid_secrets_never_quoted() {
    for secrets in [
        format!("{{\"password\": \"{SECRET}\""),
        format!("\"{SECRET}\""),
        format!("{{\"password\": {SECRET}}}"),
    ] {
        let t = FakeTransport::new();
        let given = CreateConnectorInput {
            secrets: Some(secrets),
            ..input()
        };
        let err = run(&t, |c| create_connector(c, given)).unwrap_err();
        assert_eq!(err.message, "secrets: must be a JSON object");
        assert_no_secret(&err, SECRET);
        assert!(t.requests().is_empty());
    }
}

#[test]
fn create_connector_errors_never_echo_secrets() {
    let secrets = format!(r#"{{"token": "{SECRET}"}}"#);
    let answers = [
        FakeTransport::new().reply(
            400,
            &format!(r#"{{"statusCode":400,"error":"Bad Request","message":"error validating action type secrets: token {SECRET} is invalid"}}"#),
        ),
        FakeTransport::new().reply(502, &format!("<html>echo: {{\"token\": \"{SECRET}\"}}</html>")),
        FakeTransport::new().reply(200, &format!("{{\"id\": 5, \"echo\": \"{SECRET}\"}}")),
        FakeTransport::new().fail(TransportError::Unreachable(format!("reset while sending {SECRET}"))),
    ];
    for t in answers {
        let given = CreateConnectorInput {
            connector_type_id: ".slack_api".into(),
            secrets: Some(secrets.clone()),
            ..input()
        };
        let err = run(&t, |c| create_connector(c, given)).unwrap_err();
        assert_no_secret(&err, SECRET);
        assert_no_secret(&err, API_KEY);
    }
}

#[test]
fn create_connector_401_and_invalid_json() {
    let t = FakeTransport::new()
        .reply_json(401, &cases_fixture("response_401"))
        .reply(200, "{\"name\": \"x\"}");
    let err = run(&t, |c| create_connector(c, input())).unwrap_err();
    assert_eq!((err.status_code, err.kind), (401, ErrorKind::Unauthorized));
    let err = run(&t, |c| create_connector(c, input())).unwrap_err();
    assert_eq!(
        (err.status_code, err.kind),
        (502, ErrorKind::InvalidResponse)
    );
    assert!(err.message.starts_with(
        "Kibana answered 200 but the body is not a valid connector: missing field `id`"
    ));
}

#[test]
fn create_connector_reports_timestamps_when_present() {
    let mut answer = connectors_fixture("create_index_connector_response");
    answer["created_at"] = json!("2024-01-01T00:00:00.000Z");
    answer["updated_by"] = json!({"not": "a string"});
    answer["config"] = serde_json::Value::Null;
    let t = FakeTransport::new().reply_json(200, &answer);
    let out = run(&t, |c| create_connector(c, input())).unwrap();
    assert_eq!(out.created_at.as_deref(), Some("2024-01-01T00:00:00.000Z"));
    assert_eq!(out.updated_by, None);
    assert_eq!(out.config, "{}");
}

#[test]
fn get_many_connectors_reads_kibanas_example_and_filters_by_type() {
    let example = connectors_fixture("get_connectors_response");
    let t = FakeTransport::new().reply_json(200, &example);
    let all = run(&t, |c| get_many_connectors(c, None)).unwrap();
    let req = t.only_request();
    req.assert_standard_headers();
    assert_eq!(req.line(), "GET /api/actions/connectors");
    assert_eq!(all.len(), 2);
    // A preconfigured connector has no config.
    assert_eq!(
        (all[0].config.as_str(), all[0].is_preconfigured),
        ("{}", true)
    );
    let config: serde_json::Value = serde_json::from_str(&all[1].config).unwrap();
    assert_eq!(
        config,
        json!({"index": "test-index", "refresh": false, "executionTimeField": null})
    );
    assert_eq!(
        (all[1].referenced_by_count, all[1].is_missing_secrets),
        (2, false)
    );
    let t = FakeTransport::new().reply_json(200, &example);
    let index = run(&t, |c| get_many_connectors(c, Some(" .index "))).unwrap();
    assert_eq!(index.len(), 1);
    assert_eq!(
        index[0].connector_id,
        "e07d0c80-8b8b-11ed-a780-3b746c987a81"
    );
    let t = FakeTransport::new();
    let err = run(&t, |c| get_many_connectors(c, Some("index"))).unwrap_err();
    assert_invalid(&err, "connector-type-id: must start with `.`");
    assert!(t.requests().is_empty());
}
