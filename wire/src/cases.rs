//! Kibana's JSON for cases: the case it answers (also after a push), the cases of
//! an alert, the alerts and the activity of a case, the bodies of `POST /api/cases`
//! and `PATCH /api/cases`, and Kibana's enums of cases, by their JSON names.

#[allow(unused_imports)]
use crate::prelude::*;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::{nullable, User};

// ---------------------------------------------------------------- answers

/// An entry of a case's `assignees`.
#[derive(Debug, Deserialize)]
pub struct Assignee {
    pub uid: String,
}

/// A case (`GET /api/cases/{id}`, `POST /api/cases`, elements of `_find` and of the
/// `PATCH /api/cases` answer). Its comments, connector and settings are not read.
///
/// The members follow Kibana's case schema: those it marks nullable are `Option`s
/// (or read `null` as empty); the others may be missing, as in Kibanas that predate
/// them, and then read as their default, but are never `null`, so a `null` there
/// is an invalid answer. (One layer of `Option` less per member is measurably
/// faster on a page of cases.)
#[derive(Debug, Deserialize)]
pub struct Case {
    pub id: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub status: Status,
    /// Missing only before Kibana 8.3 had severities: `low` then.
    #[serde(default)]
    pub severity: Severity,
    pub owner: Owner,
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub created_by: User,
    pub updated_at: Option<String>,
    pub updated_by: Option<User>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub assignees: Vec<Assignee>,
    #[serde(rename = "totalAlerts", default)]
    pub total_alerts: u64,
    #[serde(rename = "totalComment", default)]
    pub total_comment: u64,
}

/// `GET /api/cases/_find`: a page of cases. `cases` is required: without it the
/// answer is not a page of them.
#[derive(Debug, Deserialize)]
pub struct CasesPage {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    #[serde(default)]
    pub total: u64,
    pub cases: Vec<Case>,
}

/// What a push (`POST /api/cases/{id}/connector/{connector-id}/_push`) adds to
/// the case it answers: the external incident. (The case itself is read as a
/// [`Case`].)
#[derive(Debug, Deserialize)]
pub struct Pushed {
    pub external_service: Option<ExternalService>,
}

/// The external incident of a pushed case.
#[derive(Debug, Deserialize)]
pub struct ExternalService {
    pub connector_id: Option<String>,
    pub connector_name: Option<String>,
    pub external_id: Option<String>,
    pub external_title: Option<String>,
    pub external_url: Option<String>,
    pub pushed_at: Option<String>,
}

/// An element of `GET /api/cases/alerts/{alert-id}`: a case the alert is in.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelatedCase {
    pub id: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub status: Status,
    pub created_at: Option<String>,
    pub totals: Option<Totals>,
}

/// A related case's `totals`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub alerts: Option<u64>,
    pub user_comments: Option<u64>,
}

/// An element of `GET /api/cases/{id}/alerts`: an alert attached to the case.
#[derive(Debug, Deserialize)]
pub struct CaseAlert {
    pub id: String,
    pub index: Option<String>,
    pub attached_at: Option<String>,
}

/// `GET /api/cases/{id}/user_actions/_find`: a page of a case's user actions.
/// `userActions` is required: without it the answer is not such a page.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserActionsPage {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    pub total: Option<u64>,
    pub user_actions: Vec<UserAction>,
}

/// One user action: what was done to a case, by whom. Its `payload` differs with
/// its type and is kept as the JSON Kibana gives.
#[derive(Debug, Deserialize)]
pub struct UserAction {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub action: Option<String>,
    pub created_at: Option<String>,
    pub created_by: Option<User>,
    pub comment_id: Option<String>,
    pub payload: Option<Box<RawValue>>,
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
    pub kind: ConnectorType,
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
    pub owner: Owner,
    pub severity: Severity,
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
    pub status: Option<Status>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
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

/// Kibana's case `status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Open,
    InProgress,
    Closed,
}

/// Kibana's case `severity`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    Low,
    Medium,
    High,
    Critical,
}

/// The application a case belongs to (`owner`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Owner {
    Cases,
    Observability,
    SecuritySolution,
}

