//! An Obelisk workflow over the elastic-security component: what a SOC automation
//! does with an alert. Unless the alert is already in a case, it creates a case,
//! attaches the alert to it, tags it and returns the case's id
//! (`wit/workflow.wit`). Each call below is an import that
//! Obelisk runs as an activity of the deployed component: the workflow itself does
//! no I/O, so Obelisk can replay it deterministically, and a step already done is
//! never run again.
//!
//! A step whose activity was cut off (its answer lost, or its server gone) is run
//! again, and each step is safe to run again: the case is created with an
//! idempotency key derived from the alert's id (a repeat finds the case the first
//! attempt made), the alert is attached once, and a tag already there is not added.

mod bindings {
    wit_bindgen::generate!({
        // The component's own WIT (the package `automation:elastic-security`),
        // then this workflow's.
        path: ["../../../wit", "wit"],
        world: "automation:elastic-security-workflow/alert-workflow",
        generate_all,
    });
}

use bindings::automation::elastic_security::case_comments::{self, AddCommentInput};
use bindings::automation::elastic_security::case_tags;
use bindings::automation::elastic_security::cases::{self, CreateCaseInput, GetCasesByAlertInput};
use bindings::automation::elastic_security::types::{CommentType, Connection, Error, Owner};
use bindings::exports::automation::elastic_security_workflow::alert_triage::{Guest, TriageInput};
struct AlertWorkflow;

impl Guest for AlertWorkflow {
    fn open_case_for_alert(conn: Connection, input: TriageInput) -> Result<String, Error> {
        // An alert already in a case gets no second one.
        let existing = cases::get_cases_by_alert(
            &conn,
            &GetCasesByAlertInput {
                alert_id: input.alert.id.clone(),
                owners: vec![Owner::SecuritySolution],
            },
        )?;
        if let Some(case) = existing.into_iter().next() {
            return Ok(case.case_id);
        }
        let case = cases::create_case(
            &conn,
            &CreateCaseInput {
                title: input.title,
                owner: Owner::SecuritySolution,
                description: input.description,
                connector_id: None,
                connector_name: None,
                connector_type: None,
                severity: input.severity,
                tags: Vec::new(),
                assignees: Vec::new(),
                idempotency_key: idempotency_key(&input.alert.id),
            },
        )?
        .kibana_case;
        case_comments::add_comment(
            &conn,
            &AddCommentInput {
                case_id: case.case_id.clone(),
                comment: None,
                comment_type: Some(CommentType::Alert),
                alert_id: Some(input.alert.id),
                alert_index: input.alert.index,
                rule_id: input.alert.rule_id,
                rule_name: input.alert.rule_name,
            },
        )?;
        if !input.tags.is_empty() {
            case_tags::add_tag(&conn, &case.case_id, &input.tags)?;
        }
        Ok(case.case_id)
    }
}

/// The key of the case for the alert `alert_id`: `alert-{alert_id}` when that is a
/// key as the component takes it (at most 240 characters of `A-Za-z0-9-_.`), else
/// `alert-sha256-{the id's SHA-256 in hex}`.
#[cfg(not(feature = "without-keys"))]
fn idempotency_key(alert_id: &str) -> Option<String> {
    use sha2::{Digest, Sha256};
    const PREFIX: &str = "alert-";
    let plain = PREFIX.len() + alert_id.len() <= 240
        && alert_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    Some(match plain {
        true => format!("{PREFIX}{alert_id}"),
        false => format!("{PREFIX}sha256-{:x}", Sha256::digest(alert_id.as_bytes())),
    })
}

/// No key: every attempt that reaches Kibana may create a case.
#[cfg(feature = "without-keys")]
fn idempotency_key(_alert_id: &str) -> Option<String> {
    None
}

bindings::export!(AlertWorkflow with_types_in bindings);
