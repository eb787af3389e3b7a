//! A case's activity (Kibana's user actions): recorded by the routes that change a
//! case, listed by `GET /api/cases/{id}/user_actions/_find` (and, on 8.x only, the
//! older `GET /api/cases/{id}/user_actions`).

use serde_json::{json, Value};

use super::json as j;
use super::request::{page_slice, Ctx};
use super::response::{Handled, Response};
use super::saved_objects::{case_not_found, now_ms, render_user_action, Ids, UserAction};
use super::{SpaceData, State};

/// The values Kibana's `types` filter takes.
const TYPES: &[&str] = &[
    "action",
    "alert",
    "assignees",
    "attachment",
    "comment",
    "connector",
    "create_case",
    "description",
    "pushed",
    "settings",
    "severity",
    "status",
    "tags",
    "title",
    "user",
    "workflow",
];

/// One change to record.
pub(crate) struct Change {
    pub(crate) kind: &'static str,
    pub(crate) action: &'static str,
    pub(crate) comment_id: Option<String>,
    pub(crate) payload: Value,
}

impl Change {
    pub(crate) fn new(kind: &'static str, action: &'static str, payload: Value) -> Change {
        Change {
            kind,
            action,
            comment_id: None,
            payload,
        }
    }
}

/// Records `change` of case `case_id` (of `owner`), made by the request's user now.
pub(crate) fn record(
    ctx: &Ctx,
    ids: &mut Ids,
    space: &mut SpaceData,
    (case_id, owner): (&str, &str),
    change: Change,
) {
    space.user_actions.push(UserAction {
        id: ids.new_id(),
        case_id: case_id.to_string(),
        version: ids.next_version(),
        seq: ids.next_seq(),
        owner: owner.to_string(),
        kind: change.kind,
        action: change.action,
        comment_id: change.comment_id,
        payload: change.payload,
        created_at: now_ms(),
        created_by: ctx.user(),
    });
}

/// Whether `a` is of the filter's `kind`: Kibana's `user` and `alert` are comment
/// actions on text and alert attachments; the others name the action's type.
fn is_of(a: &UserAction, kind: &str) -> bool {
    let attachment = a.payload["comment"]["type"].as_str();
    match kind {
        "user" | "alert" => a.kind == "comment" && attachment == Some(kind),
        "action" => a.kind == "comment" && attachment == Some("actions"),
        "attachment" => {
            a.kind == "comment"
                && matches!(attachment, Some("externalReference" | "persistableState"))
        }
        other => a.kind == other,
    }
}

fn case_exists(space: &SpaceData, case_id: &str) -> Result<(), Response> {
    match space.cases.iter().any(|c| c.id == case_id) {
        true => Ok(()),
        false => Err(case_not_found(case_id)),
    }
}

/// `GET /api/cases/{id}/user_actions/_find`
pub(crate) fn find(ctx: &Ctx, state: &mut State, case_id: &str) -> Handled {
    ctx.check_query_keys(&["page", "perPage", "sortOrder", "types"])?;
    let (page, per_page) = ctx.paging()?;
    let desc = ctx.sort_desc(true)?;
    let types = ctx.query_all("types");
    if let Some(bad) = types.iter().find(|t| !TYPES.contains(t)) {
        return Err(j::invalid("types", Some(&json!(bad))));
    }
    let space = state.spaces.entry(ctx.space.clone()).or_default();
    case_exists(space, case_id)?;
    let mut found: Vec<&UserAction> = space
        .user_actions
        .iter()
        .filter(|a| a.case_id == case_id)
        .filter(|a| types.is_empty() || types.iter().any(|t| is_of(a, t)))
        .collect();
    found.sort_by_key(|a| a.seq);
    if desc {
        found.reverse();
    }
    let actions: Vec<Value> = page_slice(&found, page, per_page)
        .iter()
        .map(|a| render_user_action(a))
        .collect();
    Ok(Response::ok(&json!({
        "page": page,
        "perPage": per_page,
        "total": found.len(),
        "userActions": actions,
    })))
}

/// `GET /api/cases/{id}/user_actions` (8.x only): every action, oldest first.
pub(crate) fn list(ctx: &Ctx, state: &mut State, case_id: &str) -> Handled {
    let space = state.spaces.entry(ctx.space.clone()).or_default();
    case_exists(space, case_id)?;
    let all: Vec<Value> = space
        .user_actions
        .iter()
        .filter(|a| a.case_id == case_id)
        .map(render_user_action)
        .collect();
    Ok(Response::ok(&Value::Array(all)))
}
