//! The saved objects the simulator stores (cases, their comments and user actions)
//! and how Kibana renders them: ids, versions, timestamps, user objects and the case
//! with its comment counts. Route handlers of every kind build on this module.

use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::response::Response;

/// The owners (solutions) a case or comment can belong to.
pub(crate) const OWNERS: &[&str] = &["cases", "observability", "securitySolution"];

/// Counters and the id generator, shared by all spaces.
#[derive(Default)]
pub(crate) struct Ids {
    version: u64,
    seq: u64,
}

impl Ids {
    /// The next saved-object version number (global, like Elasticsearch's seq_no).
    pub(crate) fn next_version(&mut self) -> u64 {
        self.version += 1;
        self.version
    }

    /// A monotonically increasing sequence number (creation order, sort tie-breaker).
    pub(crate) fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// A new saved-object id: a random UUID v4, as Kibana's.
    pub(crate) fn new_id(&mut self) -> String {
        let bytes = fastrand::u128(..).to_le_bytes();
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// `2023-10-13T15:33:50.604Z` for a millisecond Unix timestamp, as Kibana writes them.
pub(crate) fn timestamp(ms: u64) -> String {
    humantime::format_rfc3339_millis(UNIX_EPOCH + Duration::from_millis(ms)).to_string()
}

/// The saved-object version string Kibana shows: base64 of `[N,1]`.
pub(crate) fn version_string(n: u64) -> String {
    STANDARD.encode(format!("[{n},1]"))
}

/// A Kibana-like user profile uid for a user name, e.g. `u_mGBROF_..._0`: the same
/// name always gets the same uid.
pub(crate) fn profile_uid(username: &str) -> String {
    if username == "elastic" {
        return "u_mGBROF_q5bmFCATbLXAcCwKa0k8JvONAwSruelyKA5E_0".to_string();
    }
    let seed = BuildHasherDefault::<DefaultHasher>::default().hash_one(username);
    let mut rng = fastrand::Rng::with_seed(seed);
    let bytes: Vec<u8> = std::iter::repeat_with(|| rng.u8(..)).take(32).collect();
    format!("u_{}_0", URL_SAFE_NO_PAD.encode(bytes))
}

/// A Kibana user object (`created_by`, `updated_by`, ...).
pub(crate) fn user_json(username: &str) -> Value {
    json!({
        "username": username,
        "full_name": null,
        "email": null,
        "profile_uid": profile_uid(username),
    })
}

/// A stored case.
pub(crate) struct Case {
    pub(crate) id: String,
    pub(crate) version: u64,
    pub(crate) seq: u64,
    pub(crate) incremental_id: u64,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) tags: Vec<String>,
    pub(crate) settings: Value,
    pub(crate) owner: String,
    pub(crate) severity: String,
    pub(crate) status: String,
    pub(crate) assignees: Vec<Value>,
    pub(crate) connector: Value,
    pub(crate) category: Option<String>,
    pub(crate) custom_fields: Value,
    pub(crate) created_at: u64,
    pub(crate) created_by: Value,
    pub(crate) updated_at: Option<u64>,
    pub(crate) updated_by: Option<Value>,
    pub(crate) closed_at: Option<u64>,
    pub(crate) closed_by: Option<Value>,
    /// Where the case was last pushed (Kibana's `external_service`).
    pub(crate) external_service: Option<Value>,
}

/// A stored user action: one change to a case, as Kibana's activity lists it.
pub(crate) struct UserAction {
    pub(crate) id: String,
    pub(crate) case_id: String,
    pub(crate) version: u64,
    pub(crate) seq: u64,
    pub(crate) owner: String,
    /// Kibana's `type`: `create_case`, `title`, `comment`, `pushed`, ...
    pub(crate) kind: &'static str,
    /// Kibana's `action`: `create`, `update`, `add`, `delete`, `push_to_service`.
    pub(crate) action: &'static str,
    pub(crate) comment_id: Option<String>,
    pub(crate) payload: Value,
    pub(crate) created_at: u64,
    pub(crate) created_by: Value,
}

/// The user action as Kibana answers it.
pub(crate) fn render_user_action(a: &UserAction) -> Value {
    json!({
        "id": a.id,
        "version": version_string(a.version),
        "type": a.kind,
        "action": a.action,
        "comment_id": a.comment_id,
        "created_at": timestamp(a.created_at),
        "created_by": a.created_by,
        "owner": a.owner,
        "payload": a.payload,
    })
}

/// A stored comment (an attachment of type `user` or `alert`).
pub(crate) struct Comment {
    pub(crate) id: String,
    pub(crate) case_id: String,
    pub(crate) version: u64,
    pub(crate) owner: String,
    pub(crate) body: CommentBody,
    pub(crate) created_at: u64,
    pub(crate) created_by: Value,
    pub(crate) updated_at: Option<u64>,
    pub(crate) updated_by: Option<Value>,
}

#[derive(Clone, PartialEq)]
pub(crate) enum CommentBody {
    User(String),
    Alert {
        alert_id: Value,
        index: Value,
        rule: Value,
    },
}

impl CommentBody {
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            CommentBody::User(_) => "user",
            CommentBody::Alert { .. } => "alert",
        }
    }

    /// The attachment as a user action's payload carries it (`payload.comment`).
    pub(crate) fn payload(&self, owner: &str) -> Value {
        match self {
            CommentBody::User(text) => json!({"type": "user", "comment": text, "owner": owner}),
            CommentBody::Alert {
                alert_id,
                index,
                rule,
            } => json!({
                "type": "alert", "alertId": alert_id, "index": index, "rule": rule, "owner": owner,
            }),
        }
    }

    /// `(alert id, index)` of each alert of an alert attachment.
    pub(crate) fn alerts(&self) -> Vec<(String, String)> {
        let CommentBody::Alert {
            alert_id, index, ..
        } = self
        else {
            return Vec::new();
        };
        let strings = |v: &Value| -> Vec<String> {
            match v {
                Value::String(s) => vec![s.clone()],
                Value::Array(items) => items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let ids = strings(alert_id);
        let indices = strings(index);
        ids.into_iter()
            .enumerate()
            .map(|(n, id)| {
                let index = indices.get(n).or(indices.first()).cloned();
                (id, index.unwrap_or_default())
            })
            .collect()
    }
}

/// Whether and how a rendered case carries `comments`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum CommentsMode {
    /// No `comments` key (9.x get case).
    Omit,
    /// `comments: []`.
    Empty,
    /// Every attachment of the case, oldest first.
    All,
}

