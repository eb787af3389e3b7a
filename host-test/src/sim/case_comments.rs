//! Routes of case comments (attachments of type `user` and `alert`):
//! `/api/cases/{id}/comments...`.

use serde_json::{json, Value};

use super::json::{self as j, Obj};
use super::request::{page_slice, Ctx};
use super::response::{Handled, Response};
use super::saved_objects::{
    case_not_found, comment_not_found, comments_of, now_ms, render_case, render_comment,
    version_string, Comment, CommentBody, CommentsMode, Ids, OWNERS,
};
use super::user_actions::{self, Change};
use super::{SpaceData, State};

/// A string, or a non-empty array of strings.
fn string_or_array(obj: &Obj, field: &str) -> Result<Value, Response> {
    match obj.get(field) {
        Some(Value::String(s)) => Ok(json!(s)),
        Some(Value::Array(items))
            if !items.is_empty() && items.len() <= 1000 && items.iter().all(Value::is_string) =>
        {
            Ok(Value::Array(items.clone()))
        }
        other => Err(j::invalid(field, other)),
    }
}

/// Parse an attachment body; `extra` are further allowed keys (`id`, `version` on update).
fn parse_attachment(obj: &Obj, extra: &[&str]) -> Result<(String, CommentBody), Response> {
    let ty = match obj.get("type") {
        Some(v) => j::one_of("type", v, &["user", "alert"])?,
        None => return Err(j::invalid("type", None)),
    };
    let base: &[&str] = if ty == "user" {
        &["type", "comment", "owner"]
    } else {
        &["type", "alertId", "index", "rule", "owner"]
    };
    let allowed: Vec<&str> = base.iter().chain(extra).copied().collect();
    j::check_keys(obj, &allowed)?;
    let body = if ty == "user" {
        let comment = obj
            .get("comment")
            .ok_or_else(|| j::invalid("comment", None))?;
        CommentBody::User(j::text("comment", comment, 30_000)?)
    } else {
        let alert_id = string_or_array(obj, "alertId")?;
        let index = string_or_array(obj, "index")?;
        if let (Some(ids), Some(indices)) = (alert_id.as_array(), index.as_array()) {
            if ids.len() != indices.len() {
                return Err(Response::bad_request(format!(
                    "Received an alert comment with ids and indices arrays of different lengths. alertId: {}, index: {}",
                    ids.len(),
                    indices.len()
                )));
            }
        }
        let rule = match obj.get("rule") {
            Some(Value::Object(r)) => {
                j::check_keys(r, &["id", "name"])?;
                for key in ["id", "name"] {
                    match r.get(key) {
                        Some(Value::String(_) | Value::Null) => {}
                        other => return Err(j::invalid(key, other)),
                    }
                }
                Value::Object(r.clone())
            }
            other => return Err(j::invalid("rule", other)),
        };
        CommentBody::Alert {
            alert_id,
            index,
            rule,
        }
    };
    let owner = match obj.get("owner") {
        Some(v) => j::one_of("owner", v, OWNERS)?,
        None => return Err(j::invalid("owner", None)),
    };
    Ok((owner, body))
}

fn case_index(space: &SpaceData, case_id: &str) -> Result<usize, Response> {
    space
        .cases
        .iter()
        .position(|c| c.id == case_id)
        .ok_or_else(|| case_not_found(case_id))
}

