//! Cases: create, get, find, update, delete, status, push, and the tags in use.

use std::cmp::Ordering;

use serde::Serialize;
use serde_json::{json, Value};

use super::json::{self as j, Obj};
use super::request::{page_slice, Ctx};
use super::response::{Handled, Response};
use super::saved_objects::{
    case_not_found, now_ms, render_case, timestamp, version_string, Case, CaseView, CommentsMode,
    OWNERS,
};
use super::user_actions::{self, Change};
use super::{SpaceData, State};

const SEVERITIES: &[&str] = &["low", "medium", "high", "critical"];
const STATUSES: &[&str] = &["open", "in-progress", "closed"];
const CONNECTOR_TYPES: &[&str] = &[
    ".none",
    ".jira",
    ".servicenow",
    ".servicenow-sir",
    ".resilient",
    ".swimlane",
    ".cases-webhook",
];
const CREATE_KEYS: &[&str] = &[
    "title",
    "description",
    "tags",
    "connector",
    "settings",
    "owner",
    "severity",
    "assignees",
    "category",
    "customFields",
];
const UPDATE_KEYS: &[&str] = &[
    "id",
    "version",
    "title",
    "description",
    "tags",
    "status",
    "severity",
    "assignees",
    "connector",
    "settings",
    "category",
    "customFields",
];
const FIND_KEYS: &[&str] = &[
    "page",
    "perPage",
    "sortField",
    "sortOrder",
    "search",
    "searchFields",
    "status",
    "severity",
    "owner",
    "assignees",
    "tags",
    "category",
    "reporters",
    "from",
    "to",
    "defaultSearchOperator",
];

fn platinum_required() -> Response {
    Response::error(
        403,
        "In order to assign users to cases, you must be subscribed to an Elastic Platinum license",
    )
}

/// Validated case fields from a create or update body (each `None` when absent).
#[derive(Default)]
struct Fields {
    title: Option<String>,
    description: Option<String>,
    tags: Option<Vec<String>>,
    connector: Option<Value>,
    settings: Option<Value>,
    owner: Option<String>,
    severity: Option<String>,
    status: Option<String>,
    assignees: Option<Vec<Value>>,
    category: Option<Option<String>>,
    custom_fields: Option<Value>,
}

fn parse_fields(obj: &Obj) -> Result<Fields, Response> {
    let mut f = Fields::default();
    for (key, value) in obj {
        match key.as_str() {
            "title" => f.title = Some(j::text("title", value, 160)?),
            "description" => f.description = Some(j::text("description", value, 30_000)?),
            "tags" => f.tags = Some(parse_tags(value)?),
            "connector" => f.connector = Some(parse_connector(value)?),
            "settings" => f.settings = Some(parse_settings(value)?),
            "owner" => f.owner = Some(j::one_of("owner", value, OWNERS)?),
            "severity" => f.severity = Some(j::one_of("severity", value, SEVERITIES)?),
            "status" => f.status = Some(j::one_of("status", value, STATUSES)?),
            "assignees" => f.assignees = Some(parse_assignees(value)?),
            "category" => {
                f.category = Some(match value {
                    Value::Null => None,
                    v => Some(j::text("category", v, 50)?),
                })
            }
            "customFields" => f.custom_fields = Some(parse_custom_fields(value)?),
            // `id`, `version`; unknown keys were refused by the caller.
            _ => {}
        }
    }
    Ok(f)
}

fn parse_tags(value: &Value) -> Result<Vec<String>, Response> {
    j::array("tags", value, 200)?
        .iter()
        .map(|t| match t {
            Value::String(s) if s.trim().is_empty() => Err(Response::bad_request(
                "The tag field cannot be an empty string.",
            )),
            Value::String(s) if s.chars().count() > 256 => Err(Response::bad_request(
                "The length of the tag is too long. The maximum length is 256.",
            )),
            Value::String(s) => Ok(s.clone()),
            other => Err(j::invalid("tags", Some(other))),
        })
        .collect()
}