/// The case as Kibana answers it (`case_response_properties`), written out from the
/// stored case without copying it: a page of `_find` is serialized straight to its
/// bytes.
#[derive(Serialize)]
pub(crate) struct CaseView<'a> {
    id: &'a str,
    version: String,
    incremental_id: u64,
    #[serde(rename = "totalComment")]
    total_comment: usize,
    #[serde(rename = "totalAlerts")]
    total_alerts: usize,
    #[serde(rename = "totalEvents")]
    total_events: u64,
    total_observables: u64,
    observables: &'static [Value],
    title: &'a str,
    description: &'a str,
    tags: &'a [String],
    settings: &'a Value,
    owner: &'a str,
    severity: &'a str,
    status: &'a str,
    assignees: &'a [Value],
    connector: &'a Value,
    category: Option<&'a str>,
    #[serde(rename = "customFields")]
    custom_fields: &'a Value,
    created_at: String,
    created_by: &'a Value,
    updated_at: Option<String>,
    updated_by: Option<&'a Value>,
    closed_at: Option<String>,
    closed_by: Option<&'a Value>,
    /// Seconds from creation to closing.
    duration: Option<u64>,
    external_service: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comments: Option<Vec<Value>>,
}

impl<'a> CaseView<'a> {
    /// `comments` are all the comments of the space (the case's are picked out).
    pub(crate) fn of(case: &'a Case, comments: &[Comment], mode: CommentsMode) -> Self {
        let (total_comment, total_alerts) = comment_totals(comments, &case.id);
        CaseView {
            id: &case.id,
            version: version_string(case.version),
            incremental_id: case.incremental_id,
            total_comment,
            total_alerts,
            total_events: 0,
            total_observables: 0,
            observables: &[],
            title: &case.title,
            description: &case.description,
            tags: &case.tags,
            settings: &case.settings,
            owner: &case.owner,
            severity: &case.severity,
            status: &case.status,
            assignees: &case.assignees,
            connector: &case.connector,
            category: case.category.as_deref(),
            custom_fields: &case.custom_fields,
            created_at: timestamp(case.created_at),
            created_by: &case.created_by,
            updated_at: case.updated_at.map(timestamp),
            updated_by: case.updated_by.as_ref(),
            closed_at: case.closed_at.map(timestamp),
            closed_by: case.closed_by.as_ref(),
            duration: case
                .closed_at
                .map(|closed| closed.saturating_sub(case.created_at) / 1000),
            external_service: case.external_service.as_ref(),
            comments: match mode {
                CommentsMode::Omit => None,
                CommentsMode::Empty => Some(Vec::new()),
                CommentsMode::All => Some(comments_of(comments, &case.id)),
            },
        }
    }
}

