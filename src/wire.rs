//! Kibana's JSON, in Kibana's names: the request bodies the component sends and the
//! answers it reads, plus the mapping of Kibana's enum strings to the WIT enums.
//!
//! Answers are decoded tolerantly (unknown fields ignored, `null` or missing values
//! defaulted where a default is meaningful); only what the outputs cannot do
//! without (an id, a status, an owner) is required. Request bodies leave unset
//! optional fields out, except where Kibana wants an explicit `null`.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::types::{
    AttachmentType, CaseConnectorType, CaseStatus, Owner, Severity, SortField, SortOrder,
};

/// `null` reads as the type's default, like a missing field.
fn null_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

// ---------------------------------------------------------------- answers

/// Kibana's `created_by` / `updated_by`.
#[derive(Debug, Default, Deserialize)]
pub struct User {
    #[serde(default)]
    pub username: Option<String>,
}

/// `username` of an optional user.
pub fn username(user: Option<User>) -> Option<String> {
    user.and_then(|u| u.username)
}

/// An entry of a case's `assignees`.
#[derive(Debug, Deserialize)]
pub struct Assignee {
    pub uid: String,
}

/// A case (`GET /api/cases/{id}`, `POST /api/cases`, elements of `_find` and of the
/// `PATCH /api/cases` answer).
#[derive(Debug, Deserialize)]
pub struct Case {
    pub id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub version: String,
    #[serde(default, deserialize_with = "null_default")]
    pub title: String,
    #[serde(default, deserialize_with = "null_default")]
    pub description: String,
    pub status: String,
    /// Missing only before Kibana 8.3 had severities; read as `low` then.
    #[serde(default)]
    pub severity: Option<String>,
    pub owner: String,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub created_by: Option<User>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub updated_by: Option<User>,
    #[serde(default, deserialize_with = "null_default")]
    pub tags: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub assignees: Vec<Assignee>,
    #[serde(rename = "totalAlerts", default, deserialize_with = "null_default")]
    pub total_alerts: u64,
    #[serde(rename = "totalComment", default, deserialize_with = "null_default")]
    pub total_comment: u64,
    #[serde(default, deserialize_with = "null_default")]
    pub comments: Vec<Comment>,
}

/// Only the owner of a case or comment, which Kibana wants repeated on writes.
#[derive(Debug, Deserialize)]
pub struct Owned {
    pub owner: String,
}

/// An alert attachment's `alertId`: one id or several.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(id) => vec![id],
            OneOrMany::Many(ids) => ids,
        }
    }
}

/// A comment (attachment) of a case.
#[derive(Debug, Deserialize)]
pub struct Comment {
    pub id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub version: String,
    #[serde(rename = "type", default, deserialize_with = "null_default")]
    pub kind: String,
    #[serde(default)]
    pub owner: Option<String>,
    /// The text of a `user` comment. Other attachment types may put other shapes
    /// here, which are not text: kept as JSON and ignored unless a string.
    #[serde(default)]
    pub comment: Option<Value>,
    #[serde(rename = "alertId", default)]
    pub alert_id: Option<OneOrMany>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub created_by: Option<User>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub updated_by: Option<User>,
}

/// `GET /api/cases/_find`.
#[derive(Debug, Deserialize)]
pub struct CasesPage {
    #[serde(default)]
    pub page: Option<u32>,
    #[serde(default)]
    pub per_page: Option<u32>,
    #[serde(default, deserialize_with = "null_default")]
    pub total: u64,
    /// Required: without it the answer is not a page of cases.
    pub cases: Vec<Case>,
}

/// `GET /api/cases/{id}/comments/_find`.
#[derive(Debug, Deserialize)]
pub struct CommentsPage {
    #[serde(default)]
    pub page: Option<u32>,
    #[serde(default)]
    pub per_page: Option<u32>,
    #[serde(default, deserialize_with = "null_default")]
    pub total: u64,
    /// Required: without it the answer is not a page of comments.
    pub comments: Vec<Comment>,
}

