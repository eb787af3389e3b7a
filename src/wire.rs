//! Kibana's JSON, in Kibana's names: the request bodies the component sends and the
//! answers it reads, plus the mapping of Kibana's enum strings to the WIT enums.
//!
//! Answers are decoded tolerantly (unknown fields ignored, `null` or missing values
//! defaulted where a default is meaningful); only what the outputs cannot do
//! without (an id, a status, an owner) is required. Request bodies leave unset
//! optional fields out, except where Kibana wants an explicit `null`.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::json::{Map, Value};
use crate::types::{
    AttachmentType, CaseConnectorType, CaseStatus, Owner, Severity, SortField, SortOrder,
};

/// A Kibana answer (or part of one) read from a JSON value. The error says what is
/// wrong, naming the field (`missing field `id``).
pub trait FromJson: Sized {
    fn from_json(value: Value<'_>) -> Result<Self, String>;
}

/// Reads `bytes` as JSON and then as `T`.
pub fn decode<T: FromJson>(bytes: &[u8]) -> Result<T, String> {
    parse(bytes).and_then(T::from_json)
}

/// Reads `bytes` as JSON, the error as text. (One copy for every `T`.)
#[inline(never)]
pub fn parse(bytes: &[u8]) -> Result<Value<'_>, String> {
    crate::json::parse(bytes).map_err(|err| err.to_string())
}

impl FromJson for Value<'static> {
    fn from_json(value: Value<'_>) -> Result<Self, String> {
        Ok(value.into_owned())
    }
}

impl FromJson for Map<'static> {
    fn from_json(value: Value<'_>) -> Result<Self, String> {
        Fields::of(value).map(|fields| fields.0.into_owned())
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: Value) -> Result<Self, String> {
        match value {
            Value::Array(items) => items.into_iter().map(T::from_json).collect(),
            other => Err(wrong_type(None, &other, "an array")),
        }
    }
}

/// `invalid type: <what it is>, expected <what>` (for `field` when given).
#[inline(never)]
fn wrong_type(field: Option<&str>, value: &Value, expected: &str) -> String {
    let found = value.kind();
    match field {
        Some(field) => format!("invalid type for `{field}`: {found}, expected {expected}"),
        None => format!("invalid type: {found}, expected {expected}"),
    }
}

/// The members of an object being decoded, each taken once. A missing member and
/// `null` read alike wherever a default or `None` means something.
struct Fields<'a>(Map<'a>);

impl<'a> Fields<'a> {
    fn of(value: Value<'a>) -> Result<Self, String> {
        match value {
            Value::Object(map) => Ok(Fields(map)),
            other => Err(wrong_type(None, &other, "an object")),
        }
    }

    /// A member that must be there (and not `null`).
    fn required(&mut self, key: &str) -> Result<Value<'a>, String> {
        match self.0.remove(key) {
            None => Err(format!("missing field `{key}`")),
            Some(Value::Null) => Err(wrong_type(Some(key), &Value::Null, "a value")),
            Some(value) => Ok(value),
        }
    }

    /// A member, `None` when missing or `null`.
    fn optional(&mut self, key: &str) -> Option<Value<'a>> {
        self.0.remove(key).filter(|value| *value != Value::Null)
    }

    fn string(&mut self, key: &str) -> Result<String, String> {
        let value = self.required(key)?;
        as_string(key, value)
    }

    fn opt_string(&mut self, key: &str) -> Result<Option<String>, String> {
        self.optional(key).map(|v| as_string(key, v)).transpose()
    }

    fn string_or_empty(&mut self, key: &str) -> Result<String, String> {
        Ok(self.opt_string(key)?.unwrap_or_default())
    }

    fn opt_u64(&mut self, key: &str) -> Result<Option<u64>, String> {
        match self.optional(key) {
            None => Ok(None),
            Some(Value::Number(text)) => text.parse::<u64>().map(Some).map_err(|_| {
                format!("invalid value for `{key}`: {text}, expected an unsigned integer")
            }),
            Some(other) => Err(wrong_type(Some(key), &other, "an unsigned integer")),
        }
    }

    fn opt_u32(&mut self, key: &str) -> Result<Option<u32>, String> {
        match self.opt_u64(key)? {
            None => Ok(None),
            Some(n) => u32::try_from(n)
                .map(Some)
                .map_err(|_| format!("invalid value for `{key}`: {n}, expected a u32")),
        }
    }

    fn bool_or_false(&mut self, key: &str) -> Result<bool, String> {
        match self.optional(key) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(b),
            Some(other) => Err(wrong_type(Some(key), &other, "a boolean")),
        }
    }

    fn opt<T: FromJson>(&mut self, key: &str) -> Result<Option<T>, String> {
        self.optional(key).map(T::from_json).transpose()
    }

    fn list<T: FromJson>(&mut self, key: &str) -> Result<Vec<T>, String> {
        match self.required(key)? {
            value @ Value::Array(_) => Vec::from_json(value),
            other => Err(wrong_type(Some(key), &other, "an array")),
        }
    }

    fn list_or_empty<T: FromJson>(&mut self, key: &str) -> Result<Vec<T>, String> {
        match self.optional(key) {
            None => Ok(Vec::new()),
            Some(value @ Value::Array(_)) => Vec::from_json(value),
            Some(other) => Err(wrong_type(Some(key), &other, "an array")),
        }
    }
}