/// `POST /api/cases/{id}/comments`
pub(crate) fn add(ctx: &Ctx, state: &mut State, case_id: &str) -> Handled {
    let body = j::body_object(&ctx.req.body)?;
    let (owner, body) = parse_attachment(&body, &[])?;
    let space = state.spaces.entry(ctx.space.clone()).or_default();
    let idx = case_index(space, case_id)?;
    if space.cases[idx].owner != owner {
        return Err(Response::bad_request(format!(
            "The owner field of the comment must match the case owner. Comment owner: {owner}, case owner: {}",
            space.cases[idx].owner
        )));
    }
    if matches!(body, CommentBody::Alert { .. }) && space.cases[idx].status == "closed" {
        return Err(Response::bad_request(
            "Alert cannot be attached to a closed case",
        ));
    }
    let Some(body) = without_attached_alerts(body, &space.comments, case_id) else {
        // Every alert is in the case already: Kibana adds nothing and answers with
        // the case as it is.
        let case = &space.cases[idx];
        return Ok(Response::ok(&render_case(
            case,
            &space.comments,
            CommentsMode::All,
        )));
    };
    let now = now_ms();
    let comment = Comment {
        id: state.ids.new_id(),
        case_id: case_id.to_string(),
        version: state.ids.next_version(),
        owner,
        body,
        created_at: now,
        created_by: ctx.user(),
        updated_at: None,
        updated_by: None,
    };
    let action = comment_action("create", &comment);
    space.comments.push(comment);
    let case = (case_id, space.cases[idx].owner.clone());
    user_actions::record(ctx, &mut state.ids, space, (case.0, &case.1), action);
    case_changed(ctx, &mut state.ids, space, idx, now)
}

/// An attachment without the alerts that the case holds already (or that it names
/// twice), as Kibana drops them; `None` when no alert is left. Other attachments
/// are kept whole.
fn without_attached_alerts(
    body: CommentBody,
    comments: &[Comment],
    case_id: &str,
) -> Option<CommentBody> {
    let CommentBody::Alert { rule, .. } = &body else {
        return Some(body);
    };
    let mut seen: Vec<String> = comments
        .iter()
        .filter(|c| c.case_id == case_id)
        .flat_map(|c| c.body.alerts())
        .map(|(id, _)| id)
        .collect();
    let alerts = body.alerts();
    let count = alerts.len();
    let mut kept = Vec::new();
    for (id, index) in alerts {
        if !seen.contains(&id) {
            seen.push(id.clone());
            kept.push((id, index));
        }
    }
    match kept.len() {
        0 => None,
        n if n == count => Some(body),
        _ => Some(CommentBody::Alert {
            alert_id: kept.iter().map(|(id, _)| json!(id)).collect(),
            index: kept.iter().map(|(_, index)| json!(index)).collect(),
            rule: rule.clone(),
        }),
    }
}

/// The user action of a comment created, updated or deleted.
fn comment_action(action: &'static str, comment: &Comment) -> Change {
    Change {
        comment_id: Some(comment.id.clone()),
        ..Change::new(
            "comment",
            action,
            json!({ "comment": comment.body.payload(&comment.owner) }),
        )
    }
}

/// A comment was added or changed: like Kibana, the case gets a new version and
/// updated-at/by, and the answer is the case with all its comments.
fn case_changed(ctx: &Ctx, ids: &mut Ids, space: &mut SpaceData, idx: usize, now: u64) -> Handled {
    let case = &mut space.cases[idx];
    case.version = ids.next_version();
    case.updated_at = Some(now);
    case.updated_by = Some(ctx.user());
    Ok(Response::ok(&render_case(
        &space.cases[idx],
        &space.comments,
        CommentsMode::All,
    )))
}

/// `PATCH /api/cases/{id}/comments`
pub(crate) fn update(ctx: &Ctx, state: &mut State, case_id: &str) -> Handled {
    let body = j::body_object(&ctx.req.body)?;
    let (owner, new_body) = parse_attachment(&body, &["id", "version"])?;
    let comment_id = j::req_str(&body, "id")?;
    let version = j::req_str(&body, "version")?;
    let space = state.spaces.entry(ctx.space.clone()).or_default();
    let idx = case_index(space, case_id)?;
    let cidx = space
        .comments
        .iter()
        .position(|c| c.id == comment_id)
        .ok_or_else(|| comment_not_found(&comment_id))?;
    let comment = &space.comments[cidx];
    if comment.body.type_name() != new_body.type_name() {
        return Err(Response::bad_request(
            "You cannot change the type of the comment.",
        ));
    }
    if comment.owner != owner {
        return Err(Response::bad_request(
            "You cannot change the owner of the comment.",
        ));
    }
    if comment.case_id != case_id {
        return Err(Response::not_found(format!(
            "This comment {comment_id} does not exist in {case_id}."
        )));
    }
    if version_string(comment.version) != version {
        return Err(Response::error(
            409,
            "This case has been updated. Please refresh before saving additional updates.",
        ));
    }
    let now = now_ms();
    let comment = &mut space.comments[cidx];
    comment.body = new_body;
    comment.version = state.ids.next_version();
    comment.updated_at = Some(now);
    comment.updated_by = Some(ctx.user());
    let action = comment_action("update", comment);
    let owner = space.cases[idx].owner.clone();
    user_actions::record(ctx, &mut state.ids, space, (case_id, &owner), action);
    case_changed(ctx, &mut state.ids, space, idx, now)
}

