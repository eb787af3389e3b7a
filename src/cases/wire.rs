//! Kibana's JSON for cases, in Kibana's names: the case it answers, the bodies of
//! `POST /api/cases` and `PATCH /api/cases`, and the mapping of Kibana's enum
//! strings to the WIT enums.

#[allow(unused_imports)]
use crate::rt::prelude::*;

use serde::{Deserialize, Serialize};

use crate::kibana::wire::{nullable, User};
use crate::types::{CaseConnectorType, CaseStatus, Owner, Severity, SortField, SortOrder};

// ---------------------------------------------------------------- answers

/// An entry of a case's `assignees`.
#[derive(Debug, Deserialize)]
pub struct Assignee {
    pub uid: String,
}

/// A case (`GET /api/cases/{id}`, `POST /api/cases`, elements of `_find` and of the
/// `PATCH /api/cases` answer). Its comments, connector and settings are not read.
#[derive(Debug, Deserialize)]
pub struct Case {
    pub id: String,
    #[serde(default, deserialize_with = "nullable")]
    pub version: String,
    #[serde(default, deserialize_with = "nullable")]
    pub title: String,
    #[serde(default, deserialize_with = "nullable")]
    pub description: String,
    pub status: String,
    /// Missing only before Kibana 8.3 had severities; read as `low` then.
    pub severity: Option<String>,
    pub owner: String,
    pub created_at: Option<String>,
    pub created_by: Option<User>,
    pub updated_at: Option<String>,
    pub updated_by: Option<User>,
    #[serde(default, deserialize_with = "nullable")]
    pub tags: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub assignees: Vec<Assignee>,
    #[serde(rename = "totalAlerts", default, deserialize_with = "nullable")]
    pub total_alerts: u64,
    #[serde(rename = "totalComment", default, deserialize_with = "nullable")]
    pub total_comment: u64,
}

/// `GET /api/cases/_find`: a page of cases. `cases` is required: without it the
/// answer is not a page of them.
#[derive(Debug, Deserialize)]
pub struct CasesPage {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
    #[serde(default, deserialize_with = "nullable")]
    pub total: u64,
    pub cases: Vec<Case>,
}

// ---------------------------------------------------------------- requests

/// `settings` of a new case.
#[derive(Debug, Serialize)]
pub struct Settings {
    #[serde(rename = "syncAlerts")]
    pub sync_alerts: bool,
}

/// `connector` of a new case. `fields` is always sent as `null`: `.none` requires
/// it, and the other types accept it (their fields are set when pushing).
#[derive(Debug, Serialize)]
pub struct CaseConnector<'a> {
    pub id: &'a str,
    pub name: &'a str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub fields: (),
}

/// An entry of `assignees` in a request.
#[derive(Debug, Serialize)]
pub struct AssigneeRef<'a> {
    pub uid: &'a str,
}

/// `POST /api/cases`.
#[derive(Debug, Serialize)]
pub struct NewCase<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub tags: &'a [String],
    pub connector: CaseConnector<'a>,
    pub settings: Settings,
    pub owner: &'static str,
    pub severity: &'static str,
    pub assignees: Vec<AssigneeRef<'a>>,
}

/// One case of `PATCH /api/cases`: id, version and only the fields that change.
#[derive(Debug, Serialize)]
pub struct CasePatch<'a> {
    pub id: &'a str,
    pub version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignees: Option<Vec<AssigneeRef<'a>>>,
}

impl<'a> CasePatch<'a> {
    /// A patch that changes nothing yet.
    pub fn new(id: &'a str, version: &'a str) -> Self {
        CasePatch {
            id,
            version,
            title: None,
            description: None,
            status: None,
            severity: None,
            tags: None,
            assignees: None,
        }
    }
}

/// `PATCH /api/cases` body.
#[derive(Debug, Serialize)]
pub struct CasesPatch<'a> {
    pub cases: Vec<CasePatch<'a>>,
}

// ---------------------------------------------------------------- enums

pub fn owner_to_kibana(owner: Owner) -> &'static str {
    match owner {
        Owner::Cases => "cases",
        Owner::Observability => "observability",
        Owner::SecuritySolution => "securitySolution",
    }
}

pub fn owner_from_kibana(owner: &str) -> Option<Owner> {
    match owner {
        "cases" => Some(Owner::Cases),
        "observability" => Some(Owner::Observability),
        "securitySolution" => Some(Owner::SecuritySolution),
        _ => None,
    }
}

pub fn status_to_kibana(status: CaseStatus) -> &'static str {
    match status {
        CaseStatus::Open => "open",
        CaseStatus::InProgress => "in-progress",
        CaseStatus::Closed => "closed",
    }
}

pub fn status_from_kibana(status: &str) -> Option<CaseStatus> {
    match status {
        "open" => Some(CaseStatus::Open),
        "in-progress" => Some(CaseStatus::InProgress),
        "closed" => Some(CaseStatus::Closed),
        _ => None,
    }
}