fn as_string(key: &str, value: Value<'_>) -> Result<String, String> {
    match value {
        Value::String(text) => Ok(text.into_owned()),
        other => Err(wrong_type(Some(key), &other, "a string")),
    }
}

impl FromJson for String {
    fn from_json(value: Value) -> Result<Self, String> {
        match value {
            Value::String(text) => Ok(text.into_owned()),
            other => Err(wrong_type(None, &other, "a string")),
        }
    }
}

// ---------------------------------------------------------------- answers

/// Kibana's `created_by` / `updated_by`.
#[derive(Debug, Default)]
pub struct User {
    pub username: Option<String>,
}

impl FromJson for User {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut f = Fields::of(value)?;
        Ok(User {
            username: f.opt_string("username")?,
        })
    }
}

/// `username` of an optional user.
pub fn username(user: Option<User>) -> Option<String> {
    user.and_then(|u| u.username)
}

/// An entry of a case's `assignees`.
#[derive(Debug)]
pub struct Assignee {
    pub uid: String,
}

impl FromJson for Assignee {
    fn from_json(value: Value) -> Result<Self, String> {
        Ok(Assignee {
            uid: Fields::of(value)?.string("uid")?,
        })
    }
}

/// A case (`GET /api/cases/{id}`, `POST /api/cases`, elements of `_find` and of the
/// `PATCH /api/cases` answer).
#[derive(Debug)]
pub struct Case {
    pub id: String,
    pub version: String,
    pub title: String,
    pub description: String,
    pub status: String,
    /// Missing only before Kibana 8.3 had severities; read as `low` then.
    pub severity: Option<String>,
    pub owner: String,
    pub created_at: Option<String>,
    pub created_by: Option<User>,
    pub updated_at: Option<String>,
    pub updated_by: Option<User>,
    pub tags: Vec<String>,
    pub assignees: Vec<Assignee>,
    /// `totalAlerts`.
    pub total_alerts: u64,
    /// `totalComment`.
    pub total_comment: u64,
    pub comments: Vec<Comment>,
}

impl FromJson for Case {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut f = Fields::of(value)?;
        Ok(Case {
            id: f.string("id")?,
            version: f.string_or_empty("version")?,
            title: f.string_or_empty("title")?,
            description: f.string_or_empty("description")?,
            status: f.string("status")?,
            severity: f.opt_string("severity")?,
            owner: f.string("owner")?,
            created_at: f.opt_string("created_at")?,
            created_by: f.opt("created_by")?,
            updated_at: f.opt_string("updated_at")?,
            updated_by: f.opt("updated_by")?,
            tags: f.list_or_empty("tags")?,
            assignees: f.list_or_empty("assignees")?,
            total_alerts: f.opt_u64("totalAlerts")?.unwrap_or(0),
            total_comment: f.opt_u64("totalComment")?.unwrap_or(0),
            comments: f.list_or_empty("comments")?,
        })
    }
}

/// Only the owner of a case or comment, which Kibana wants repeated on writes.
#[derive(Debug)]
pub struct Owned {
    pub owner: String,
}

