//! The contract's JSON in and out: an operation's input with the node's keys
//! (`Title`, `CaseIds`, `SpaceId`, ...) read into the WIT types, one call through the
//! component, and its output written with the contract's keys (`StatusCode` and
//! `ErrorMessage` included).

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::operations::{self, Operation, Target};
use crate::harness::bindings::{
    case_comments, case_tags, cases, connectors, AttachmentType, CaseComment, CaseConnectorType,
    CaseStatus, CommentType, Connection, ErrorInfo, ErrorKind, KibanaCase, Owner, Severity,
    SortField, SortOrder,
};
use crate::harness::{Failure, Harness};
use cases::ActivityType;

/// What one run produced: the JSON to print and whether the operation succeeded.
pub struct Outcome {
    pub json: Value,
    pub ok: bool,
}

/// Runs `op` with the contract's JSON `input`. `conn` carries URL, auth and timeout;
/// the input's `SpaceId` is applied to it. Parameter errors the CLI finds itself
/// (unknown keys, values outside an enum) get StatusCode -1 like the component's.
pub fn run(
    harness: &Harness,
    op: &Operation,
    input: &Value,
    mut conn: Connection,
) -> anyhow::Result<Outcome> {
    let mut input = match Input::new(input) {
        Ok(i) => i,
        Err(e) => return Ok(failure(&e)),
    };
    let parsed = (|| -> Result<Call, Failure> {
        let allowed: Vec<&str> = op.inputs.iter().map(|i| i.key).collect();
        input.check_keys(&allowed)?;
        if let Some(space) = input.opt_str("SpaceId")? {
            conn.space_id = Some(space);
        }
        parse_call(op.name, &mut input)
    })();
    let call = match parsed {
        Ok(c) => c,
        Err(e) => return Ok(failure(&e)),
    };
    execute(harness, &conn, call)
}

/// An operation with its typed input.
enum Call {
    CreateCase(cases::CreateCaseInput),
    DeleteCase(cases::DeleteCaseInput),
    GetCase(cases::GetCaseInput),
    GetManyCases(cases::GetManyCasesInput),
    GetCaseStatus(String),
    UpdateCase(cases::UpdateCaseInput),
    GetCasesByAlert(cases::GetCasesByAlertInput),
    GetCaseAlerts(String),
    PushCase(String, String),
    GetCaseActivity(cases::GetCaseActivityInput),
    AddComment(case_comments::AddCommentInput),
    GetComment(String, String),
    GetManyComments(case_comments::GetManyCommentsInput),
    RemoveComment(String, String),
    UpdateComment(case_comments::UpdateCommentInput),
    AddTag(String, Vec<String>),
    RemoveTag(String, Vec<String>),
    GetCaseTags(Vec<Owner>),
    CreateConnector(connectors::CreateConnectorInput),
    GetManyConnectors(Option<String>),
}

