//! `elastic-security demo`: the built-in Kibana simulator, and a whole incident walked
//! through the component, each step printed with what was sent and what came back.

use anyhow::{Context, Result};
use serde_json::{json, Value};

use super::contract;
use super::operations;
use super::EXIT_FAILED;
use crate::harness::bindings::{Auth, Connection};
use crate::harness::Harness;
use crate::sim::Simulator;

/// Runs the demo with `harness`, described as `component` in the first line.
pub fn run(harness: &Harness, component: &str) -> Result<u8> {
    let sim = Simulator::start().context("cannot start the Kibana simulator")?;
    let conn = Connection {
        base_url: sim.url(),
        auth: Some(Auth::ApiKey("sim-api-key".into())),
        space_id: None,
        timeout_ms: Some(10_000),
    };
    println!(
        "Kibana simulator on {} (API key auth); component: {}\n",
        sim.url(),
        component
    );
    let mut demo = Demo {
        harness,
        conn,
        step: 0,
        failures: 0,
    };

    let connector = demo.step(
        "create-connector",
        json!({"Name": "SOC Jira", "ConnectorTypeId": ".jira",
               "Config": {"apiUrl": "https://jira.example.com", "projectKey": "SOC"},
               "Secrets": {"email": "soc-bot@example.com", "apiToken": "demo-token-never-printed"},
               "Description": "Escalations to the SOC Jira project"}),
        &["ConnectorId", "Name", "ConnectorTypeId", "Description"],
    )?;
    demo.step(
        "get-many-connectors",
        json!({"ConnectorTypeId": ".jira"}),
        &["Connectors"],
    )?;
    // An automation checks whether the alert is in a case already before opening one.
    let alert_id = "a1b2c3d4";
    demo.step(
        "get-cases-by-alert",
        json!({"AlertId": alert_id, "Owner": "securitySolution"}),
        &["Cases"],
    )?;
    let case = demo.step(
        "create-case",
        json!({"Title": "Phishing wave against finance", "Owner": "securitySolution",
               "Description": "Several users in finance reported a credential-harvesting email.",
               "ConnectorId": connector["ConnectorId"], "ConnectorName": "SOC Jira", "ConnectorType": ".jira",
               "Severity": "medium", "Tags": "phishing, email"}),
        &["CaseId", "Title", "Status", "Severity", "Tags", "Version"],
    )?;
    let case_id = case["CaseId"].as_str().unwrap_or_default().to_string();
    demo.step(
        "update-case",
        json!({"CaseId": case_id, "Version": case["Version"], "Status": "in-progress", "Severity": "high"}),
        &["Status", "Severity", "UpdatedBy", "Version"],
    )?;
    demo.step(
        "add-tag",
        json!({"CaseId": case_id, "Tags": "finance,triage,phishing"}),
        &["Tags"],
    )?;
    let comment = demo.step(
        "add-comment",
        json!({"CaseId": case_id, "Comment": "Blocked the sender domain at the mail gateway."}),
        &["CommentId", "Type", "Comment"],
    )?;
    demo.step(
        "add-comment",
        json!({"CaseId": case_id, "CommentType": "alert", "AlertId": alert_id, "RuleId": "phish-rule-1",
               "RuleName": "Credential phishing link clicked"}),
        &["CommentId", "Type", "AlertIds"],
    )?;
    demo.step("get-case-alerts", json!({"CaseId": case_id}), &["Alerts"])?;
    demo.step(
        "get-cases-by-alert",
        json!({"AlertId": alert_id}),
        &["Cases"],
    )?;
    demo.step(
        "get-case",
        json!({"CaseId": case_id, "IncludeComments": true}),
        &["Title", "TotalComments", "TotalAlerts", "Tags"],
    )?;
    demo.step(
        "update-comment",
        json!({"CaseId": case_id, "CommentId": comment["CommentId"], "Version": comment["Version"],
               "Comment": "Blocked the sender domain and purged the email from 14 mailboxes."}),
        &["Comment", "UpdatedBy"],
    )?;
    demo.step("get-many-comments", json!({"CaseId": case_id}), &["Total"])?;
    demo.step(
        "get-many-cases",
        json!({"Status": "in-progress", "Owner": "securitySolution", "Search": "phishing", "ReturnAll": true}),
        &["Total", "Page", "PerPage"],
    )?;
    demo.step(
        "get-case-status",
        json!({"CaseId": case_id}),
        &["Status", "Severity", "TotalComments"],
    )?;
    demo.step(
        "push-case",
        json!({"CaseId": case_id, "ConnectorId": connector["ConnectorId"]}),
        &["ExternalService"],
    )?;
    demo.step(
        "get-case-activity",
        json!({"CaseId": case_id, "SortOrder": "asc", "PerPage": 100}),
        &["Total"],
    )?;
    demo.step(
        "get-case-tags",
        json!({"Owner": "securitySolution"}),
        &["Tags"],
    )?;
    demo.step(
        "remove-tag",
        json!({"CaseId": case_id, "Tags": "triage"}),
        &["Tags"],
    )?;
    demo.step(
        "remove-comment",
        json!({"CaseId": case_id, "CommentId": comment["CommentId"]}),
        &["Deleted", "CommentId"],
    )?;
    demo.step(
        "delete-case",
        json!({"CaseIds": case_id}),
        &["DeletedCount", "FailedCount"],
    )?;
    demo.step("get-case", json!({"CaseId": case_id}), &[])?;

    // The last step is meant to fail (the case is gone): that is one expected failure.
    let unexpected = demo.failures.saturating_sub(1);
    println!(
        "\n{} steps, {} requests served by the simulator; the final 404 is expected (the case was deleted).",
        demo.step,
        sim.requests().len()
    );
    if unexpected > 0 {
        println!("{unexpected} step(s) failed unexpectedly");
        return Ok(EXIT_FAILED);
    }
    Ok(0)
}

struct Demo<'a> {
    harness: &'a Harness,
    conn: Connection,
    step: usize,
    failures: usize,
}

impl Demo<'_> {
    /// Runs one operation, prints the input and the chosen output keys, returns the output.
    fn step(&mut self, name: &str, input: Value, show: &[&str]) -> Result<Value> {
        self.step += 1;
        let op = operations::find(name).with_context(|| format!("no operation {name}"))?;
        let mut shown_input = input.clone();
        if let Some(obj) = shown_input.as_object_mut() {
            if obj.contains_key("Secrets") {
                obj.insert("Secrets".into(), json!("<redacted>"));
            }
        }
        println!("{:>2}. {} {}", self.step, op.title, shown_input);
        let out = contract::run(self.harness, op, &input, self.conn.clone())?;
        let status = &out.json["StatusCode"];
        if out.ok {
            let mut parts = Vec::new();
            for key in show {
                parts.push(format!("{key}={}", out.json[*key]));
            }
            println!("    -> {status} {}", parts.join("  "));
        } else {
            self.failures += 1;
            println!("    -> {status} {}", out.json["ErrorMessage"]);
        }
        Ok(out.json)
    }
}