impl FromJson for Owned {
    fn from_json(value: Value) -> Result<Self, String> {
        Ok(Owned {
            owner: Fields::of(value)?.string("owner")?,
        })
    }
}

/// An alert attachment's `alertId`: one id or several.
#[derive(Debug)]
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

impl FromJson for OneOrMany {
    fn from_json(value: Value) -> Result<Self, String> {
        match value {
            Value::String(id) => Ok(OneOrMany::One(id.into_owned())),
            value @ Value::Array(_) => Vec::from_json(value)
                .map(OneOrMany::Many)
                .map_err(|_| "`alertId` is neither an id nor a list of ids".to_owned()),
            other => Err(wrong_type(
                Some("alertId"),
                &other,
                "an id or a list of ids",
            )),
        }
    }
}

/// A comment (attachment) of a case.
#[derive(Debug)]
pub struct Comment {
    pub id: String,
    pub version: String,
    /// `type`.
    pub kind: String,
    pub owner: Option<String>,
    /// The text of a `user` comment. Other attachment types may put other shapes
    /// here, which are not text: kept as JSON and ignored unless a string.
    pub comment: Option<Value<'static>>,
    /// `alertId`.
    pub alert_id: Option<OneOrMany>,
    pub created_at: Option<String>,
    pub created_by: Option<User>,
    pub updated_at: Option<String>,
    pub updated_by: Option<User>,
}

impl FromJson for Comment {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut f = Fields::of(value)?;
        Ok(Comment {
            id: f.string("id")?,
            version: f.string_or_empty("version")?,
            kind: f.string_or_empty("type")?,
            owner: f.opt_string("owner")?,
            comment: f.optional("comment").map(Value::into_owned),
            alert_id: f.opt("alertId")?,
            created_at: f.opt_string("created_at")?,
            created_by: f.opt("created_by")?,
            updated_at: f.opt_string("updated_at")?,
            updated_by: f.opt("updated_by")?,
        })
    }
}

/// A page of a `_find` answer: `page`, `per_page`, `total`, and the items under
/// `T`'s key (`cases` or `comments`), which is required: without it the answer is
/// not a page of them.
#[derive(Debug)]
pub struct Page<T> {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
    pub total: u64,
    pub items: Vec<T>,
}

/// What a [`Page`] holds, and under which key.
pub trait PageItem: FromJson {
    const KEY: &'static str;
}

impl PageItem for Case {
    const KEY: &'static str = "cases";
}

impl PageItem for Comment {
    const KEY: &'static str = "comments";
}

impl<T: PageItem> FromJson for Page<T> {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut f = Fields::of(value)?;
        Ok(Page {
            page: f.opt_u32("page")?,
            per_page: f.opt_u32("per_page")?,
            total: f.opt_u64("total")?.unwrap_or(0),
            items: f.list(T::KEY)?,
        })
    }
}

/// `GET /api/cases/_find`.
pub type CasesPage = Page<Case>;

/// `GET /api/cases/{id}/comments/_find`.
pub type CommentsPage = Page<Comment>;

/// `POST /api/actions/connector` (secrets are never part of it).
#[derive(Debug)]
pub struct Connector {
    pub id: String,
    pub name: String,
    pub connector_type_id: String,
    pub config: Option<Value<'static>>,
    pub is_preconfigured: bool,
    pub is_deprecated: bool,
    pub is_missing_secrets: bool,
    // Not in Kibana's connector API today; read if a version adds them, whatever
    // their JSON type.
    pub created_at: Option<Value<'static>>,
    pub created_by: Option<Value<'static>>,
    pub updated_at: Option<Value<'static>>,
    pub updated_by: Option<Value<'static>>,
}

impl FromJson for Connector {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut f = Fields::of(value)?;
        Ok(Connector {
            id: f.string("id")?,
            name: f.string_or_empty("name")?,
            connector_type_id: f.string_or_empty("connector_type_id")?,
            config: f.optional("config").map(Value::into_owned),
            is_preconfigured: f.bool_or_false("is_preconfigured")?,
            is_deprecated: f.bool_or_false("is_deprecated")?,
            is_missing_secrets: f.bool_or_false("is_missing_secrets")?,
            created_at: f.optional("created_at").map(Value::into_owned),
            created_by: f.optional("created_by").map(Value::into_owned),
            updated_at: f.optional("updated_at").map(Value::into_owned),
            updated_by: f.optional("updated_by").map(Value::into_owned),
        })
    }
}