fn parse_call(name: &str, i: &mut Input) -> Result<Call, Failure> {
    Ok(match name {
        "create-case" => Call::CreateCase(cases::CreateCaseInput {
            title: i.req_str("Title")?,
            owner: i.req_enum("Owner")?,
            description: i.opt_str("Description")?,
            connector_id: i.opt_str("ConnectorId")?,
            connector_name: i.opt_str("ConnectorName")?,
            connector_type: i.opt_enum("ConnectorType")?,
            severity: i.opt_enum("Severity")?,
            tags: i.list("Tags")?,
            assignees: i.list("Assignees")?,
            idempotency_key: i.opt_str("IdempotencyKey")?,
        }),
        "delete-case" => Call::DeleteCase(cases::DeleteCaseInput {
            case_ids: i.list("CaseIds")?,
            max_in_flight: i.opt_u32("MaxInFlight")?,
        }),
        "get-case" => Call::GetCase(cases::GetCaseInput {
            case_id: i.req_str("CaseId")?,
            include_comments: i.opt_bool("IncludeComments")?.unwrap_or(false),
            max_in_flight: i.opt_u32("MaxInFlight")?,
        }),
        "get-many-cases" => Call::GetManyCases(cases::GetManyCasesInput {
            page: i.opt_u32("Page")?,
            per_page: i.opt_u32("PerPage")?,
            sort_field: i.opt_enum("SortField")?,
            sort_order: i.opt_enum("SortOrder")?,
            search: i.opt_str("Search")?,
            search_fields: i.list("SearchFields")?,
            status: i.opt_enum("Status")?,
            owners: i.enum_list("Owner")?,
            assignees: i.list("Assignees")?,
            return_all: i.opt_bool("ReturnAll")?.unwrap_or(false),
            limit: i.opt_u32("Limit")?,
            max_in_flight: i.opt_u32("MaxInFlight")?,
        }),
        "get-case-status" => Call::GetCaseStatus(i.req_str("CaseId")?),
        "update-case" => Call::UpdateCase(cases::UpdateCaseInput {
            case_id: i.req_str("CaseId")?,
            version: i.req_str("Version")?,
            title: i.opt_str("Title")?,
            description: i.opt_str("Description")?,
            status: i.opt_enum("Status")?,
            severity: i.opt_enum("Severity")?,
            tags: i.opt_list("Tags")?,
            assignees: i.opt_list("Assignees")?,
        }),
        "get-cases-by-alert" => Call::GetCasesByAlert(cases::GetCasesByAlertInput {
            alert_id: i.req_str("AlertId")?,
            owners: i.enum_list("Owner")?,
        }),
        "get-case-alerts" => Call::GetCaseAlerts(i.req_str("CaseId")?),
        "push-case" => Call::PushCase(i.req_str("CaseId")?, i.req_str("ConnectorId")?),
        "get-case-activity" => Call::GetCaseActivity(cases::GetCaseActivityInput {
            case_id: i.req_str("CaseId")?,
            page: i.opt_u32("Page")?,
            per_page: i.opt_u32("PerPage")?,
            sort_order: i.opt_enum("SortOrder")?,
            types: i.enum_list("Types")?,
        }),
        "add-comment" => Call::AddComment(case_comments::AddCommentInput {
            case_id: i.req_str("CaseId")?,
            comment: i.opt_str("Comment")?,
            comment_type: i.opt_enum("CommentType")?,
            alert_id: i.opt_str("AlertId")?,
            alert_index: i.opt_str("AlertIndex")?,
            rule_id: i.opt_str("RuleId")?,
            rule_name: i.opt_str("RuleName")?,
        }),
        "get-comment" => Call::GetComment(i.req_str("CaseId")?, i.req_str("CommentId")?),
        "get-many-comments" => Call::GetManyComments(case_comments::GetManyCommentsInput {
            case_id: i.req_str("CaseId")?,
            page: i.opt_u32("Page")?,
            per_page: i.opt_u32("PerPage")?,
            return_all: i.opt_bool("ReturnAll")?.unwrap_or(false),
            limit: i.opt_u32("Limit")?,
            max_in_flight: i.opt_u32("MaxInFlight")?,
        }),
        "remove-comment" => Call::RemoveComment(i.req_str("CaseId")?, i.req_str("CommentId")?),
        "update-comment" => Call::UpdateComment(case_comments::UpdateCommentInput {
            case_id: i.req_str("CaseId")?,
            comment_id: i.req_str("CommentId")?,
            comment: i.req_str("Comment")?,
            version: i.req_str("Version")?,
        }),
        "add-tag" => Call::AddTag(i.req_str("CaseId")?, i.list("Tags")?),
        "remove-tag" => Call::RemoveTag(i.req_str("CaseId")?, i.list("Tags")?),
        "get-case-tags" => Call::GetCaseTags(i.enum_list("Owner")?),
        "get-many-connectors" => Call::GetManyConnectors(i.opt_str("ConnectorTypeId")?),
        "create-connector" => Call::CreateConnector(connectors::CreateConnectorInput {
            name: i.req_str("Name")?,
            connector_type_id: i.req_str("ConnectorTypeId")?,
            config: i.opt_json_object("Config")?,
            secrets: i.opt_json_object("Secrets")?,
            description: i.opt_str("Description")?,
        }),
        other => return Err(param_error(format!("unknown operation `{other}`"))),
    })
}