fn parse_connector(value: &Value) -> Result<Value, Response> {
    let Value::Object(o) = value else {
        return Err(j::invalid("connector", Some(value)));
    };
    j::check_keys(o, &["id", "name", "type", "fields"])?;
    let id = j::req_str(o, "id")?;
    let name = j::req_str(o, "name")?;
    let ty = match o.get("type") {
        Some(v) => j::one_of("type", v, CONNECTOR_TYPES)?,
        None => return Err(j::invalid("type", None)),
    };
    let fields = match o.get("fields") {
        Some(Value::Null) => Value::Null,
        Some(Value::Object(m)) if ty != ".none" => Value::Object(m.clone()),
        other => return Err(j::invalid("fields", other)),
    };
    Ok(json!({ "id": id, "name": name, "type": ty, "fields": fields }))
}

fn parse_settings(value: &Value) -> Result<Value, Response> {
    let Value::Object(o) = value else {
        return Err(j::invalid("settings", Some(value)));
    };
    j::check_keys(o, &["syncAlerts", "extractObservables"])?;
    match o.get("syncAlerts") {
        Some(Value::Bool(_)) => {}
        other => return Err(j::invalid("syncAlerts", other)),
    }
    match o.get("extractObservables") {
        None | Some(Value::Bool(_)) => {}
        other => return Err(j::invalid("extractObservables", other)),
    }
    Ok(value.clone())
}

fn parse_assignees(value: &Value) -> Result<Vec<Value>, Response> {
    j::array("assignees", value, 10)?
        .iter()
        .map(|a| {
            let Value::Object(o) = a else {
                return Err(j::invalid("assignees", Some(a)));
            };
            j::check_keys(o, &["uid"])?;
            Ok(json!({ "uid": j::req_str(o, "uid")? }))
        })
        .collect()
}

fn parse_custom_fields(value: &Value) -> Result<Value, Response> {
    let items = j::array("customFields", value, 10)?;
    for item in items {
        let Value::Object(o) = item else {
            return Err(j::invalid("customFields", Some(item)));
        };
        j::check_keys(o, &["key", "type", "value"])?;
        j::req_str(o, "key")?;
        let ty = match o.get("type") {
            Some(v) => j::one_of("type", v, &["text", "toggle"])?,
            None => return Err(j::invalid("type", None)),
        };
        match (ty.as_str(), o.get("value")) {
            (_, Some(Value::Null)) | ("toggle", Some(Value::Bool(_))) => {}
            ("text", Some(Value::String(s))) if !s.is_empty() && s.chars().count() <= 160 => {}
            (_, other) => return Err(j::invalid("value", other)),
        }
    }
    Ok(value.clone())
}

/// `POST /api/cases`
pub(crate) fn create(ctx: &Ctx, state: &mut State) -> Handled {
    let body = j::body_object(&ctx.req.body)?;
    j::check_keys(&body, CREATE_KEYS)?;
    let f = parse_fields(&body)?;
    let title = f.title.ok_or_else(|| j::invalid("title", None))?;
    let description = f
        .description
        .ok_or_else(|| j::invalid("description", None))?;
    let tags = f.tags.ok_or_else(|| j::invalid("tags", None))?;
    let connector = f.connector.ok_or_else(|| j::invalid("connector", None))?;
    let settings = f.settings.ok_or_else(|| j::invalid("settings", None))?;
    let owner = f.owner.ok_or_else(|| j::invalid("owner", None))?;
    let assignees = f.assignees.unwrap_or_default();
    if !assignees.is_empty() && !ctx.config.platinum {
        return Err(platinum_required());
    }

    let space = state.spaces.entry(ctx.space.clone()).or_default();
    space.next_incremental_id += 1;
    let case = Case {
        id: state.ids.new_id(),
        version: state.ids.next_version(),
        seq: state.ids.next_seq(),
        incremental_id: space.next_incremental_id,
        title,
        description,
        tags,
        settings,
        owner,
        severity: f.severity.unwrap_or_else(|| "low".to_string()),
        status: "open".to_string(),
        assignees,
        connector,
        category: f.category.flatten(),
        custom_fields: f.custom_fields.unwrap_or_else(|| json!([])),
        created_at: now_ms(),
        created_by: ctx.user(),
        updated_at: None,
        updated_by: None,
        closed_at: None,
        closed_by: None,
        external_service: None,
    };
    let answer = render_case(&case, &space.comments, CommentsMode::Empty);
    let mut payload = answer.clone();
    if let Value::Object(attributes) = &mut payload {
        attributes.retain(|k, _| CREATE_KEYS.contains(&k.as_str()) || k == "status");
    }
    let created = (case.id.clone(), case.owner.clone());
    space.cases.push(case);
    user_actions::record(
        ctx,
        &mut state.ids,
        space,
        (&created.0, &created.1),
        Change::new("create_case", "create", payload),
    );
    if ctx.config.bump_version_after_create {
        // Kibana's incremental-id task updates the new case right away.
        let bumped = state.ids.next_version();
        if let Some(case) = space.cases.last_mut() {
            case.version = bumped;
        }
    }
    Ok(Response::ok(&answer))
}