/// A case connector's `type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ConnectorType {
    #[serde(rename = ".none")]
    None,
    #[serde(rename = ".jira")]
    Jira,
    #[serde(rename = ".servicenow")]
    Servicenow,
    #[serde(rename = ".servicenow-sir")]
    ServicenowSir,
    #[serde(rename = ".resilient")]
    Resilient,
    #[serde(rename = ".swimlane")]
    Swimlane,
    #[serde(rename = ".cases-webhook")]
    CasesWebhook,
}

/// `sortField` of `GET /api/cases/_find`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SortField {
    CreatedAt,
    UpdatedAt,
    Title,
    Status,
    Severity,
}

/// A value of the `types` filter of `GET /api/cases/{id}/user_actions/_find`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityType {
    Action,
    Alert,
    Assignees,
    Attachment,
    Comment,
    Connector,
    CreateCase,
    Description,
    Pushed,
    Settings,
    Severity,
    Status,
    Tags,
    Title,
    User,
    Workflow,
}

/// `sortOrder` of `GET /api/cases/_find` and of the user actions' `_find`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    Asc,
    Desc,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::read;
    use crate::{name_of, username};

    #[test]
    fn case_follows_kibanas_schema() {
        // Unknown members ignored, missing ones defaulted, nullable ones `null`.
        let case: Case = read(
            r#"{"id":"x","status":"open","owner":"cases","assignees":null,
                "new_field":{"a":[1]},"updated_at":null,"updated_by":null}"#,
        )
        .unwrap();
        assert_eq!(case.id, "x");
        assert!(case.tags.is_empty() && case.assignees.is_empty());
        assert_eq!((case.version.as_str(), case.title.as_str()), ("", ""));
        assert_eq!(case.severity, Severity::Low);
        assert_eq!((case.total_alerts, case.created_by.username), (0, None));
        assert!(case.updated_by.is_none());
        let user: Case =
            read(r#"{"id":"x","status":"open","owner":"cases","created_by":{"username":null}}"#)
                .unwrap();
        assert_eq!(username(Some(user.created_by)), None);
        // Null where Kibana never sends it is an invalid answer.
        assert_eq!(
            read::<Case>(r#"{"id":"x","status":"open","owner":"cases","tags":null}"#).unwrap_err(),
            "invalid type: null, expected a sequence at line 1 column 53"
        );
    }

    #[test]
    fn case_requires_id_status_and_owner() {
        for (answer, missing) in [
            (r#"{"status":"open","owner":"cases"}"#, "id"),
            (r#"{"id":"x","owner":"cases"}"#, "status"),
            (r#"{"id":"x","status":"open"}"#, "owner"),
        ] {
            let err = read::<Case>(answer).unwrap_err();
            assert!(
                err.starts_with(&format!("missing field `{missing}`")),
                "{err}"
            );
        }
        for bytes in ["", "[[[[", r#"{"id":1}"#, "null"] {
            assert!(read::<Case>(bytes).is_err());
            assert!(read::<CasesPage>(bytes).is_err());
        }
    }

    #[test]
    fn enums_in_kibanas_names() {
        for (status, name) in [
            (Status::Open, "open"),
            (Status::InProgress, "in-progress"),
            (Status::Closed, "closed"),
        ] {
            assert_eq!(name_of(&status), name);
        }
        assert_eq!(name_of(&Owner::SecuritySolution), "securitySolution");
        assert_eq!(name_of(&Severity::Critical), "critical");
        assert_eq!(name_of(&ConnectorType::ServicenowSir), ".servicenow-sir");
        assert_eq!(name_of(&SortField::CreatedAt), "createdAt");
        assert_eq!(name_of(&SortOrder::Desc), "desc");
        assert_eq!(name_of(&ActivityType::CreateCase), "create_case");
        assert_eq!(
            read::<Case>(r#"{"id":"x","status":"open","owner":"security-solution"}"#)
                .unwrap_err(),
            "unknown variant `security-solution`, expected one of `cases`, `observability`, `securitySolution` at line 1 column 53"
        );
    }

    #[test]
    fn case_patch_skips_unset_fields() {
        let body = CasesPatch {
            cases: vec![CasePatch {
                status: Some(Status::InProgress),
                ..CasePatch::new("id1", "v1")
            }],
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"cases":[{"id":"id1","version":"v1","status":"in-progress"}]}"#
        );
    }
}