fn execute(h: &Harness, conn: &Connection, call: Call) -> anyhow::Result<Outcome> {
    let out = match call {
        Call::CreateCase(input) => h.create_case(conn, &input)?
            .map(|c| {
                let mut out = case_json(&c.kibana_case);
                if let Value::Object(map) = &mut out {
                    map.insert("Created".into(), json!(c.created));
                }
                (200, out)
            }),
        Call::DeleteCase(input) => {
            let r = h.delete_case(conn, &input)?;
            return Ok(match r {
                Ok(d) => {
                    let items: Vec<Value> = d
                        .failed_items
                        .iter()
                        .map(|f| json!({"CaseId": f.case_id, "StatusCode": f.status_code, "ErrorMessage": f.error_message}))
                        .collect();
                    let ok = d.failed_count == 0;
                    Outcome {
                        json: with_status(
                            json!({"DeletedCount": d.deleted_count, "FailedCount": d.failed_count, "FailedItems": items}),
                            d.status_code,
                            if ok { String::new() } else { format!("{} of the cases could not be deleted", d.failed_count) },
                        ),
                        ok,
                    }
                }
                Err(e) => failure(&e),
            });
        }
        Call::GetCase(input) => h.get_case(conn, &input)?
            .map(|c| (200, case_json(&c))),
        Call::GetManyCases(input) => h.get_many_cases(conn, &input)?
            .map(|p| {
                let cases: Vec<Value> = p.cases.iter().map(case_json).collect();
                (200, json!({"Cases": cases, "Page": p.page, "PerPage": p.per_page, "Total": p.total}))
            }),
        Call::GetCaseStatus(id) => h.get_case_status(conn, &id)?
            .map(|st| {
                (
                    200,
                    json!({
                        "CaseId": st.case_id, "Title": st.title, "Status": Named::name(st.status),
                        "Severity": Named::name(st.severity), "Owner": Named::name(st.owner),
                        "UpdatedAt": st.updated_at, "UpdatedBy": st.updated_by,
                        "TotalAlerts": st.total_alerts, "TotalComments": st.total_comments,
                    }),
                )
            }),
        Call::UpdateCase(input) => h.update_case(conn, &input)?
            .map(|c| (200, case_json(&c))),
        Call::GetCasesByAlert(input) => h.get_cases_by_alert(conn, &input)?
            .map(|found| {
                let cases: Vec<Value> = found
                    .iter()
                    .map(|c| json!({
                        "CaseId": c.case_id, "Title": c.title, "Description": c.description,
                        "Status": Named::name(c.status), "CreatedAt": c.created_at,
                        "TotalAlerts": c.total_alerts, "TotalComments": c.total_comments,
                    }))
                    .collect();
                (200, json!({"Cases": cases}))
            }),
        Call::GetCaseAlerts(case_id) => h.get_case_alerts(conn, &case_id)?
            .map(|alerts| {
                let alerts: Vec<Value> = alerts
                    .iter()
                    .map(|a| json!({"AlertId": a.alert_id, "Index": a.index, "AttachedAt": a.attached_at}))
                    .collect();
                (200, json!({"Alerts": alerts}))
            }),
        Call::PushCase(case_id, connector_id) => h.push_case(conn, &case_id, &connector_id)?
            .map(|p| {
                let mut out = case_json(&p.kibana_case);
                let e = &p.external_service;
                if let Value::Object(map) = &mut out {
                    map.insert("ExternalService".into(), json!({
                        "ConnectorId": e.connector_id, "ConnectorName": e.connector_name,
                        "ExternalId": e.external_id, "ExternalTitle": e.external_title,
                        "ExternalUrl": e.external_url, "PushedAt": e.pushed_at,
                    }));
                }
                (200, out)
            }),
        Call::GetCaseActivity(input) => h.get_case_activity(conn, &input)?
            .map(|p| {
                let activity: Vec<Value> = p
                    .activity
                    .iter()
                    .map(|a| json!({
                        "ActionId": a.action_id, "Type": a.action_type, "Action": a.action,
                        "CreatedAt": a.created_at, "CreatedBy": a.created_by, "CommentId": a.comment_id,
                        "Payload": json_or_text(&a.payload),
                    }))
                    .collect();
                (200, json!({"Activity": activity, "Page": p.page, "PerPage": p.per_page, "Total": p.total}))
            }),
        Call::AddComment(input) => h.add_comment(conn, &input)?
            .map(|c| (200, comment_json(&c))),
        Call::GetComment(case_id, comment_id) => h.get_comment(conn, &case_id, &comment_id)?
            .map(|c| (200, comment_json(&c))),
        Call::GetManyComments(input) => h.get_many_comments(conn, &input)?
            .map(|p| {
                let comments: Vec<Value> = p.comments.iter().map(comment_json).collect();
                (200, json!({"Comments": comments, "Page": p.page, "PerPage": p.per_page, "Total": p.total}))
            }),
        Call::RemoveComment(case_id, comment_id) => h.remove_comment(conn, &case_id, &comment_id)?
            .map(|r| (204, json!({"Deleted": r.deleted, "CaseId": r.case_id, "CommentId": r.comment_id}))),
        Call::UpdateComment(input) => h.update_comment(conn, &input)?
            .map(|c| (200, comment_json(&c))),
        Call::AddTag(case_id, tags) => h.add_tag(conn, &case_id, &tags)?
            .map(|t| (200, tags_json(&t))),
        Call::RemoveTag(case_id, tags) => h.remove_tag(conn, &case_id, &tags)?
            .map(|t| (200, tags_json(&t))),
        Call::GetCaseTags(owners) => h.get_case_tags(conn, &owners)?
            .map(|tags| (200, json!({"Tags": tags}))),
        Call::GetManyConnectors(type_id) => h.get_many_connectors(conn, type_id.as_deref())?
            .map(|all| {
                let connectors: Vec<Value> = all
                    .iter()
                    .map(|c| json!({
                        "ConnectorId": c.connector_id, "Name": c.name, "ConnectorTypeId": c.connector_type_id,
                        "Config": json_or_text(&c.config), "IsPreconfigured": c.is_preconfigured,
                        "IsDeprecated": c.is_deprecated, "IsMissingSecrets": c.is_missing_secrets,
                        "ReferencedByCount": c.referenced_by_count,
                    }))
                    .collect();
                (200, json!({"Connectors": connectors}))
            }),
        Call::CreateConnector(input) => h.create_connector(conn, &input)?
            .map(|c| {
                let config = json_or_text(&c.config);
                (
                    200,
                    json!({
                        "ConnectorId": c.connector_id, "Name": c.name, "ConnectorTypeId": c.connector_type_id,
                        "Description": c.description, "Config": config,
                        "IsPreconfigured": c.is_preconfigured, "IsDeprecated": c.is_deprecated,
                        "IsMissingSecrets": c.is_missing_secrets,
                        "CreatedAt": c.created_at, "CreatedBy": c.created_by,
                        "UpdatedAt": c.updated_at, "UpdatedBy": c.updated_by,
                    }),
                )
            }),
    };
    Ok(match out {
        Ok((status, body)) => Outcome {
            json: with_status(body, status, String::new()),
            ok: true,
        },
        Err(e) => failure(&e),
    })
}