/// Where comment `comment_id` of case `case_id` is in the space: Kibana's 404 for a
/// missing case, then for a comment missing from that case.
fn comment_index(space: &SpaceData, case_id: &str, comment_id: &str) -> Result<usize, Response> {
    case_index(space, case_id)?;
    space
        .comments
        .iter()
        .position(|c| c.id == comment_id && c.case_id == case_id)
        .ok_or_else(|| comment_not_found(comment_id))
}

/// `GET /api/cases/{id}/comments/{cid}`
pub(crate) fn get(ctx: &Ctx, state: &mut State, case_id: &str, comment_id: &str) -> Handled {
    let space = state.spaces.entry(ctx.space.clone()).or_default();
    let cidx = comment_index(space, case_id, comment_id)?;
    Ok(Response::ok(&render_comment(&space.comments[cidx])))
}

/// `GET /api/cases/{id}/comments/_find`: user comments only, oldest first by default.
pub(crate) fn find(ctx: &Ctx, state: &mut State, case_id: &str) -> Handled {
    ctx.check_query_keys(&["page", "perPage", "sortOrder", "sortField"])?;
    let (page, per_page) = ctx.paging()?;
    let desc = ctx.sort_desc(false)?;
    match ctx.query_one("sortField") {
        None | Some("createdAt" | "created_at") => {}
        Some(other) => return Err(j::invalid("sortField", Some(&json!(other)))),
    }
    let space = state.spaces.entry(ctx.space.clone()).or_default();
    case_index(space, case_id)?;
    let mut found: Vec<&Comment> = space
        .comments
        .iter()
        .filter(|c| c.case_id == case_id && matches!(c.body, CommentBody::User(_)))
        .collect();
    if desc {
        found.reverse();
    }
    let comments: Vec<Value> = page_slice(&found, page, per_page)
        .iter()
        .map(|c| render_comment(c))
        .collect();
    Ok(Response::ok(&json!({
        "page": page,
        "per_page": per_page,
        "total": found.len(),
        "comments": comments,
    })))
}

/// `GET /api/cases/{id}/comments` (8.x only): every attachment of the case.
pub(crate) fn list(ctx: &Ctx, state: &mut State, case_id: &str) -> Handled {
    let space = state.spaces.entry(ctx.space.clone()).or_default();
    case_index(space, case_id)?;
    Ok(Response::ok(&Value::Array(comments_of(
        &space.comments,
        case_id,
    ))))
}

/// `DELETE /api/cases/{id}/comments/{cid}`
pub(crate) fn delete(ctx: &Ctx, state: &mut State, case_id: &str, comment_id: &str) -> Handled {
    let space = state.spaces.entry(ctx.space.clone()).or_default();
    let cidx = comment_index(space, case_id, comment_id)?;
    let removed = space.comments.remove(cidx);
    let action = comment_action("delete", &removed);
    let owner = removed.owner.clone();
    user_actions::record(ctx, &mut state.ids, space, (case_id, &owner), action);
    Ok(Response::no_content())
}

/// `DELETE /api/cases/{id}/comments`: every attachment of the case.
pub(crate) fn delete_all(ctx: &Ctx, state: &mut State, case_id: &str) -> Handled {
    let space = state.spaces.entry(ctx.space.clone()).or_default();
    case_index(space, case_id)?;
    space.comments.retain(|c| c.case_id != case_id);
    Ok(Response::no_content())
}