/// `GET /api/cases/{id}`
pub(crate) fn get(ctx: &Ctx, state: &mut State, id: &str) -> Handled {
    let mode = if ctx.config.major_version < 9 {
        match ctx.query_one("includeComments") {
            None | Some("true") => CommentsMode::All,
            Some("false") => CommentsMode::Empty,
            Some(other) => return Err(j::invalid("includeComments", Some(&json!(other)))),
        }
    } else {
        // Removed in 9.0: the query is ignored and comments are never returned.
        CommentsMode::Omit
    };
    let space = state.spaces.entry(ctx.space.clone()).or_default();
    let case = space
        .cases
        .iter()
        .find(|c| c.id == id)
        .ok_or_else(|| case_not_found(id))?;
    Ok(Response::ok(&render_case(case, &space.comments, mode)))
}

/// Every value of a repeatable query key, each checked against `allowed`.
pub(crate) fn multi<'a>(
    ctx: &'a Ctx,
    key: &str,
    allowed: &[&str],
) -> Result<Vec<&'a str>, Response> {
    let values = ctx.query_all(key);
    for v in &values {
        if !allowed.contains(v) {
            return Err(j::invalid(key, Some(&json!(v))));
        }
    }
    Ok(values)
}

fn status_rank(s: &str) -> u8 {
    match s {
        "open" => 0,
        "in-progress" => 1,
        _ => 2,
    }
}

fn severity_rank(s: &str) -> u8 {
    match s {
        "low" => 0,
        "medium" => 1,
        "high" => 2,
        _ => 3,
    }
}

fn directed(o: Ordering, desc: bool) -> Ordering {
    if desc {
        o.reverse()
    } else {
        o
    }
}

/// Missing values sort last in both directions, like Elasticsearch.
fn cmp_opt<T: Ord>(a: Option<T>, b: Option<T>, desc: bool) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => directed(x.cmp(&y), desc),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// What `_find` sorts cases by (its `sortField`).
#[derive(Clone, Copy)]
enum SortField {
    CreatedAt,
    UpdatedAt,
    ClosedAt,
    Title,
    Status,
    Severity,
    Category,
}