/// The case as Kibana answers it, as a `Value` (see [`CaseView`]).
pub(crate) fn render_case(case: &Case, comments: &[Comment], mode: CommentsMode) -> Value {
    // Infallible: every member is a string, a number or a `Value`.
    serde_json::to_value(CaseView::of(case, comments, mode)).unwrap_or_default()
}

/// The comment as Kibana answers it.
pub(crate) fn render_comment(c: &Comment) -> Value {
    let mut out = Map::new();
    let mut put = |k: &str, v: Value| {
        out.insert(k.to_string(), v);
    };
    put("id", json!(c.id));
    put("version", json!(version_string(c.version)));
    put("type", json!(c.body.type_name()));
    put("owner", json!(c.owner));
    match &c.body {
        CommentBody::User(text) => put("comment", json!(text)),
        CommentBody::Alert {
            alert_id,
            index,
            rule,
        } => {
            put("alertId", alert_id.clone());
            put("index", index.clone());
            put("rule", rule.clone());
        }
    }
    put("created_at", json!(timestamp(c.created_at)));
    put("created_by", c.created_by.clone());
    put("pushed_at", Value::Null);
    put("pushed_by", Value::Null);
    put("updated_at", json!(c.updated_at.map(timestamp)));
    put("updated_by", c.updated_by.clone().unwrap_or(Value::Null));
    Value::Object(out)
}

/// `(totalComment, totalAlerts)` of a case: user comments, and attached alert ids.
fn comment_totals(comments: &[Comment], case_id: &str) -> (usize, usize) {
    let mut user = 0;
    let mut alerts = 0;
    for c in comments.iter().filter(|c| c.case_id == case_id) {
        match &c.body {
            CommentBody::User(_) => user += 1,
            CommentBody::Alert { alert_id, .. } => {
                alerts += alert_id.as_array().map_or(1, Vec::len);
            }
        }
    }
    (user, alerts)
}

/// Every comment of a case, rendered, oldest first.
pub(crate) fn comments_of(comments: &[Comment], case_id: &str) -> Vec<Value> {
    comments
        .iter()
        .filter(|c| c.case_id == case_id)
        .map(render_comment)
        .collect()
}

pub(crate) fn case_not_found(id: &str) -> Response {
    Response::not_found(format!("Saved object [cases/{id}] not found"))
}

pub(crate) fn comment_not_found(id: &str) -> Response {
    Response::not_found(format!("Saved object [cases-comments/{id}] not found"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_kibanas_base64_pairs() {
        assert_eq!(version_string(532), "WzUzMiwxXQ==");
        assert_eq!(version_string(36), "WzM2LDFd");
        let decoded = STANDARD.decode(version_string(7)).unwrap_or_default();
        assert_eq!(decoded, b"[7,1]");
    }

    #[test]
    fn timestamps() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(timestamp(1_697_211_230_604), "2023-10-13T15:33:50.604Z");
        assert_eq!(timestamp(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn uuids_look_like_v4() {
        let mut ids = Ids::default();
        let a = ids.new_id();
        let b = ids.new_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn profile_uids_are_stable_per_user() {
        assert_eq!(profile_uid("analyst"), profile_uid("analyst"));
        assert_ne!(profile_uid("analyst"), profile_uid("other"));
        let uid = profile_uid("analyst");
        assert!(uid.starts_with("u_") && uid.ends_with("_0"), "{uid}");
    }
}
