//! The alerts of cases, from their alert attachments: the cases an alert is in
//! (`GET /api/cases/alerts/{alertId}`) and a case's alerts
//! (`GET /api/cases/{id}/alerts`).

use serde_json::{json, Value};

use super::cases::multi;
use super::request::Ctx;
use super::response::{Handled, Response};
use super::saved_objects::{case_not_found, timestamp, Comment, CommentBody, OWNERS};
use super::State;

/// `GET /api/cases/alerts/{alertId}`: Kibana's `related_case` of each case the
/// alert is attached to, in creation order.
pub(crate) fn cases_of_alert(ctx: &Ctx, state: &mut State, alert_id: &str) -> Handled {
    ctx.check_query_keys(&["owner"])?;
    let owners = multi(ctx, "owner", OWNERS)?;
    let space = state.spaces.entry(ctx.space.clone()).or_default();
    let holds = |case_id: &str| {
        space
            .comments
            .iter()
            .filter(|c| c.case_id == case_id)
            .any(|c| c.body.alerts().iter().any(|(id, _)| id == alert_id))
    };
    let cases: Vec<Value> = space
        .cases
        .iter()
        .filter(|c| owners.is_empty() || owners.contains(&c.owner.as_str()))
        .filter(|c| holds(&c.id))
        .map(|c| {
            let of_case = || space.comments.iter().filter(|m| m.case_id == c.id);
            let alerts: usize = of_case().map(|m| m.body.alerts().len()).sum();
            let user = of_case()
                .filter(|m| matches!(m.body, CommentBody::User(_)))
                .count();
            json!({
                "id": c.id, "title": c.title, "description": c.description,
                "status": c.status, "createdAt": timestamp(c.created_at),
                "totals": {"alerts": alerts, "events": 0, "userComments": user},
            })
        })
        .collect();
    Ok(Response::ok(&Value::Array(cases)))
}

/// `GET /api/cases/{id}/alerts`: each alert attached, oldest first.
pub(crate) fn of_case(ctx: &Ctx, state: &mut State, case_id: &str) -> Handled {
    let space = state.spaces.entry(ctx.space.clone()).or_default();
    if !space.cases.iter().any(|c| c.id == case_id) {
        return Err(case_not_found(case_id));
    }
    let alerts: Vec<Value> = space
        .comments
        .iter()
        .filter(|c| c.case_id == case_id)
        .flat_map(|c: &Comment| {
            c.body.alerts().into_iter().map(move |(id, index)| {
                json!({"id": id, "index": index, "attached_at": timestamp(c.created_at)})
            })
        })
        .collect();
    Ok(Response::ok(&Value::Array(alerts)))
}
