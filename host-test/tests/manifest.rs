//! The node manifest agrees with the CLI: every operation's output, as the CLI writes
//! it from a real run against the simulator, is valid under the manifest's output
//! schema (the same keys, types and enum spellings, nothing more), failures under its
//! error schema, and the CLI spells each enum value as the manifest does.

mod common;

use std::collections::BTreeSet;

use common::Kit;
use elastic_security_manifest::Manifest;
use host_test::cli::contract::{self, Named};
use host_test::cli::operations;
use host_test::harness::bindings::{CaseStatus, ErrorKind, Owner, Severity, SortField};
use host_test::sim::SimConfig;
use serde_json::{json, Value};

fn manifest() -> Manifest {
    elastic_security_manifest::build().expect("the contract and the WIT agree")
}

/// Runs `name` through the CLI's contract layer; its output must be valid under the
/// manifest's schema for it (the error schema when it failed).
fn run(kit: &Kit, m: &Manifest, seen: &mut BTreeSet<String>, name: &str, input: Value) -> Value {
    let op = operations::find(name).expect("an operation");
    let out = contract::run(kit.h, op, &input, kit.conn()).expect("no trap");
    let entry = m
        .operations
        .iter()
        .find(|o| o.name == name)
        .expect("in the manifest");
    // A failure has an ErrorKind; delete-case with some ids not deleted is a failure to
    // the CLI (exit code 1) but has the success's shape (and its partial-failure message).
    let failed = out.json.get("ErrorKind").is_some();
    let schema = if failed {
        &m.error_schema
    } else {
        &entry.output_schema
    };
    let validator = jsonschema::draft202012::new(schema).expect("a schema");
    let errors: Vec<String> = validator
        .iter_errors(&out.json)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{name} {input}: {} does not match the manifest: {errors:?}",
        out.json
    );
    if !failed {
        seen.insert(name.to_string());
    }
    out.json
}

