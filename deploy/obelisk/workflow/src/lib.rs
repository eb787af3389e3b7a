//! An Obelisk workflow over the elastic-security component: what a SOC automation
//! does with an alert. Unless the alert is already in a case, it creates a case,
//! attaches the alert to it, tags it and returns the case's id
//! (`wit/workflow.wit`). Each call below is an import that
//! Obelisk runs as an activity of the deployed component: the workflow itself does
//! no I/O, so Obelisk can replay it deterministically, and a step already done is
//! never run again.

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
            },
        )?;
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

bindings::export!(AlertWorkflow with_types_in bindings);