// ---------------------------------------------------------------- requests

/// A request body.
pub trait ToJson {
    fn to_json(&self) -> Value<'_>;
}

impl ToJson for Value<'_> {
    fn to_json(&self) -> Value<'_> {
        self.clone()
    }
}

/// `settings` of a new case.
#[derive(Debug)]
pub struct Settings {
    /// `syncAlerts`.
    pub sync_alerts: bool,
}

/// `connector` of a new case. `fields` is always sent as `null`: `.none` requires
/// it, and the other types accept it (their fields are set when pushing).
#[derive(Debug)]
pub struct CaseConnector<'a> {
    pub id: &'a str,
    pub name: &'a str,
    /// `type`.
    pub kind: &'static str,
}

/// An entry of `assignees` in a request.
#[derive(Debug)]
pub struct AssigneeRef<'a> {
    pub uid: &'a str,
}

fn assignee_refs<'a>(refs: &[AssigneeRef<'a>]) -> Value<'a> {
    Value::Array(
        refs.iter()
            .map(|a| Value::Object(Map::new().with("uid", Value::str(a.uid))))
            .collect(),
    )
}

/// `POST /api/cases`.
#[derive(Debug)]
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

impl ToJson for NewCase<'_> {
    fn to_json(&self) -> Value<'_> {
        let connector = Map::new()
            .with("id", Value::str(self.connector.id))
            .with("name", Value::str(self.connector.name))
            .with("type", Value::str(self.connector.kind))
            .with("fields", Value::Null);
        let settings = Map::new().with("syncAlerts", Value::Bool(self.settings.sync_alerts));
        Value::Object(
            Map::new()
                .with("title", Value::str(self.title))
                .with("description", Value::str(self.description))
                .with("tags", Value::strs(self.tags))
                .with("connector", Value::Object(connector))
                .with("settings", Value::Object(settings))
                .with("owner", Value::str(self.owner))
                .with("severity", Value::str(self.severity))
                .with("assignees", assignee_refs(&self.assignees)),
        )
    }
}

/// One case of `PATCH /api/cases`: id, version and only the fields that change.
#[derive(Debug)]
pub struct CasePatch<'a> {
    pub id: &'a str,
    pub version: &'a str,
    pub title: Option<&'a str>,
    pub description: Option<&'a str>,
    pub status: Option<&'static str>,
    pub severity: Option<&'static str>,
    pub tags: Option<&'a [String]>,
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

impl ToJson for CasePatch<'_> {
    fn to_json(&self) -> Value<'_> {
        let mut map = Map::new()
            .with("id", Value::str(self.id))
            .with("version", Value::str(self.version));
        let strings = [
            ("title", self.title),
            ("description", self.description),
            ("status", self.status),
            ("severity", self.severity),
        ];
        for (key, value) in strings {
            if let Some(value) = value {
                map.insert(key, Value::str(value));
            }
        }
        if let Some(tags) = self.tags {
            map.insert("tags", Value::strs(tags));
        }
        if let Some(assignees) = &self.assignees {
            map.insert("assignees", assignee_refs(assignees));
        }
        Value::Object(map)
    }
}

/// `PATCH /api/cases` body.
#[derive(Debug)]
pub struct CasesPatch<'a> {
    pub cases: Vec<CasePatch<'a>>,
}

impl ToJson for CasesPatch<'_> {
    fn to_json(&self) -> Value<'_> {
        let cases = self.cases.iter().map(ToJson::to_json).collect();
        Value::Object(Map::new().with("cases", Value::Array(cases)))
    }
}

/// `POST /api/cases/{id}/comments` for a text comment.
#[derive(Debug)]
pub struct NewUserComment<'a> {
    /// `type`.
    pub kind: &'static str,
    pub comment: &'a str,
    pub owner: &'a str,
}