/// JSON text the component passes on (a config, a payload) as JSON, or as the text
/// itself should it not be JSON.
fn json_or_text(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

fn with_status(mut body: Value, status: i32, message: String) -> Value {
    if let Value::Object(map) = &mut body {
        map.insert("StatusCode".into(), json!(status));
        map.insert("ErrorMessage".into(), json!(message));
    }
    body
}

/// The JSON printed for a failed operation.
pub fn failure(e: &Failure) -> Outcome {
    let message = if e.status_code == -1 {
        cli_field_names(&e.message)
    } else {
        e.message.clone()
    };
    Outcome {
        json: json!({
            "StatusCode": e.status_code,
            "ErrorMessage": message,
            "ErrorKind": Named::name(e.kind),
            "Retryable": e.retryable,
        }),
        ok: false,
    }
}

/// The component names fields as the WIT does (`per-page`, `connection.base-url`);
/// the CLI's user typed the contract's keys and flags, so a parameter error that
/// starts with a field name is shown with the name the user knows: the contract's
/// key of the input that fills that field, or the flag of a connection field.
fn cli_field_names(message: &str) -> String {
    const FLAGS: &[(&str, &str)] = &[
        ("connection.base-url", "--url (KIBANA_URL)"),
        ("connection.space-id", "SpaceId"),
        ("connection.timeout-ms", "--timeout"),
        ("connection.auth.api-key", "--api-key (KIBANA_API_KEY)"),
        ("connection.auth.username", "--username (KIBANA_USERNAME)"),
        ("connection.auth.password", "--password (KIBANA_PASSWORD)"),
    ];
    let Some((field, rest)) = message.split_once(':') else {
        return message.to_string();
    };
    let flag = FLAGS
        .iter()
        .find(|(wit, _)| *wit == field)
        .map(|(_, flag)| *flag);
    let key = flag.or_else(|| {
        operations::OPERATIONS
            .iter()
            .flat_map(|op| op.inputs)
            .find(|i| matches!(i.wit, Target::Field(f) | Target::Param(f) if f == field))
            .map(|i| i.key)
    });
    match key {
        Some(key) => format!("{key}:{rest}"),
        None => message.to_string(),
    }
}

/// A parameter error the CLI finds itself: status -1, like the component's.
pub fn param_error(message: String) -> Failure {
    Failure::permanent(ErrorInfo {
        status_code: -1,
        kind: ErrorKind::InvalidInput,
        message,
    })
}

pub fn case_json(c: &KibanaCase) -> Value {
    let mut v = json!({
        "CaseId": c.case_id, "Title": c.title, "Description": c.description,
        "Status": Named::name(c.status), "Severity": Named::name(c.severity), "Owner": Named::name(c.owner),
        "CreatedAt": c.created_at, "CreatedBy": c.created_by, "UpdatedAt": c.updated_at, "UpdatedBy": c.updated_by,
        "Tags": c.tags, "Assignees": c.assignees.iter().map(|uid| json!({"Uid": uid})).collect::<Vec<_>>(),
        "TotalAlerts": c.total_alerts, "TotalComments": c.total_comments, "Version": c.version,
    });
    if !c.comments.is_empty() {
        if let Value::Object(map) = &mut v {
            map.insert(
                "Comments".into(),
                Value::Array(c.comments.iter().map(comment_json).collect()),
            );
        }
    }
    v
}

pub fn comment_json(c: &CaseComment) -> Value {
    json!({
        "CommentId": c.comment_id, "CaseId": c.case_id, "Type": Named::name(c.comment_type),
        "Comment": c.comment, "AlertIds": c.alert_ids,
        "CreatedAt": c.created_at, "CreatedBy": c.created_by, "UpdatedAt": c.updated_at, "UpdatedBy": c.updated_by,
        "Version": c.version,
    })
}

fn tags_json(t: &case_tags::TagsOutput) -> Value {
    json!({"CaseId": t.case_id, "Tags": t.tags, "Version": t.version})
}

/// A WIT enum of the bindings and the WIT's name of each of its values; the
/// contract's spelling of each comes from the node's contract
/// ([`operations::enum_value_name`]). Serves the input (any spelling Kibana, the
/// contract or the WIT uses), the output, and the messages that list the values.
pub trait Named: Copy + PartialEq + 'static {
    /// The enum's WIT name.
    const WIT: &'static str;
    /// Every value with its WIT name, in the order messages list them.
    const CASES: &'static [(Self, &'static str)];

    /// The contract's name of the value.
    fn name(self) -> String {
        Self::CASES
            .iter()
            .find(|(value, _)| *value == self)
            .map(|(_, case)| operations::enum_value_name(Self::WIT, case))
            .unwrap_or_default()
    }

    /// The contract's names of every value, in order.
    fn names() -> Vec<String> {
        Self::CASES.iter().map(|(value, _)| value.name()).collect()
    }

    /// The value named `text`: the contract's spelling, Kibana's or the WIT's, in
    /// any letter case, with or without a leading dot.
    fn parse(text: &str) -> Option<Self> {
        let wanted = loose(text);
        Self::CASES
            .iter()
            .find(|(value, case)| loose(case) == wanted || loose(&value.name()) == wanted)
            .map(|(value, _)| *value)
    }

    /// `a, b or c`.
    fn listed() -> String {
        let names = Self::names();
        match names.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}