/// `POST /api/actions/connector` (secrets are never part of it).
#[derive(Debug, Deserialize)]
pub struct Connector {
    pub id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_default")]
    pub connector_type_id: String,
    #[serde(default)]
    pub config: Option<Value>,
    #[serde(default, deserialize_with = "null_default")]
    pub is_preconfigured: bool,
    #[serde(default, deserialize_with = "null_default")]
    pub is_deprecated: bool,
    #[serde(default, deserialize_with = "null_default")]
    pub is_missing_secrets: bool,
    // Not in Kibana's connector API today; read if a version adds them, whatever
    // their JSON type.
    #[serde(default)]
    pub created_at: Option<Value>,
    #[serde(default)]
    pub created_by: Option<Value>,
    #[serde(default)]
    pub updated_at: Option<Value>,
    #[serde(default)]
    pub updated_by: Option<Value>,
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
    pub fields: Option<Value>,
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

/// `POST /api/cases/{id}/comments` for a text comment.
#[derive(Debug, Serialize)]
pub struct NewUserComment<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub comment: &'a str,
    pub owner: &'a str,
}

/// The rule of an alert attachment: Kibana requires the object, `null`s allowed.
#[derive(Debug, Serialize)]
pub struct Rule<'a> {
    pub id: Option<&'a str>,
    pub name: Option<&'a str>,
}

/// `POST /api/cases/{id}/comments` for an alert.
#[derive(Debug, Serialize)]
pub struct NewAlertComment<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(rename = "alertId")]
    pub alert_id: &'a str,
    pub index: &'a str,
    pub rule: Rule<'a>,
    pub owner: &'a str,
}

/// `PATCH /api/cases/{id}/comments`.
#[derive(Debug, Serialize)]
pub struct CommentPatch<'a> {
    pub id: &'a str,
    pub version: &'a str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub comment: &'a str,
    pub owner: &'a str,
}

/// `POST /api/actions/connector`. No `description`: Kibana rejects unknown keys.
#[derive(Serialize)]
pub struct NewConnector<'a> {
    pub name: &'a str,
    pub connector_type_id: &'a str,
    pub config: &'a Value,
    pub secrets: &'a Value,
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

/// Kibana's comment `type`; types this component does not know are `other`.
pub fn attachment_type_from_kibana(kind: &str) -> AttachmentType {
    match kind {
        "user" => AttachmentType::User,
        "alert" => AttachmentType::Alert,
        "actions" => AttachmentType::Actions,
        "externalReference" => AttachmentType::ExternalReference,
        "persistableState" => AttachmentType::PersistableState,
        _ => AttachmentType::Other,
    }
}

/// A value from an answer, quoted short in a 502 message.
pub fn quote_value(value: &str) -> String {
    format!("{:?}", crate::http::truncate_chars(value, 64))
}

/// A count from Kibana as a WIT `u32` (saturating; Kibana's counts are far lower).
pub fn count(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_case_tolerates_nulls_and_unknown_fields() {
        let case: Case = serde_json::from_str(
            r#"{"id":"x","status":"open","owner":"cases","tags":null,"assignees":null,
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
    fn decode_case_without_status_fails() {
        assert!(serde_json::from_str::<Case>(r#"{"id":"x","owner":"cases"}"#).is_err());
    }

    #[test]
    fn decode_comment_alert_ids_one_or_many() {
        let one: Comment =
            serde_json::from_str(r#"{"id":"c","type":"alert","alertId":"a1"}"#).unwrap();
        assert_eq!(one.alert_id.unwrap().into_vec(), vec!["a1"]);
        let many: Comment =
            serde_json::from_str(r#"{"id":"c","type":"alert","alertId":["a1","a2"]}"#).unwrap();
        assert_eq!(many.alert_id.unwrap().into_vec(), vec!["a1", "a2"]);
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
            assert!(serde_json::from_slice::<Case>(bytes).is_err());
            assert!(serde_json::from_slice::<CommentsPage>(bytes).is_err());
        }
        let deep = "[".repeat(100_000);
        assert!(serde_json::from_str::<Case>(&deep).is_err());
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
        assert_eq!(
            attachment_type_from_kibana("externalReference"),
            AttachmentType::ExternalReference
        );
        assert_eq!(
            attachment_type_from_kibana("persistableState"),
            AttachmentType::PersistableState
        );
        assert_eq!(attachment_type_from_kibana("event"), AttachmentType::Other);
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
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"cases":[{"id":"id1","version":"v1","status":"in-progress"}]})
        );
    }
}