/// `GET /api/cases/_find`
pub(crate) fn find(ctx: &Ctx, state: &State) -> Handled {
    ctx.check_query_keys(FIND_KEYS)?;
    let (page, per_page) = ctx.paging()?;
    let sort_field = match ctx.query_one("sortField") {
        None | Some("createdAt" | "created_at") => SortField::CreatedAt,
        Some("updatedAt" | "updated_at") => SortField::UpdatedAt,
        Some("closedAt" | "closed_at") => SortField::ClosedAt,
        Some("title") => SortField::Title,
        Some("status") => SortField::Status,
        Some("severity") => SortField::Severity,
        Some("category") => SortField::Category,
        Some(other) => return Err(j::invalid("sortField", Some(&json!(other)))),
    };
    let desc = ctx.sort_desc(true)?;
    let statuses = multi(ctx, "status", STATUSES)?;
    let severities = multi(ctx, "severity", SEVERITIES)?;
    let owners = multi(ctx, "owner", OWNERS)?;
    let search_fields = multi(ctx, "searchFields", &["title", "description"])?;
    let assignees = ctx.query_all("assignees");
    let tags = ctx.query_all("tags");
    let categories = ctx.query_all("category");
    let reporters = ctx.query_all("reporters");
    let search = ctx
        .query_one("search")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_lowercase);

    let none = SpaceData::default();
    let space = state.spaces.get(&ctx.space).unwrap_or(&none);
    let matches = |c: &&Case| -> bool {
        if !severities.is_empty() && !severities.contains(&c.severity.as_str()) {
            return false;
        }
        if !owners.is_empty() && !owners.contains(&c.owner.as_str()) {
            return false;
        }
        if !tags.is_empty() && !c.tags.iter().any(|t| tags.contains(&t.as_str())) {
            return false;
        }
        if !categories.is_empty()
            && !c
                .category
                .as_deref()
                .is_some_and(|cat| categories.contains(&cat))
        {
            return false;
        }
        if !reporters.is_empty()
            && !c.created_by["username"]
                .as_str()
                .is_some_and(|u| reporters.contains(&u))
        {
            return false;
        }
        if !assignees.is_empty() {
            let hit = assignees.iter().any(|a| {
                if *a == "none" {
                    c.assignees.is_empty()
                } else {
                    c.assignees.iter().any(|x| x["uid"].as_str() == Some(*a))
                }
            });
            if !hit {
                return false;
            }
        }
        if let Some(q) = &search {
            let in_title = search_fields.is_empty() || search_fields.contains(&"title");
            let in_description = search_fields.is_empty() || search_fields.contains(&"description");
            let hit = c.id.to_lowercase() == *q
                || (in_title && c.title.to_lowercase().contains(q.as_str()))
                || (in_description && c.description.to_lowercase().contains(q.as_str()));
            if !hit {
                return false;
            }
        }
        true
    };
    // The status counts ignore the status filter, like Kibana's.
    let base: Vec<&Case> = space.cases.iter().filter(matches).collect();
    let count = |s: &str| base.iter().filter(|c| c.status == s).count();
    let (open, in_progress, closed) = (count("open"), count("in-progress"), count("closed"));
    let mut hits: Vec<&Case> = base
        .into_iter()
        .filter(|c| statuses.is_empty() || statuses.contains(&c.status.as_str()))
        .collect();
    // `seq` breaks every tie: an unstable sort gives the one order.
    hits.sort_unstable_by(|a, b| {
        let primary = match sort_field {
            SortField::UpdatedAt => cmp_opt(a.updated_at, b.updated_at, desc),
            SortField::ClosedAt => cmp_opt(a.closed_at, b.closed_at, desc),
            SortField::Title => directed(a.title.cmp(&b.title), desc),
            SortField::Status => {
                directed(status_rank(&a.status).cmp(&status_rank(&b.status)), desc)
            }
            SortField::Severity => directed(
                severity_rank(&a.severity).cmp(&severity_rank(&b.severity)),
                desc,
            ),
            SortField::Category => cmp_opt(a.category.as_ref(), b.category.as_ref(), desc),
            SortField::CreatedAt => directed(a.created_at.cmp(&b.created_at), desc),
        };
        primary.then_with(|| directed(a.seq.cmp(&b.seq), desc))
    });
    #[derive(Serialize)]
    struct Found<'a> {
        page: u64,
        per_page: u64,
        total: usize,
        cases: Vec<CaseView<'a>>,
        count_open_cases: usize,
        count_in_progress_cases: usize,
        count_closed_cases: usize,
    }
    let cases = page_slice(&hits, page, per_page)
        .iter()
        .map(|c| CaseView::of(c, &space.comments, CommentsMode::Empty))
        .collect();
    // Written out under the read lock: pages asked for together are still written
    // together.
    Ok(Response::json(
        200,
        &Found {
            page,
            per_page,
            total: hits.len(),
            cases,
            count_open_cases: open,
            count_in_progress_cases: in_progress,
            count_closed_cases: closed,
        },
    ))
}

/// `GET /api/cases/status` (8.x only)
pub(crate) fn status(ctx: &Ctx, state: &mut State) -> Handled {
    ctx.check_query_keys(&["owner"])?;
    let owners = multi(ctx, "owner", OWNERS)?;
    let space = state.spaces.entry(ctx.space.clone()).or_default();
    let count = |s: &str| {
        space
            .cases
            .iter()
            .filter(|c| c.status == s && (owners.is_empty() || owners.contains(&c.owner.as_str())))
            .count()
    };
    Ok(Response::ok(&json!({
        "count_open_cases": count("open"),
        "count_in_progress_cases": count("in-progress"),
        "count_closed_cases": count("closed"),
    })))
}