pub fn severity_to_kibana(severity: Severity) -> &'static str {
    match severity {
        Severity::Low => "low",
        Severity::Medium => "medium",
        Severity::High => "high",
        Severity::Critical => "critical",
    }
}

pub fn severity_from_kibana(severity: &str) -> Option<Severity> {
    match severity {
        "low" => Some(Severity::Low),
        "medium" => Some(Severity::Medium),
        "high" => Some(Severity::High),
        "critical" => Some(Severity::Critical),
        _ => None,
    }
}

pub fn connector_type_to_kibana(kind: CaseConnectorType) -> &'static str {
    match kind {
        CaseConnectorType::None => ".none",
        CaseConnectorType::Jira => ".jira",
        CaseConnectorType::Servicenow => ".servicenow",
        CaseConnectorType::ServicenowSir => ".servicenow-sir",
        CaseConnectorType::Resilient => ".resilient",
        CaseConnectorType::Swimlane => ".swimlane",
        CaseConnectorType::CasesWebhook => ".cases-webhook",
    }
}

pub fn sort_field_to_kibana(field: SortField) -> &'static str {
    match field {
        SortField::CreatedAt => "createdAt",
        SortField::UpdatedAt => "updatedAt",
        SortField::Title => "title",
        SortField::Status => "status",
        SortField::Severity => "severity",
    }
}

pub fn sort_order_to_kibana(order: SortOrder) -> &'static str {
    match order {
        SortOrder::Asc => "asc",
        SortOrder::Desc => "desc",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kibana::wire::{decode, to_json, username};

    #[test]
    fn decode_case_tolerates_nulls_and_unknown_fields() {
        let case: Case = decode(
            br#"{"id":"x","status":"open","owner":"cases","tags":null,"assignees":null,
                "version":null,"title":null,"totalAlerts":null,"new_field":{"a":[1]},
                "created_by":null,"updated_by":{"username":null}}"#,
        )
        .unwrap();
        assert_eq!(case.id, "x");
        assert!(case.tags.is_empty());
        assert_eq!(case.version, "");
        assert_eq!(case.total_alerts, 0);
        assert_eq!(username(case.created_by), None);
        assert_eq!(username(case.updated_by), None);
    }

    #[test]
    fn decode_case_errors_name_the_member() {
        assert_eq!(
            decode::<Case>(br#"{"id":"x","owner":"cases"}"#).unwrap_err(),
            "missing field `status` at line 1 column 26"
        );
        assert_eq!(
            decode::<Case>(br#"{"id":"x","owner":"cases","status":7}"#).unwrap_err(),
            "status: invalid type: integer `7`, expected a string at line 1 column 36"
        );
        assert_eq!(
            decode::<Case>(br#"{"id":"x","owner":"cases","status":"open","totalAlerts":-1}"#)
                .unwrap_err(),
            "totalAlerts: invalid value: integer `-1`, expected u64 at line 1 column 58"
        );
        assert_eq!(
            decode::<CasesPage>(
                br#"{"cases":[{"id":"a","status":"open","owner":"cases"},{"id":"b"}]}"#
            )
            .unwrap_err(),
            "cases[1]: missing field `status` at line 1 column 63"
        );
    }

    #[test]
    fn decode_never_panics_on_garbage() {
        for bytes in [
            &b""[..],
            b"\xff\xfe",
            b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
            b"{\"id\":1}",
            b"null",
        ] {
            assert!(decode::<Case>(bytes).is_err());
            assert!(decode::<CasesPage>(bytes).is_err());
        }
        // A member that is only skipped is skipped without recursion, however
        // deeply it nests (the path is cut short).
        let deep = format!(r#"{{"id":"x","extra":{}"#, "[".repeat(100_000));
        assert_eq!(
            decode::<Case>(deep.as_bytes()).unwrap_err(),
            format!(
                "extra{}[0...: EOF while parsing a list at line 1 column 100018",
                "[0]".repeat(19)
            )
        );
    }

    #[test]
    fn enums_round_trip() {
        for owner in [Owner::Cases, Owner::Observability, Owner::SecuritySolution] {
            assert_eq!(owner_from_kibana(owner_to_kibana(owner)), Some(owner));
        }
        for status in [CaseStatus::Open, CaseStatus::InProgress, CaseStatus::Closed] {
            assert_eq!(status_from_kibana(status_to_kibana(status)), Some(status));
        }
        for severity in [
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ] {
            assert_eq!(
                severity_from_kibana(severity_to_kibana(severity)),
                Some(severity)
            );
        }
        assert_eq!(owner_from_kibana("security-solution"), None);
    }

    #[test]
    fn case_patch_skips_unset_fields() {
        let body = CasesPatch {
            cases: vec![CasePatch {
                status: Some("in-progress"),
                ..CasePatch::new("id1", "v1")
            }],
        };
        assert_eq!(
            to_json(&body).unwrap(),
            r#"{"cases":[{"id":"id1","version":"v1","status":"in-progress"}]}"#
        );
    }
}