/// A name as [`Named::parse`] compares it.
fn loose(s: &str) -> String {
    s.trim()
        .trim_start_matches('.')
        .to_ascii_lowercase()
        .replace(['-', '_'], "")
}

/// Implements [`Named`] for each enum of the bindings from its WIT name and cases:
/// `Enum("wit-name"): Value = "wit-case", ...;`.
macro_rules! wit_cases {
    ($($enum:ident($wit:literal): $($value:ident = $case:literal),+;)*) => {
        $(
            impl Named for $enum {
                const WIT: &'static str = $wit;
                const CASES: &'static [(Self, &'static str)] = &[$(($enum::$value, $case)),+];
            }
        )*
    };
}

wit_cases! {
    Owner("owner"): Cases = "cases", Observability = "observability", SecuritySolution = "security-solution";
    Severity("severity"): Low = "low", Medium = "medium", High = "high", Critical = "critical";
    CaseStatus("case-status"): Open = "open", InProgress = "in-progress", Closed = "closed";
    SortField("sort-field"): CreatedAt = "created-at", UpdatedAt = "updated-at", Title = "title",
        Status = "status", Severity = "severity";
    SortOrder("sort-order"): Asc = "asc", Desc = "desc";
    ActivityType("activity-type"): Action = "action", Alert = "alert", Assignees = "assignees",
        Attachment = "attachment", Comment = "comment", Connector = "connector",
        CreateCase = "create-case", Description = "description", Pushed = "pushed",
        Settings = "settings", Severity = "severity", Status = "status", Tags = "tags",
        Title = "title", User = "user", Workflow = "workflow";
    CommentType("comment-type"): User = "user", Alert = "alert";
    CaseConnectorType("case-connector-type"): None = "none", Jira = "jira", Servicenow = "servicenow",
        ServicenowSir = "servicenow-sir", Resilient = "resilient", Swimlane = "swimlane",
        CasesWebhook = "cases-webhook";
    AttachmentType("attachment-type"): User = "user", Alert = "alert", Actions = "actions",
        ExternalReference = "external-reference", PersistableState = "persistable-state",
        Other = "other";
    ErrorKind("error-kind"): InvalidInput = "invalid-input", Unreachable = "unreachable", Timeout = "timeout",
        ConnectionLost = "connection-lost",
        BadRequest = "bad-request", Unauthorized = "unauthorized", Forbidden = "forbidden",
        NotFound = "not-found", NotAcceptable = "not-acceptable", Conflict = "conflict",
        ClientError = "client-error", ServerError = "server-error",
        InvalidResponse = "invalid-response";
}