fn has_changes(case: &Case, f: &Fields) -> bool {
    f.title.as_ref().is_some_and(|v| *v != case.title)
        || f.description
            .as_ref()
            .is_some_and(|v| *v != case.description)
        || f.tags.as_ref().is_some_and(|v| *v != case.tags)
        || f.connector.as_ref().is_some_and(|v| *v != case.connector)
        || f.settings.as_ref().is_some_and(|v| *v != case.settings)
        || f.severity.as_ref().is_some_and(|v| *v != case.severity)
        || f.status.as_ref().is_some_and(|v| *v != case.status)
        || f.assignees.as_ref().is_some_and(|v| *v != case.assignees)
        || f.category.as_ref().is_some_and(|v| *v != case.category)
        || f.custom_fields
            .as_ref()
            .is_some_and(|v| *v != case.custom_fields)
}

/// The user actions of an update: one per field changed; tags as the ones added and
/// the ones removed, as Kibana records them.
fn changes_of(case: &Case, f: &Fields) -> Vec<Change> {
    let mut out = Vec::new();
    let mut update = |kind: &'static str, new: Option<Value>, old: Value| {
        if let Some(new) = new.filter(|new| *new != old) {
            out.push(Change::new(kind, "update", json!({ kind: new })));
        }
    };
    update(
        "title",
        f.title.as_ref().map(|v| json!(v)),
        json!(case.title),
    );
    update(
        "description",
        f.description.as_ref().map(|v| json!(v)),
        json!(case.description),
    );
    update(
        "status",
        f.status.as_ref().map(|v| json!(v)),
        json!(case.status),
    );
    update(
        "severity",
        f.severity.as_ref().map(|v| json!(v)),
        json!(case.severity),
    );
    update(
        "assignees",
        f.assignees.clone().map(Value::Array),
        Value::Array(case.assignees.clone()),
    );
    update("connector", f.connector.clone(), case.connector.clone());
    update("settings", f.settings.clone(), case.settings.clone());
    if let Some(tags) = &f.tags {
        let added: Vec<&String> = tags.iter().filter(|t| !case.tags.contains(t)).collect();
        let removed: Vec<&String> = case.tags.iter().filter(|t| !tags.contains(t)).collect();
        if !added.is_empty() {
            out.push(Change::new("tags", "add", json!({ "tags": added })));
        }
        if !removed.is_empty() {
            out.push(Change::new("tags", "delete", json!({ "tags": removed })));
        }
    }
    out
}

fn apply(case: &mut Case, f: Fields, version: u64, now: u64, user: &Value) {
    if let Some(v) = f.title {
        case.title = v;
    }
    if let Some(v) = f.description {
        case.description = v;
    }
    if let Some(v) = f.tags {
        case.tags = v;
    }
    if let Some(v) = f.connector {
        case.connector = v;
    }
    if let Some(v) = f.settings {
        case.settings = v;
    }
    if let Some(v) = f.severity {
        case.severity = v;
    }
    if let Some(v) = f.assignees {
        case.assignees = v;
    }
    if let Some(v) = f.category {
        case.category = v;
    }
    if let Some(v) = f.custom_fields {
        case.custom_fields = v;
    }
    if let Some(v) = f.status {
        if v == "closed" && case.status != "closed" {
            case.closed_at = Some(now);
            case.closed_by = Some(user.clone());
        } else if v != "closed" && case.status == "closed" {
            case.closed_at = None;
            case.closed_by = None;
        }
        case.status = v;
    }
    case.version = version;
    case.updated_at = Some(now);
    case.updated_by = Some(user.clone());
}