impl ToJson for NewUserComment<'_> {
    fn to_json(&self) -> Value<'_> {
        Value::Object(
            Map::new()
                .with("type", Value::str(self.kind))
                .with("comment", Value::str(self.comment))
                .with("owner", Value::str(self.owner)),
        )
    }
}

/// The rule of an alert attachment: Kibana requires the object, `null`s allowed.
#[derive(Debug)]
pub struct Rule<'a> {
    pub id: Option<&'a str>,
    pub name: Option<&'a str>,
}

/// `POST /api/cases/{id}/comments` for an alert.
#[derive(Debug)]
pub struct NewAlertComment<'a> {
    /// `type`.
    pub kind: &'static str,
    /// `alertId`.
    pub alert_id: &'a str,
    pub index: &'a str,
    pub rule: Rule<'a>,
    pub owner: &'a str,
}

impl ToJson for NewAlertComment<'_> {
    fn to_json(&self) -> Value<'_> {
        let rule = Map::new()
            .with("id", Value::opt_str(self.rule.id))
            .with("name", Value::opt_str(self.rule.name));
        Value::Object(
            Map::new()
                .with("type", Value::str(self.kind))
                .with("alertId", Value::str(self.alert_id))
                .with("index", Value::str(self.index))
                .with("rule", Value::Object(rule))
                .with("owner", Value::str(self.owner)),
        )
    }
}

/// `PATCH /api/cases/{id}/comments`.
#[derive(Debug)]
pub struct CommentPatch<'a> {
    pub id: &'a str,
    pub version: &'a str,
    /// `type`.
    pub kind: &'static str,
    pub comment: &'a str,
    pub owner: &'a str,
}

impl ToJson for CommentPatch<'_> {
    fn to_json(&self) -> Value<'_> {
        Value::Object(
            Map::new()
                .with("id", Value::str(self.id))
                .with("version", Value::str(self.version))
                .with("type", Value::str(self.kind))
                .with("comment", Value::str(self.comment))
                .with("owner", Value::str(self.owner)),
        )
    }
}

/// `POST /api/actions/connector`. No `description`: Kibana rejects unknown keys.
pub struct NewConnector<'a> {
    pub name: &'a str,
    pub connector_type_id: &'a str,
    pub config: &'a Value<'a>,
    pub secrets: &'a Value<'a>,
}

impl ToJson for NewConnector<'_> {
    fn to_json(&self) -> Value<'_> {
        Value::Object(
            Map::new()
                .with("name", Value::str(self.name))
                .with("connector_type_id", Value::str(self.connector_type_id))
                .with("config", self.config.clone())
                .with("secrets", self.secrets.clone()),
        )
    }
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
    // Quoted and escaped as a JSON string (control characters and all).
    Value::str(&crate::http::truncate_chars(value, 64)).to_json()
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
    fn decode_case_without_status_fails() {
        assert_eq!(
            decode::<Case>(br#"{"id":"x","owner":"cases"}"#).unwrap_err(),
            "missing field `status`"
        );
        assert_eq!(
            decode::<Case>(br#"{"id":"x","owner":"cases","status":7}"#).unwrap_err(),
            "invalid type for `status`: a number, expected a string"
        );
        assert_eq!(
            decode::<Case>(br#"{"id":"x","owner":"cases","status":"open","totalAlerts":-1}"#)
                .unwrap_err(),
            "invalid value for `totalAlerts`: -1, expected an unsigned integer"
        );
    }

    #[test]
    fn decode_comment_alert_ids_one_or_many() {
        let one: Comment = decode(br#"{"id":"c","type":"alert","alertId":"a1"}"#).unwrap();
        assert_eq!(one.alert_id.unwrap().into_vec(), vec!["a1"]);
        let many: Comment = decode(br#"{"id":"c","type":"alert","alertId":["a1","a2"]}"#).unwrap();
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
            assert!(decode::<Case>(bytes).is_err());
            assert!(decode::<CommentsPage>(bytes).is_err());
        }
        let deep = "[".repeat(100_000);
        assert_eq!(
            decode::<Case>(deep.as_bytes()).unwrap_err(),
            "recursion limit exceeded at line 1 column 128"
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
            body.to_json().to_json(),
            r#"{"cases":[{"id":"id1","version":"v1","status":"in-progress"}]}"#
        );
    }
}
