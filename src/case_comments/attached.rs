//! An alert attached to a case once: whether the case holds the alert already, and
//! then the attachment that holds it.
//!
//! Kibana's list of a case's alerts (`GET /api/cases/{id}/alerts`) says which
//! alerts a case holds but not in which attachment, and its list of comments
//! (`comments/_find`) has user comments only; the case's activity has each
//! attachment made or removed, with the attachment's id and its alert ids.

#[allow(unused_imports)]
use crate::rt::prelude::*;

use crate::api::cases::{ActivityType, GetCaseActivityInput};
use crate::cases::{activity, alerts};
use crate::kibana::Client;
use crate::pages;
use crate::types::{CaseComment, ErrorInfo, ErrorKind, SortOrder};
use crate::validate;
use elastic_security_wire::case_comments::AttachmentPayload;
use elastic_security_wire::Answer;

/// Whether the case's alerts (`GET /api/cases/{id}/alerts`) include `alert_id`.
pub fn holds(client: &Client, case_id: &str, alert_id: &str) -> Result<bool, ErrorInfo> {
    let alerts = alerts::get_case_alerts(client, case_id)?;
    Ok(alerts.iter().any(|alert| alert.alert_id == alert_id))
}

/// The attachment of the case that holds `alert_id`: the newest one the case's
/// activity shows created with it and not removed since
/// (`GET /api/cases/{id}/user_actions/_find?types=alert`, newest first, page after
/// page), read with `GET /api/cases/{id}/comments/{comment-id}`.
pub fn attachment(
    client: &Client,
    case_id: &str,
    alert_id: &str,
) -> Result<CaseComment, ErrorInfo> {
    // Newest first, so a removal is seen before the attachment it removed.
    let mut removed: Vec<String> = Vec::new();
    let mut seen = 0;
    for page in 1..=pages::MAX_PAGES {
        let found = activity::get_case_activity(
            client,
            GetCaseActivityInput {
                case_id: case_id.to_owned(),
                page: Some(page),
                per_page: Some(pages::PER_PAGE),
                sort_order: Some(SortOrder::Desc),
                types: vec![ActivityType::Alert],
            },
        )?;
        seen += found.activity.len();
        for action in found.activity {
            let Some(comment_id) = action.comment_id else {
                continue;
            };
            match action.action.as_str() {
                "delete" => removed.push(comment_id),
                "create" if !removed.contains(&comment_id) && names(&action.payload, alert_id) => {
                    return super::get_comment(client, case_id, &comment_id);
                }
                _ => {}
            }
        }
        if seen >= found.total as usize || seen < page as usize * pages::PER_PAGE as usize {
            break;
        }
    }
    Err(ErrorInfo {
        status_code: 502,
        kind: ErrorKind::InvalidResponse,
        message: format!(
            "Kibana lists the alert `{}` among the case's alerts, but the case's activity shows no attachment of it",
            validate::shorten(alert_id, 64)
        ),
    })
}

/// Whether an attachment's user action `payload` (`{"comment": {"alertId": ...}}`,
/// one id or a list) names `alert_id`.
fn names(payload: &str, alert_id: &str) -> bool {
    AttachmentPayload::read(payload)
        .ok()
        .and_then(|payload| payload.comment?.alert_id)
        .is_some_and(|ids| ids.0.iter().any(|id| id == alert_id))
}