/// `PATCH /api/cases` (all-or-nothing)
pub(crate) fn update(ctx: &Ctx, state: &mut State) -> Handled {
    let body = j::body_object(&ctx.req.body)?;
    j::check_keys(&body, &["cases"])?;
    let items = match body.get("cases") {
        Some(v) => j::array("cases", v, 100)?,
        None => return Err(j::invalid("cases", None)),
    };
    if items.is_empty() {
        return Err(Response::bad_request(
            "The length of the field cases is too short. Array must be of length >= 1.",
        ));
    }
    let mut patches: Vec<(String, String, Fields)> = Vec::with_capacity(items.len());
    for item in items {
        let Value::Object(o) = item else {
            return Err(j::invalid("cases", Some(item)));
        };
        j::check_keys(o, UPDATE_KEYS)?;
        let id = j::req_str(o, "id")?;
        let version = j::req_str(o, "version")?;
        patches.push((id, version, parse_fields(o)?));
    }

    let space = state.spaces.entry(ctx.space.clone()).or_default();
    let find = |id: &str| space.cases.iter().position(|c| c.id == id);
    let missing: Vec<&str> = patches
        .iter()
        .filter(|(id, _, _)| find(id).is_none())
        .map(|(id, _, _)| id.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(Response::not_found(format!(
            "These cases {} do not exist. Please check you have the correct ids.",
            missing.join(", ")
        )));
    }
    let mut indices = Vec::with_capacity(patches.len());
    let mut conflicted: Vec<&str> = Vec::new();
    for (id, version, _) in &patches {
        let idx = find(id).ok_or_else(|| case_not_found(id))?;
        if version_string(space.cases[idx].version) != *version {
            conflicted.push(id);
        }
        indices.push(idx);
    }
    if let [one] = conflicted.as_slice() {
        return Err(Response::error(
            409,
            format!("This case {one} has been updated. Please refresh before saving additional updates."),
        ));
    }
    if !conflicted.is_empty() {
        return Err(Response::error(
            409,
            format!(
                "These cases {} have been updated. Please refresh before saving additional updates.",
                conflicted.join(", ")
            ),
        ));
    }
    let assigns = patches
        .iter()
        .any(|(_, _, f)| f.assignees.as_ref().is_some_and(|a| !a.is_empty()));
    if assigns && !ctx.config.platinum {
        return Err(platinum_required());
    }
    let changing: Vec<bool> = patches
        .iter()
        .zip(&indices)
        .map(|((_, _, f), idx)| has_changes(&space.cases[*idx], f))
        .collect();
    if !changing.contains(&true) {
        return Err(Response::error(
            406,
            "All update fields are identical to current version.",
        ));
    }

    let now = now_ms();
    let user = ctx.user();
    let mut updated = Vec::new();
    for (((_, _, fields), idx), changes) in patches.into_iter().zip(indices).zip(changing) {
        if changes {
            let recorded = changes_of(&space.cases[idx], &fields);
            let version = state.ids.next_version();
            apply(&mut space.cases[idx], fields, version, now, &user);
            let case = (space.cases[idx].id.clone(), space.cases[idx].owner.clone());
            for change in recorded {
                user_actions::record(ctx, &mut state.ids, space, (&case.0, &case.1), change);
            }
            updated.push(idx);
        }
    }
    let answer: Vec<Value> = updated
        .iter()
        .map(|idx| render_case(&space.cases[*idx], &space.comments, CommentsMode::Empty))
        .collect();
    Ok(Response::ok(&Value::Array(answer)))
}

/// `DELETE /api/cases?ids=[...]` (all-or-nothing)
pub(crate) fn delete(ctx: &Ctx, state: &mut State) -> Handled {
    ctx.check_query_keys(&["ids"])?;
    let mut ids: Vec<String> = Vec::new();
    for raw in ctx.query_all("ids") {
        let trimmed = raw.trim();
        if trimmed.starts_with('[') {
            let parsed: Vec<Value> =
                serde_json::from_str(trimmed).map_err(|_| j::invalid("ids", Some(&json!(raw))))?;
            for v in parsed {
                match v {
                    Value::String(s) => ids.push(s),
                    other => return Err(j::invalid("ids", Some(&other))),
                }
            }
        } else {
            ids.push(raw.to_string());
        }
    }
    let mut unique: Vec<String> = Vec::with_capacity(ids.len());
    for id in ids {
        if !unique.contains(&id) {
            unique.push(id);
        }
    }
    if unique.is_empty() {
        return Err(j::invalid("ids", None));
    }
    if unique.len() > 100 {
        return Err(Response::bad_request(
            "The length of the field ids is too long. Array must be of length <= 100.",
        ));
    }
    let space = state.spaces.entry(ctx.space.clone()).or_default();
    if let Some(missing) = unique
        .iter()
        .find(|id| !space.cases.iter().any(|c| c.id == **id))
    {
        return Err(case_not_found(missing));
    }
    space.cases.retain(|c| !unique.contains(&c.id));
    space.comments.retain(|c| !unique.contains(&c.case_id));
    space.user_actions.retain(|a| !unique.contains(&a.case_id));
    Ok(Response::no_content())
}