#[test]
fn every_operation_s_output_matches_the_manifest() {
    // Platinum: assignees are allowed, so their output shape is checked too.
    let kit = Kit::with(SimConfig {
        platinum: true,
        ..SimConfig::default()
    });
    let m = manifest();
    let mut seen = BTreeSet::new();
    let s = &mut seen;
    let connector = run(
        &kit,
        &m,
        s,
        "create-connector",
        json!({"Name": "SOC Jira", "ConnectorTypeId": ".jira",
        "Config": {"apiUrl": "https://jira.example.com", "projectKey": "SOC"},
        "Secrets": {"email": "bot@example.com", "apiToken": "t"}, "Description": "escalations"}),
    );
    run(&kit, &m, s, "get-many-connectors", json!({}));
    let case = run(
        &kit,
        &m,
        s,
        "create-case",
        json!({"Title": "Phishing", "Owner": "securitySolution",
        "Tags": "phishing,email", "Assignees": "u_1", "Severity": "high"}),
    );
    let case_id = case["CaseId"]
        .as_str()
        .unwrap_or_else(|| panic!("{case}"))
        .to_string();
    assert_eq!(case["Assignees"], json!([{"Uid": "u_1"}]));
    let updated = run(
        &kit,
        &m,
        s,
        "update-case",
        json!({"CaseId": case_id, "Version": case["Version"], "Status": "in-progress"}),
    );
    assert_eq!(updated["Status"], "in-progress");
    run(
        &kit,
        &m,
        s,
        "add-tag",
        json!({"CaseId": case_id, "Tags": "triage"}),
    );
    let comment = run(
        &kit,
        &m,
        s,
        "add-comment",
        json!({"CaseId": case_id, "Comment": "Blocked the sender."}),
    );
    run(
        &kit,
        &m,
        s,
        "add-comment",
        json!({"CaseId": case_id, "CommentType": "alert", "AlertId": "a-1", "RuleName": "r"}),
    );
    run(
        &kit,
        &m,
        s,
        "get-comment",
        json!({"CaseId": case_id, "CommentId": comment["CommentId"]}),
    );
    run(
        &kit,
        &m,
        s,
        "update-comment",
        json!({"CaseId": case_id, "CommentId": comment["CommentId"],
        "Version": comment["Version"], "Comment": "Blocked the sender and purged the mail."}),
    );
    run(
        &kit,
        &m,
        s,
        "get-many-comments",
        json!({"CaseId": case_id, "ReturnAll": true}),
    );
    let full = run(
        &kit,
        &m,
        s,
        "get-case",
        json!({"CaseId": case_id, "IncludeComments": true}),
    );
    assert!(
        full["Comments"].as_array().is_some_and(|c| !c.is_empty()),
        "{full}"
    );
    let bare = run(&kit, &m, s, "get-case", json!({"CaseId": case_id}));
    assert!(bare.get("Comments").is_none(), "{bare}");
    run(&kit, &m, s, "get-case-status", json!({"CaseId": case_id}));
    run(
        &kit,
        &m,
        s,
        "get-many-cases",
        json!({"Owner": "securitySolution", "SortField": "updatedAt", "PerPage": 5}),
    );
    run(&kit, &m, s, "get-cases-by-alert", json!({"AlertId": "a-1"}));
    run(&kit, &m, s, "get-case-alerts", json!({"CaseId": case_id}));
    run(
        &kit,
        &m,
        s,
        "push-case",
        json!({"CaseId": case_id, "ConnectorId": connector["ConnectorId"]}),
    );
    run(
        &kit,
        &m,
        s,
        "get-case-activity",
        json!({"CaseId": case_id, "Types": "status,pushed"}),
    );
    run(&kit, &m, s, "get-case-tags", json!({}));
    run(
        &kit,
        &m,
        s,
        "remove-tag",
        json!({"CaseId": case_id, "Tags": "triage"}),
    );
    run(
        &kit,
        &m,
        s,
        "remove-comment",
        json!({"CaseId": case_id, "CommentId": comment["CommentId"]}),
    );
    let partly = run(
        &kit,
        &m,
        s,
        "delete-case",
        json!({"CaseIds": [case_id.as_str(), "no-such-case"]}),
    );
    assert_eq!(
        (
            partly["DeletedCount"].clone(),
            partly["FailedCount"].clone()
        ),
        (json!(1), json!(1))
    );
    assert_eq!(
        partly["ErrorMessage"],
        "1 of the cases could not be deleted"
    );
    let other = run(
        &kit,
        &m,
        s,
        "create-case",
        json!({"Title": "Second", "Owner": "cases"}),
    );
    run(
        &kit,
        &m,
        s,
        "delete-case",
        json!({"CaseIds": other["CaseId"]}),
    );

    // Failures: the error schema.
    let missing = run(&kit, &m, s, "get-case", json!({"CaseId": "no-such-case"}));
    assert_eq!(
        (missing["StatusCode"].clone(), missing["ErrorKind"].clone()),
        (json!(404), json!("not-found"))
    );
    let bad = run(&kit, &m, s, "create-case", json!({"Owner": "cases"}));
    assert_eq!(bad["StatusCode"], -1);

    let all: BTreeSet<String> = m.operations.iter().map(|o| o.name.to_string()).collect();
    assert_eq!(seen, all, "every operation ran and succeeded at least once");
}

/// The manifest's contract names of the values of the WIT enum `wit`.
fn manifest_values(m: &Manifest, wit: &str) -> Vec<String> {
    for o in &m.operations {
        for i in &o.inputs {
            let options = i
                .options
                .as_ref()
                .or(i.items.as_ref().and_then(|it| it.options.as_ref()));
            let ty = i
                .wit
                .ty
                .trim_start_matches("option<")
                .trim_start_matches("list<")
                .trim_end_matches('>');
            if let (Some(options), true) = (options, ty == wit) {
                return options.iter().map(|o| o.value.clone()).collect();
            }
        }
    }
    let kinds = m
        .error_outputs
        .iter()
        .find(|f| f.name == "ErrorKind")
        .and_then(|f| f.options.as_ref());
    match (wit, kinds) {
        ("error-kind", Some(options)) => options.iter().map(|o| o.value.clone()).collect(),
        _ => panic!("no input of the manifest takes `{wit}`"),
    }
}

#[test]
fn the_cli_spells_enum_values_as_the_manifest_does() {
    let m = manifest();
    assert_eq!(Owner::names(), manifest_values(&m, "owner"));
    assert_eq!(Severity::names(), manifest_values(&m, "severity"));
    assert_eq!(CaseStatus::names(), manifest_values(&m, "case-status"));
    assert_eq!(SortField::names(), manifest_values(&m, "sort-field"));
    assert_eq!(ErrorKind::names(), manifest_values(&m, "error-kind"));
    // And reads each back.
    for name in Owner::names() {
        assert_eq!(Owner::parse(&name).map(Named::name), Some(name));
    }
}