/// The input object, read key by key; what was never read is an unknown key.
struct Input {
    map: Map<String, Value>,
}

impl Input {
    fn new(v: &Value) -> Result<Self, Failure> {
        match v {
            Value::Object(map) => Ok(Self { map: map.clone() }),
            Value::Null => Ok(Self { map: Map::new() }),
            _ => Err(param_error(
                "input: must be a JSON object with the operation's keys".into(),
            )),
        }
    }

    fn check_keys(&self, allowed: &[&str]) -> Result<(), Failure> {
        let unknown: BTreeSet<&str> = self
            .map
            .keys()
            .map(String::as_str)
            .filter(|k| !allowed.contains(k))
            .collect();
        match unknown.into_iter().next() {
            None => Ok(()),
            Some(k) => Err(param_error(format!(
                "{k}: unknown input for this operation (it takes: {})",
                allowed.join(", ")
            ))),
        }
    }

    /// Strings as they are; numbers and booleans as their text (platforms often
    /// send everything as strings, and sometimes nothing as one).
    fn opt_str(&mut self, key: &str) -> Result<Option<String>, Failure> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(_) => Err(param_error(format!("{key}: must be a string"))),
        }
    }

    /// Required strings are passed on even when blank: the component names the field.
    fn req_str(&mut self, key: &str) -> Result<String, Failure> {
        self.opt_str(key)?
            .ok_or_else(|| param_error(format!("{key}: required")))
    }

    fn opt_list(&mut self, key: &str) -> Result<Option<Vec<String>>, Failure> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(vec![s.clone()])),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) => Ok(n.to_string()),
                    _ => Err(param_error(format!("{key}: items must be strings"))),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(param_error(format!(
                "{key}: must be a comma-separated string or an array of strings"
            ))),
        }
    }

    fn list(&mut self, key: &str) -> Result<Vec<String>, Failure> {
        Ok(self.opt_list(key)?.unwrap_or_default())
    }

    fn opt_enum<T: Named>(&mut self, key: &str) -> Result<Option<T>, Failure> {
        match self.opt_str(key)? {
            None => Ok(None),
            Some(s) if s.trim().is_empty() => Ok(None),
            Some(s) => T::parse(&s).map(Some).ok_or_else(|| bad_enum::<T>(key, &s)),
        }
    }

    fn req_enum<T: Named>(&mut self, key: &str) -> Result<T, Failure> {
        self.opt_enum(key)?
            .ok_or_else(|| param_error(format!("{key}: required ({})", T::listed())))
    }

    fn enum_list<T: Named>(&mut self, key: &str) -> Result<Vec<T>, Failure> {
        let mut out = Vec::new();
        for item in self.list(key)? {
            for part in item.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                out.push(T::parse(part).ok_or_else(|| bad_enum::<T>(key, part))?);
            }
        }
        Ok(out)
    }

    fn opt_u32(&mut self, key: &str) -> Result<Option<u32>, Failure> {
        let bad = || {
            param_error(format!(
                "{key}: must be a whole number from 0 to 4294967295"
            ))
        };
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(bad),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s.trim().parse::<u32>().map(Some).map_err(|_| bad()),
            Some(_) => Err(bad()),
        }
    }

    fn opt_bool(&mut self, key: &str) -> Result<Option<bool>, Failure> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "" => Ok(None),
                "true" | "1" | "yes" => Ok(Some(true)),
                "false" | "0" | "no" => Ok(Some(false)),
                _ => Err(param_error(format!("{key}: must be true or false"))),
            },
            Some(_) => Err(param_error(format!("{key}: must be true or false"))),
        }
    }

    /// Config and Secrets: an object, or a string holding one (checked by the
    /// component). The value itself never goes into a message.
    fn opt_json_object(&mut self, key: &str) -> Result<Option<String>, Failure> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v @ Value::Object(_)) => Ok(Some(v.to_string())),
            Some(_) => Err(param_error(format!(
                "{key}: must be a JSON object, or a string holding one"
            ))),
        }
    }
}

fn bad_enum<T: Named>(key: &str, value: &str) -> Failure {
    let shown: String = value.chars().take(64).collect();
    param_error(format!("{key}: `{shown}` is not one of {}", T::listed()))
}