/// The connector types a case can be pushed through.
const PUSH_TYPES: &[&str] = &[
    ".jira",
    ".servicenow",
    ".servicenow-sir",
    ".resilient",
    ".swimlane",
    ".cases-webhook",
];

/// `POST /api/cases/{id}/connector/{connectorId}/_push`: the incident in the
/// external system is named after the case's number (the same on every push), and
/// `external_service` records where it went.
pub(crate) fn push(ctx: &Ctx, state: &mut State, case_id: &str, connector_id: &str) -> Handled {
    // No body is needed; Kibana's schema takes a nullable object and reads nothing
    // from it.
    if !ctx.req.body.iter().all(u8::is_ascii_whitespace) {
        match serde_json::from_slice::<Value>(&ctx.req.body) {
            Ok(Value::Null | Value::Object(_)) => {}
            Ok(other) => {
                return Err(Response::bad_request(format!(
                    "[request body]: expected a plain object value, but found [{}] instead.",
                    j::type_name(&other)
                )))
            }
            Err(_) => return Err(Response::bad_request("Invalid request payload JSON format")),
        }
    }
    let space = state.spaces.entry(ctx.space.clone()).or_default();
    let idx = space
        .cases
        .iter()
        .position(|c| c.id == case_id)
        .ok_or_else(|| case_not_found(case_id))?;
    let connector = space
        .connectors
        .iter()
        .find(|c| c.id == connector_id)
        .ok_or_else(|| {
            Response::not_found(format!("Saved object [action/{connector_id}] not found"))
        })?;
    if !PUSH_TYPES.contains(&connector.type_id.as_str()) {
        return Err(Response::bad_request(format!(
            "Connector type {} is not supported for pushing cases",
            connector.type_id
        )));
    }
    let case = &space.cases[idx];
    if case.status == "closed" {
        return Err(Response::error(
            409,
            format!(
                "The {} case is closed. Pushing a closed case is not allowed.",
                case.title
            ),
        ));
    }
    let number = case.incremental_id;
    let base = ["apiUrl", "url"]
        .iter()
        .find_map(|k| connector.config.get(*k).and_then(Value::as_str))
        .unwrap_or("https://external.example")
        .trim_end_matches('/')
        .to_string();
    let now = now_ms();
    let external = json!({
        "connector_id": connector.id,
        "connector_name": connector.name,
        "external_id": format!("{}", 70_000 + number),
        "external_title": format!("SIM-{number}"),
        "external_url": format!("{base}/browse/SIM-{number}"),
        "pushed_at": timestamp(now),
        "pushed_by": ctx.user(),
    });
    let case = &mut space.cases[idx];
    case.external_service = Some(external.clone());
    case.version = state.ids.next_version();
    case.updated_at = Some(now);
    case.updated_by = Some(ctx.user());
    let owner = case.owner.clone();
    let answer = render_case(case, &space.comments, CommentsMode::Empty);
    let payload = json!({ "externalService": external });
    let action = Change::new("pushed", "push_to_service", payload);
    user_actions::record(ctx, &mut state.ids, space, (case_id, &owner), action);
    Ok(Response::ok(&answer))
}

/// `GET /api/cases/tags`: every tag of the cases of the `owner` filter, sorted.
pub(crate) fn tags(ctx: &Ctx, state: &mut State) -> Handled {
    ctx.check_query_keys(&["owner"])?;
    let owners = multi(ctx, "owner", OWNERS)?;
    let space = state.spaces.entry(ctx.space.clone()).or_default();
    let mut tags: Vec<&str> = space
        .cases
        .iter()
        .filter(|c| owners.is_empty() || owners.contains(&c.owner.as_str()))
        .flat_map(|c| c.tags.iter().map(String::as_str))
        .collect();
    tags.sort_unstable();
    tags.dedup();
    Ok(Response::ok(&json!(tags)))
}
