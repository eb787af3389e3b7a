//! A case's activity: Kibana's user actions, paged and filtered by type.

#[allow(unused_imports)]
use crate::rt::prelude::*;

use super::wire;
use crate::api::cases::{ActivityPage, CaseActivity, GetCaseActivityInput};
use crate::kibana::count;
use crate::kibana::enums::names_once;
use crate::kibana::routes::{self, case_path};
use crate::kibana::{Client, Request};
use crate::types::{ErrorInfo, SortOrder};
use crate::validate;
use elastic_security_wire::{name_of, username};

/// `GET /api/cases/{id}/user_actions/_find?page=&perPage=&sortOrder=` with `types`
/// repeated when given.
pub fn get_case_activity(
    client: &Client,
    input: GetCaseActivityInput,
) -> Result<ActivityPage, ErrorInfo> {
    let case_id = validate::id("case-id", &input.case_id)?;
    let (page, per_page) = validate::paging(input.page, input.per_page)?;
    let mut query: Vec<(&str, String)> = vec![
        ("page", page.to_string()),
        ("perPage", per_page.to_string()),
        (
            "sortOrder",
            name_of(&wire::SortOrder::from(
                input.sort_order.unwrap_or(SortOrder::Desc),
            )),
        ),
    ];
    for kind in names_once::<wire::ActivityType, _>(&input.types) {
        query.push(("types", kind));
    }
    let path = format!(
        "{}/user_actions/_find?{}",
        case_path(case_id),
        routes::query(&query)
    );
    client.call(
        &Request::get(path),
        "a valid page of user actions",
        |found: wire::UserActionsPage| {
            Ok(ActivityPage {
                activity: found.user_actions.into_iter().map(to_activity).collect(),
                page: found.page.map_or(page, count),
                per_page: found.per_page.map_or(per_page, count),
                total: count(found.total.unwrap_or_default()),
            })
        },
    )
}

/// Kibana's user action → the WIT record; its payload as Kibana's JSON, `{}` when
/// it has none.
fn to_activity(action: wire::UserAction) -> CaseActivity {
    CaseActivity {
        action_id: action.id,
        action_type: action.kind.unwrap_or_default(),
        action: action.action.unwrap_or_default(),
        created_at: action.created_at.unwrap_or_default(),
        created_by: username(action.created_by).unwrap_or_default(),
        comment_id: action.comment_id,
        payload: action
            .payload
            .map_or_else(|| "{}".to_owned(), |payload| payload.get().to_owned()),
    }
}
